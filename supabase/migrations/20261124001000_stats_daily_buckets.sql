-- Month-over-month trends from per-day buckets, so admin_dashboard_stats()
-- no longer aggregates 60 days of rows: it reads about 62 bucket rows per
-- metric plus at most half a day of rows at each of the two period edges.
--
-- admin_stats_daily(day, metric, value): day is a UTC calendar day; value is
-- the figure over the rows whose created_at falls on that day, in their
-- current state:
--   bookings_created       count of bookings
--   pending_bookings       count of those bookings now pending
--   completed_revenue_cop  sum of total_price_cop of those bookings now completed
--                          (by created day, not completion day: that is what the
--                          trend has always compared, and bookings record no
--                          completion time to backfill from)
--   users_created          count of users
--   professionals_created  count of professionals (any status)
-- Statement-level triggers keep them exact from the changed rows (inserts,
-- status, price or created_at changes, deletes, cascades, TRUNCATE), taking
-- the feed lock before writing, like the counters. A bucket that drops to 0
-- keeps its row.
--
-- Also: a professional inserted with any status other than pending now gets a
-- low-priority professional_applied notification titled "New professional",
-- so the app's live new_professionals_30d (snapshot buckets plus
-- professional_applied notifications) counts every professional, like the
-- server's range count does.

create table public.admin_stats_daily (
  day date not null,
  metric text not null check (metric in (
    'bookings_created', 'pending_bookings', 'completed_revenue_cop',
    'users_created', 'professionals_created')),
  value bigint not null,
  primary key (day, metric)
);
alter table public.admin_stats_daily enable row level security;
create policy "admins read daily stats" on public.admin_stats_daily
  for select to authenticated using ((select lia_notifier.is_admin()));
revoke insert, update, delete, truncate on public.admin_stats_daily from anon, authenticated;

create type private.daily_delta as (day date, metric text, delta bigint);

-- Called per changed row: SQL-standard bodies (bound at creation, no SET
-- clause) so that the planner inlines them.
create or replace function private.utc_day(p_at timestamptz) returns date
language sql immutable parallel safe
return (p_at at time zone 'UTC')::date;

create or replace function private.utc_day_start(p_day date) returns timestamptz
language sql immutable parallel safe
return p_day::timestamp at time zone 'UTC';

-- Nets the deltas per bucket; only a non-zero net change takes the feed lock
-- (so writers that touch buckets serialise like the counters and cannot
-- deadlock) and upserts, in (day, metric) order.
create or replace function private.add_daily_deltas(p_deltas private.daily_delta[]) returns void
language plpgsql security definer
set search_path = ''
as $$
declare
  v_net private.daily_delta[];
begin
  select array_agg(row(d.day, d.metric, d.delta)::private.daily_delta)
    into v_net
    from (select day, metric, sum(delta)::bigint as delta
            from unnest(p_deltas) group by day, metric having sum(delta) <> 0) d;
  if v_net is null then
    return;
  end if;
  perform private.lock_admin_feed();
  insert into public.admin_stats_daily as s (day, metric, value)
  select day, metric, delta from unnest(v_net) order by day, metric
  on conflict (day, metric) do update set value = s.value + excluded.value;
end
$$;

-- What one booking adds to the buckets of its created day (literals only, so
-- no SET clause: that would stop the planner inlining it per row).
create or replace function private.booking_bucket_values(p_status text, p_price bigint)
returns table (metric text, value bigint)
language sql immutable parallel safe
as $$
  values ('bookings_created', 1::bigint),
         ('pending_bookings', (p_status = 'pending')::integer::bigint),
         ('completed_revenue_cop', case when p_status = 'completed' then p_price else 0 end)
$$;

-- One trigger function per table; transition tables exist only for the
-- events that have them, hence the tg_op branches.
create or replace function private.bucket_booking_changes() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  v_deltas private.daily_delta[] := '{}';
begin
  if tg_op in ('INSERT', 'UPDATE') then
    v_deltas := v_deltas || array(
      select row(day, metric, delta)::private.daily_delta
        from (select private.utc_day(r.created_at) as day, m.metric, sum(m.value) as delta
                from (select (lia_notifier.booking_of(t)).* from new_rows t) r
                cross join lateral private.booking_bucket_values(r.status, r.total_price_cop) m
               group by 1, 2) d);
  end if;
  if tg_op in ('UPDATE', 'DELETE') then
    v_deltas := v_deltas || array(
      select row(day, metric, -delta)::private.daily_delta
        from (select private.utc_day(r.created_at) as day, m.metric, sum(m.value) as delta
                from (select (lia_notifier.booking_of(t)).* from old_rows t) r
                cross join lateral private.booking_bucket_values(r.status, r.total_price_cop) m
               group by 1, 2) d);
  end if;
  perform private.add_daily_deltas(v_deltas);
  return null;
