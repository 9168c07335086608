-- What an operator (lia-desktop doctor, as an admin through the API) asks after a
-- push: which contract version is installed and which of its pieces are missing or
-- disabled, named precisely. supabase/preflight.sql asks the same before a push.

-- The contract's version: the newest migration that changes the contract replaces it.
create or replace function lia_notifier.contract_version() returns text
language sql immutable
return '20261130000400';

create or replace function public.admin_contract_status() returns json
language plpgsql stable security definer
set search_path = ''
as $$
declare
  v_missing text[];
begin
  perform private.require_admin();
  select coalesce(array_agg(item order by sort, item), '{}')
    into v_missing
    from (
      select 1 as sort, 'table public.' || t as item
        from unnest(array['admin_notifications', 'admin_notification_reads',
                          'admin_stats_counters', 'admin_stats_daily']) t
       where to_regclass('public.' || t) is null
      union all
      select 2, 'view lia_notifier.' || t
        from unnest(array['users', 'professionals', 'bookings', 'reviews', 'disputes']) t
       where to_regclass('lia_notifier.' || t) is null
      union all
      select 3, 'trigger ' || w.trigger || ' on public.' || w.tbl
             || case when tg.oid is null then '' else ' (disabled)' end
        from (values
          ('bookings', 'bookings_notify_created'), ('bookings', 'bookings_notify_cancelled'),
          ('bookings', 'bookings_count_insert'), ('bookings', 'bookings_count_update'),
          ('bookings', 'bookings_count_delete'), ('bookings', 'bookings_count_truncate'),
          ('bookings', 'bookings_daily_insert'), ('bookings', 'bookings_daily_update'),
          ('bookings', 'bookings_daily_delete'), ('bookings', 'bookings_daily_truncate'),
          ('disputes', 'disputes_notify_opened'), ('disputes', 'disputes_notify_escalated'),
          ('professionals', 'professionals_notify_applied'),
          ('professionals', 'professionals_daily_insert'),
          ('professionals', 'professionals_daily_update'),
          ('professionals', 'professionals_daily_delete'),
          ('professionals', 'professionals_daily_truncate'),
          ('reviews', 'reviews_notify_created'),
          ('users', 'users_notify_signed_up'), ('users', 'users_count_insert'),
          ('users', 'users_count_delete'), ('users', 'users_count_truncate'),
          ('users', 'users_daily_insert'), ('users', 'users_daily_update'),
          ('users', 'users_daily_delete'), ('users', 'users_daily_truncate')) w (tbl, trigger)
        left join pg_catalog.pg_trigger tg
          on tg.tgname = w.trigger and tg.tgrelid = to_regclass('public.' || w.tbl)
       where tg.oid is null or tg.tgenabled = 'D'
      union all
      select 4, 'publication supabase_realtime: public.' || t
        from unnest(array['users', 'professionals', 'bookings', 'reviews', 'disputes',
                          'admin_notifications', 'admin_stats_counters',
                          'admin_notification_reads']) t
       where not exists (select 1 from pg_catalog.pg_publication_tables p
                          where p.pubname = 'supabase_realtime' and p.schemaname = 'public'
                            and p.tablename = t)
      union all
      select 5, 'function public.' || f
        from unnest(array['admin_dashboard_stats()', 'admin_notifications_after(bigint,integer)',
                          'admin_notifications_before(bigint,integer,boolean)',
                          'admin_mark_read(bigint[])', 'admin_mark_all_read(bigint)',
                          'admin_mark_unread(bigint[])', 'admin_unread_count()']) f
       where to_regprocedure('public.' || f) is null
      union all
      select 6, 'policy on realtime.messages: ' || p
        from unnest(array['admins join admin_feed', 'admins read online_users presence',
                          'admins track online_users presence']) p
       where not exists (select 1 from pg_catalog.pg_policies
                          where schemaname = 'realtime' and tablename = 'messages'
                            and policyname = p)
    ) m;
  return json_build_object('version', lia_notifier.contract_version(), 'missing', v_missing);
end
$$;
revoke all on function public.admin_contract_status() from public, anon;
grant execute on function public.admin_contract_status() to authenticated;
