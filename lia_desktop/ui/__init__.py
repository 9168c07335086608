"""Qt widgets, tray and toasts; no business rules (those live in core)."""
