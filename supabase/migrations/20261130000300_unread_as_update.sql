-- Taking a read back is an UPDATE (read_at set to null), not a DELETE.
--
-- Realtime cannot RLS-check a deleted row, so the DELETE of a read row went to
-- EVERY subscriber of admin_notification_reads: anyone with the anon key, or a
-- customer's session, could subscribe and watch which admin took back which
-- read, and when (admin ids included). An UPDATE carries the new row and is
-- RLS-checked per subscriber ("admins read own read state"), so only the admin's
-- own sessions hear of it. The anon role also loses SELECT on the table: it never
-- needed it, and without it a subscription is refused outright.
--
-- Read state is now: a row with read_at not null is read; no row, or read_at null,
-- is unread. Every function that reads or writes it follows (admin_notifications_before,
-- in 20261130000100, already does).

alter table public.admin_notification_reads alter column read_at drop not null;
revoke select on public.admin_notification_reads from anon;

create or replace function public.admin_mark_read(ids bigint[]) returns integer
language plpgsql security definer
set search_path = ''
as $$
declare
  v_admin uuid := private.require_admin_id();
  v_marked integer;
begin
  insert into public.admin_notification_reads as r (admin_id, notification_id)
  select v_admin, a.id from public.admin_notifications a where a.id = any (ids)
  on conflict (admin_id, notification_id) do update set read_at = now()
    where r.read_at is null;
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
  insert into public.admin_notification_reads as r (admin_id, notification_id)
  select v_admin, a.id from public.admin_notifications a where a.id <= up_to_id
  on conflict (admin_id, notification_id) do update set read_at = now()
    where r.read_at is null;
  get diagnostics v_marked = row_count;
  return v_marked;
end
$$;

create or replace function public.admin_mark_unread(ids bigint[]) returns integer
language plpgsql security definer
set search_path = ''
as $$
declare
  v_admin uuid := private.require_admin_id();
  v_unmarked integer;
begin
  update public.admin_notification_reads r set read_at = null
   where r.admin_id = v_admin and r.notification_id = any (ids) and r.read_at is not null;
  get diagnostics v_unmarked = row_count;
  return v_unmarked;
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
                              where r.admin_id = v_admin and r.notification_id = a.id
                                and r.read_at is not null));
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
                          where r.admin_id = v_admin and r.notification_id = a.id
                            and r.read_at is not null) as read
            from public.admin_notifications a
           where a.id > coalesce(after_id, 0)
           order by a.id
           limit least(greatest(coalesce(max_rows, 200), 0), 1000)) n;
  return v_rows;
end
$$;
