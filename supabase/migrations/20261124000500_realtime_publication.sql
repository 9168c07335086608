-- Tables whose changes clients receive over Realtime (postgres_changes).
-- RLS decides who sees each INSERT/UPDATE; admin_notification_reads lets an
-- admin's other sessions see reads live.
alter publication supabase_realtime add table
  public.users,
  public.professionals,
  public.bookings,
  public.reviews,
  public.disputes,
  public.admin_notifications,
  public.admin_stats_counters,
  public.admin_notification_reads;
