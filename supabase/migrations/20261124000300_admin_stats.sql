-- Exact, O(1) dashboard counters maintained by statement-level triggers from
-- the changed rows themselves (transition tables), never from client input.
-- Every change takes the notification feed lock, then a seq from one
-- sequence, so per metric seq grows in commit order: a client applies a live
-- UPDATE of admin_stats_counters only when its seq is greater than the one it has.

create sequence private.admin_stats_seq as bigint;

create table public.admin_stats_counters (
  metric text primary key
    check (metric in ('total_bookings', 'pending_bookings', 'total_users', 'total_revenue_cop')),
  value bigint not null,
  seq bigint not null,
  updated_at timestamptz not null default now()
);
alter table public.admin_stats_counters enable row level security;
create policy "admins read counters" on public.admin_stats_counters
  for select to authenticated using ((select lia_notifier.is_admin()));
revoke insert, update, delete, truncate on public.admin_stats_counters from anon, authenticated;

create or replace function private.bump_admin_counter(p_metric text, p_delta bigint) returns void
language plpgsql security definer
set search_path = ''
as $$
begin
  if p_delta = 0 then
    return;  -- no change, no event
  end if;
  perform private.lock_admin_feed();
  update public.admin_stats_counters
     set value = value + p_delta, seq = nextval('private.admin_stats_seq'), updated_at = now()
   where metric = p_metric;
end
$$;

create or replace function private.count_booking_changes() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  v_total bigint := 0;
  v_pending bigint := 0;
  v_revenue bigint := 0;
  v_old record;
begin
  if tg_op in ('INSERT', 'UPDATE') then
    select count(*), count(*) filter (where status = 'pending'),
           coalesce(sum(total_price_cop) filter (where status = 'completed'), 0)
      into v_total, v_pending, v_revenue
      from (select (lia_notifier.booking_of(t)).* from new_rows t) b;
  end if;
  if tg_op in ('UPDATE', 'DELETE') then
    select count(*) as total, count(*) filter (where status = 'pending') as pending,
           coalesce(sum(total_price_cop) filter (where status = 'completed'), 0) as revenue
      into v_old
      from (select (lia_notifier.booking_of(t)).* from old_rows t) b;
    v_total := v_total - v_old.total;
    v_pending := v_pending - v_old.pending;
    v_revenue := v_revenue - v_old.revenue;
  end if;
  perform private.bump_admin_counter('total_bookings', v_total);
  perform private.bump_admin_counter('pending_bookings', v_pending);
  perform private.bump_admin_counter('total_revenue_cop', v_revenue);
  return null;
end
$$;
create trigger bookings_count_insert after insert on public.bookings
  referencing new table as new_rows
  for each statement execute function private.count_booking_changes();
create trigger bookings_count_update after update on public.bookings
  referencing old table as old_rows new table as new_rows
  for each statement execute function private.count_booking_changes();
create trigger bookings_count_delete after delete on public.bookings
  referencing old table as old_rows
  for each statement execute function private.count_booking_changes();

create or replace function private.count_user_changes() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  v_delta bigint;
begin
  if tg_op = 'INSERT' then
    select count(*) into v_delta from new_rows;
  else
    select -count(*) into v_delta from old_rows;
  end if;
  perform private.bump_admin_counter('total_users', v_delta);
  return null;
end
$$;
create trigger users_count_insert after insert on public.users
  referencing new table as new_rows
  for each statement execute function private.count_user_changes();
create trigger users_count_delete after delete on public.users
  referencing old table as old_rows
  for each statement execute function private.count_user_changes();

-- Ground truth, for the initial values, TRUNCATE, and bulk loads done with
-- triggers disabled. Only changed metrics get a new seq.
create or replace function private.recompute_admin_stats() returns void
language plpgsql security definer
set search_path = ''
as $$
declare
  v_truth record;
begin
  perform private.lock_admin_feed();
  for v_truth in
    select 'total_bookings' as metric, count(*)::bigint as value from lia_notifier.bookings
    union all
    select 'pending_bookings', count(*) filter (where status = 'pending') from lia_notifier.bookings
    union all
    select 'total_revenue_cop',
           coalesce(sum(total_price_cop) filter (where status = 'completed'), 0)::bigint
      from lia_notifier.bookings
    union all
    select 'total_users', count(*) from lia_notifier.users
  loop
    insert into public.admin_stats_counters as c (metric, value, seq)
    values (v_truth.metric, v_truth.value, nextval('private.admin_stats_seq'))
    on conflict (metric) do update
      set value = excluded.value, seq = excluded.seq, updated_at = now()
      where c.value <> excluded.value;
  end loop;
end
$$;

create or replace function private.recompute_admin_stats_trigger() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  perform private.recompute_admin_stats();
  return null;
end
$$;
create trigger bookings_count_truncate after truncate on public.bookings
  for each statement execute function private.recompute_admin_stats_trigger();
create trigger users_count_truncate after truncate on public.users
  for each statement execute function private.recompute_admin_stats_trigger();

select private.recompute_admin_stats();
