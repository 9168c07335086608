"""Pure domain logic: no Qt, no asyncio I/O, no network, no supabase."""
