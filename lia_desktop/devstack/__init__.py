"""The local Supabase-compatible backend (embedded PostgreSQL, Auth, RPC, Realtime) for the demo and the tests."""
