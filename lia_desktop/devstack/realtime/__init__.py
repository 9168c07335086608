"""Supabase-compatible Realtime for the devstack: Phoenix channels fed by pgoutput decoding."""

from .service import RealtimeService

__all__ = ["RealtimeService"]