end
$$;
create trigger bookings_daily_insert after insert on public.bookings
  referencing new table as new_rows
  for each statement execute function private.bucket_booking_changes();
create trigger bookings_daily_update after update on public.bookings
  referencing old table as old_rows new table as new_rows
  for each statement execute function private.bucket_booking_changes();
create trigger bookings_daily_delete after delete on public.bookings
  referencing old table as old_rows
  for each statement execute function private.bucket_booking_changes();

-- The deltas of rows created at p_created (one count each, times p_sign) per UTC day.
create or replace function private.created_day_deltas(
  p_metric text, p_sign integer, p_created timestamptz[])
returns private.daily_delta[]
language sql immutable
set search_path = ''
as $$
  select coalesce(array_agg(row(day, p_metric, p_sign * n)::private.daily_delta), '{}')
    from (select private.utc_day(c) as day, count(*) as n from unnest(p_created) c group by 1) d
$$;

-- users and professionals: one row counts 1 on its created day (tg_argv[0] names the
-- metric). plpgsql plans each branch for the table it fires on only.
create or replace function private.bucket_created_changes() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  v_deltas private.daily_delta[] := '{}';
begin
  if tg_argv[0] = 'users_created' then
    if tg_op in ('INSERT', 'UPDATE') then
      v_deltas := v_deltas || private.created_day_deltas(tg_argv[0], 1,
        array(select (lia_notifier.user_of(t)).created_at from new_rows t));
    end if;
    if tg_op in ('UPDATE', 'DELETE') then
      v_deltas := v_deltas || private.created_day_deltas(tg_argv[0], -1,
        array(select (lia_notifier.user_of(t)).created_at from old_rows t));
    end if;
  else
    if tg_op in ('INSERT', 'UPDATE') then
      v_deltas := v_deltas || private.created_day_deltas(tg_argv[0], 1,
        array(select (lia_notifier.professional_of(t)).created_at from new_rows t));
    end if;
    if tg_op in ('UPDATE', 'DELETE') then
      v_deltas := v_deltas || private.created_day_deltas(tg_argv[0], -1,
        array(select (lia_notifier.professional_of(t)).created_at from old_rows t));
    end if;
  end if;
  perform private.add_daily_deltas(v_deltas);
  return null;
end
$$;
create trigger users_daily_insert after insert on public.users
  referencing new table as new_rows
  for each statement execute function private.bucket_created_changes('users_created');
create trigger users_daily_update after update on public.users
  referencing old table as old_rows new table as new_rows
  for each statement execute function private.bucket_created_changes('users_created');
create trigger users_daily_delete after delete on public.users
  referencing old table as old_rows
  for each statement execute function private.bucket_created_changes('users_created');
create trigger professionals_daily_insert after insert on public.professionals
  referencing new table as new_rows
  for each statement execute function private.bucket_created_changes('professionals_created');
create trigger professionals_daily_update after update on public.professionals
  referencing old table as old_rows new table as new_rows
  for each statement execute function private.bucket_created_changes('professionals_created');
create trigger professionals_daily_delete after delete on public.professionals
  referencing old table as old_rows
  for each statement execute function private.bucket_created_changes('professionals_created');

-- Ground truth, for the backfill below, TRUNCATE, and bulk loads done with
-- triggers disabled.
create or replace function private.recompute_admin_stats_daily() returns void
language plpgsql security definer
set search_path = ''
as $$
begin
  perform private.lock_admin_feed();
  delete from public.admin_stats_daily;
  insert into public.admin_stats_daily (day, metric, value)
  select private.utc_day(b.created_at), m.metric, sum(m.value)
    from lia_notifier.bookings b
    cross join lateral private.booking_bucket_values(b.status, b.total_price_cop) m
   group by 1, 2
  union all
  select private.utc_day(created_at), 'users_created', count(*) from lia_notifier.users group by 1
  union all
  select private.utc_day(created_at), 'professionals_created', count(*)
    from lia_notifier.professionals group by 1;
