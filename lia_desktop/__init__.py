"""LIA Desktop: the tray notifier for LIA marketplace administrators."""

__version__ = "0.1.0"
