"""Asyncio I/O (auth, RPC, realtime supervisor, sync, persistence); no Qt."""