end
$$;

create or replace function private.recompute_admin_stats_daily_trigger() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  perform private.recompute_admin_stats_daily();
  return null;
end
$$;
create trigger bookings_daily_truncate after truncate on public.bookings
  for each statement execute function private.recompute_admin_stats_daily_trigger();
create trigger users_daily_truncate after truncate on public.users
  for each statement execute function private.recompute_admin_stats_daily_trigger();
create trigger professionals_daily_truncate after truncate on public.professionals
  for each statement execute function private.recompute_admin_stats_daily_trigger();

-- The triggers above already hold a lock that blocks writes to the three
-- tables until this migration commits, so the backfill's snapshot misses nothing.
select private.recompute_admin_stats_daily();

-- Each bucket figure over the rows created after p_at (the rows a trend
-- period "after p_at" holds). Whole UTC days come from the buckets; p_at's own
-- day is split at p_at, and the shorter side (at most 12 h) is range-counted:
-- before noon the day's bucket minus [day start, p_at], after noon the rows
-- in (p_at, next day start). created_at has microsecond resolution, so
-- "> p_at" is ">= p_at + 1 microsecond".
create or replace function private.admin_stats_created_after(
  p_at timestamptz,
  out bookings_created bigint, out pending_bookings bigint, out completed_revenue_cop bigint,
  out users_created bigint, out professionals_created bigint)
language plpgsql stable
set search_path = ''
as $$
declare
  v_day date := private.utc_day(p_at);
  v_split timestamptz := p_at + interval '1 microsecond';
  v_before_noon boolean := p_at < private.utc_day_start(v_day) + interval '12 hours';
  v_from date := case when v_before_noon then v_day else v_day + 1 end;
  v_sign integer := case when v_before_noon then -1 else 1 end;
  v_lo timestamptz := case when v_before_noon then private.utc_day_start(v_day) else v_split end;
  v_hi timestamptz := case when v_before_noon then v_split else private.utc_day_start(v_day + 1) end;
  f record;
begin
  select coalesce(sum(value) filter (where metric = 'bookings_created'), 0),
         coalesce(sum(value) filter (where metric = 'pending_bookings'), 0),
         coalesce(sum(value) filter (where metric = 'completed_revenue_cop'), 0),
         coalesce(sum(value) filter (where metric = 'users_created'), 0),
         coalesce(sum(value) filter (where metric = 'professionals_created'), 0)
    into bookings_created, pending_bookings, completed_revenue_cop, users_created,
         professionals_created
    from public.admin_stats_daily
   where day >= v_from;

  select count(*) as n, count(*) filter (where status = 'pending') as pending,
         coalesce(sum(total_price_cop) filter (where status = 'completed'), 0) as revenue
    into f
    from lia_notifier.bookings where created_at >= v_lo and created_at < v_hi;
  bookings_created := bookings_created + v_sign * f.n;
  pending_bookings := pending_bookings + v_sign * f.pending;
  completed_revenue_cop := completed_revenue_cop + v_sign * f.revenue;
  users_created := users_created + v_sign
    * (select count(*) from lia_notifier.users where created_at >= v_lo and created_at < v_hi);
  professionals_created := professionals_created + v_sign
    * (select count(*) from lia_notifier.professionals where created_at >= v_lo and created_at < v_hi);
end
$$;

-- One snapshot (STABLE: every query below sees the same data). Counters with
-- their seqs from admin_stats_counters; month-over-month trends from the daily
-- buckets; the 24 h figures, the sparse minute/hour lists and
-- new_professionals_30d from created_at index ranges bounded by their windows.
-- Minute/hour buckets are epoch-aligned whatever the session time zone
-- (date_bin, not date_trunc), as the client buckets them; a 2-D array turned
-- into JSON once is cheaper than a JSON array per bucket.
create or replace function public.admin_dashboard_stats() returns json
language plpgsql stable security definer
set search_path = ''
as $$
declare
  v_now timestamptz := now();
  v_day timestamptz := v_now - interval '24 hours';
  v_month timestamptz := v_now - interval '30 days';
  v_seqs json;
  v_counter_values jsonb;
  v_bookings_prev_day bigint;
  v_pros_30d bigint;
  v_bookings_recent json;
  v_bookings_24h bigint;
  v_pros_recent json;
  cur record;
  since_prev record;
