-- Admin RPCs. Each raises insufficient_privilege (42501) unless is_admin().

create or replace function private.require_admin() returns void
language plpgsql stable
set search_path = ''
as $$
begin
  if not lia_notifier.is_admin() then
    raise exception 'admin role required' using errcode = 'insufficient_privilege';
  end if;
end
$$;

-- Read state belongs to the signed-in admin, so the JWT must name one.
create or replace function private.require_admin_id() returns uuid
language plpgsql stable
set search_path = ''
as $$
declare
  v_admin uuid := auth.uid();
begin
  perform private.require_admin();
  if v_admin is null then
    raise exception 'admin token has no subject' using errcode = 'insufficient_privilege';
  end if;
  return v_admin;
end
$$;

-- Percent change of this period over the previous one; null without a base.
create or replace function private.percent_change(p_current numeric, p_previous numeric)
returns numeric
language sql immutable
set search_path = ''
as $$
  select case when p_previous = 0 then null
              else round((p_current - p_previous) * 100 / p_previous, 1) end
$$;

-- One snapshot (STABLE: every query below sees the same data): counters with
-- their seqs, window counts from created_at index ranges, and the feed cursor.
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
  b record;
  v_users_30d bigint;
  v_users_prev bigint;
  v_pros_30d bigint;
  v_pros_prev bigint;
  v_bookings_recent json;
  v_pros_recent json;
begin
  perform private.require_admin();

  select jsonb_object_agg(metric, value), json_object_agg(metric, seq)
    into v_counter_values, v_seqs
    from public.admin_stats_counters;

  select count(*) filter (where created_at > v_day) as day,
         count(*) filter (where created_at <= v_day and created_at > v_now - interval '48 hours')
           as day_prev,
         count(*) filter (where created_at > v_month) as month,
         count(*) filter (where created_at <= v_month) as month_prev,
         count(*) filter (where status = 'pending' and created_at > v_month) as pending,
         count(*) filter (where status = 'pending' and created_at <= v_month) as pending_prev,
         coalesce(sum(total_price_cop) filter (where status = 'completed' and created_at > v_month), 0)
           as revenue,
         coalesce(sum(total_price_cop) filter (where status = 'completed' and created_at <= v_month), 0)
           as revenue_prev
    into b
    from lia_notifier.bookings
   where created_at > v_now - interval '60 days';

  select count(*) filter (where created_at > v_month), count(*) filter (where created_at <= v_month)
    into v_users_30d, v_users_prev
    from lia_notifier.users where created_at > v_now - interval '60 days';

  select count(*) filter (where created_at > v_month), count(*) filter (where created_at <= v_month)
    into v_pros_30d, v_pros_prev
    from lia_notifier.professionals where created_at > v_now - interval '60 days';

  select coalesce(json_agg(json_build_array(extract(epoch from minute)::bigint, n) order by minute), '[]')
    into v_bookings_recent
    from (select date_trunc('minute', created_at) as minute, count(*) as n
            from lia_notifier.bookings where created_at > v_day group by 1) m;

  select coalesce(json_agg(json_build_array(extract(epoch from hour)::bigint, n) order by hour), '[]')
    into v_pros_recent
    from (select date_trunc('hour', created_at) as hour, count(*) as n
            from lia_notifier.professionals where created_at > v_month group by 1) h;

  return json_build_object(
    'total_bookings', coalesce((v_counter_values ->> 'total_bookings')::bigint, 0),
    'pending_bookings', coalesce((v_counter_values ->> 'pending_bookings')::bigint, 0),
    'total_users', coalesce((v_counter_values ->> 'total_users')::bigint, 0),
    'total_revenue_cop', coalesce((v_counter_values ->> 'total_revenue_cop')::bigint, 0),
    'new_professionals_30d', v_pros_30d,
    'bookings_24h', b.day,
    'counter_seq', coalesce(v_seqs, '{}'),
    'trends', json_build_object(
      'total_bookings', private.percent_change(b.month, b.month_prev),
      'pending_bookings', private.percent_change(b.pending, b.pending_prev),
      'total_users', private.percent_change(v_users_30d, v_users_prev),
      'total_revenue_cop', private.percent_change(b.revenue, b.revenue_prev),
      'new_professionals_30d', private.percent_change(v_pros_30d, v_pros_prev),
      'bookings_24h', private.percent_change(b.day, b.day_prev)),
    'bookings_recent', v_bookings_recent,
    'professionals_recent', v_pros_recent,
    'cursor', coalesce((select max(id) from public.admin_notifications), 0),
    'server_time', v_now);
end
$$;

create or replace function public.admin_notifications_after(after_id bigint, max_rows integer default 200)
returns json
language plpgsql stable security definer
set search_path = ''
as $$
declare
  v_admin uuid := private.require_admin_id();
  v_rows json;
begin
  select coalesce(json_agg(row_to_json(n) order by n.id), '[]')
    into v_rows
    from (select a.id, a.type, a.priority, a.title, a.body, a.entity_table, a.entity_id,
                 a.action_path, a.created_at, a.metadata,
                 exists (select 1 from public.admin_notification_reads r
                          where r.admin_id = v_admin and r.notification_id = a.id) as read
            from public.admin_notifications a
           where a.id > coalesce(after_id, 0)
           order by a.id
           limit least(greatest(coalesce(max_rows, 200), 0), 1000)) n;
  return v_rows;
end
$$;

create or replace function public.admin_mark_read(ids bigint[]) returns integer
language plpgsql security definer
set search_path = ''
as $$
declare
  v_admin uuid := private.require_admin_id();
  v_marked integer;
begin
  insert into public.admin_notification_reads (admin_id, notification_id)
  select v_admin, a.id from public.admin_notifications a where a.id = any (ids)
  on conflict do nothing;
  get diagnostics v_marked = row_count;
  return v_marked;
end
$$;

create or replace function public.admin_mark_all_read(up_to_id bigint) returns integer
language plpgsql security definer
set search_path = ''
as $$
declare
  v_admin uuid := private.require_admin_id();
  v_marked integer;
begin
  insert into public.admin_notification_reads (admin_id, notification_id)
  select v_admin, a.id from public.admin_notifications a where a.id <= up_to_id
  on conflict do nothing;
  get diagnostics v_marked = row_count;
  return v_marked;
end
$$;

create or replace function public.admin_unread_count() returns integer
language plpgsql stable security definer
set search_path = ''
as $$
declare
  v_admin uuid := private.require_admin_id();
begin
  return (select count(*) from public.admin_notifications a
           where not exists (select 1 from public.admin_notification_reads r
                              where r.admin_id = v_admin and r.notification_id = a.id));
end
$$;