begin
  perform private.require_admin();

  select jsonb_object_agg(metric, value), json_object_agg(metric, seq)
    into v_counter_values, v_seqs
    from public.admin_stats_counters;

  cur := private.admin_stats_created_after(v_month);
  since_prev := private.admin_stats_created_after(v_now - interval '60 days');

  select coalesce(array_to_json(array_agg(array[extract(epoch from minute)::bigint, n] order by minute)), '[]'),
         coalesce(sum(n), 0)
    into v_bookings_recent, v_bookings_24h
    from (select date_bin('1 minute', created_at, timestamptz 'epoch') as minute, count(*) as n
            from lia_notifier.bookings where created_at > v_day group by 1) m;
  select count(*) into v_bookings_prev_day
    from lia_notifier.bookings where created_at <= v_day and created_at > v_now - interval '48 hours';

  select coalesce(array_to_json(array_agg(array[extract(epoch from hour)::bigint, n] order by hour)), '[]'),
         coalesce(sum(n), 0)
    into v_pros_recent, v_pros_30d
    from (select date_bin('1 hour', created_at, timestamptz 'epoch') as hour, count(*) as n
            from lia_notifier.professionals where created_at > v_month group by 1) h;

  return json_build_object(
    'total_bookings', coalesce((v_counter_values ->> 'total_bookings')::bigint, 0),
    'pending_bookings', coalesce((v_counter_values ->> 'pending_bookings')::bigint, 0),
    'total_users', coalesce((v_counter_values ->> 'total_users')::bigint, 0),
    'total_revenue_cop', coalesce((v_counter_values ->> 'total_revenue_cop')::bigint, 0),
    'new_professionals_30d', v_pros_30d,
    'bookings_24h', v_bookings_24h,
    'counter_seq', coalesce(v_seqs, '{}'),
    'trends', json_build_object(
      'total_bookings', private.percent_change(
        cur.bookings_created, since_prev.bookings_created - cur.bookings_created),
      'pending_bookings', private.percent_change(
        cur.pending_bookings, since_prev.pending_bookings - cur.pending_bookings),
      'total_users', private.percent_change(
        cur.users_created, since_prev.users_created - cur.users_created),
      'total_revenue_cop', private.percent_change(
        cur.completed_revenue_cop, since_prev.completed_revenue_cop - cur.completed_revenue_cop),
      'new_professionals_30d', private.percent_change(
        cur.professionals_created, since_prev.professionals_created - cur.professionals_created),
      'bookings_24h', private.percent_change(v_bookings_24h, v_bookings_prev_day)),
    'bookings_recent', v_bookings_recent,
    'professionals_recent', v_pros_recent,
    'cursor', coalesce((select max(id) from public.admin_notifications), 0),
    'server_time', v_now);
end
$$;

-- Every professional inserted is announced: applications (pending) as before;
-- any other status with low priority, so that a client's live
-- new_professionals_30d (snapshot buckets + professional_applied
-- notifications) still counts it.
create or replace function private.notify_professional_applied() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  n lia_notifier.professional_row := lia_notifier.professional_of(new);
  v_application boolean := n.status = 'pending';
  v_where text := n.specialty || coalesce(' (' || n.city || ')', '');
begin
  perform private.enqueue_admin_notification(
    'professional_applied',
    case when v_application then 'medium' else 'low' end,
    case when v_application then 'New professional application' else 'New professional' end,
    case when v_application then n.full_name || ' applied as ' || v_where
         else n.full_name || ' added as ' || v_where || ' · ' || n.status end,
    'professionals', n.id::text, '/admin/professionals/' || n.id,
    jsonb_build_object(
      'created_at', n.created_at, 'user_id', n.user_id, 'full_name', n.full_name,
      'specialty', n.specialty, 'city', n.city, 'status', n.status));
  return null;
end
$$;
create or replace trigger professionals_notify_applied after insert on public.professionals
  for each row execute function private.notify_professional_applied();
