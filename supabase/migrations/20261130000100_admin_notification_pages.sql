-- Pages of the admin's notifications, newest first, for the notification center:
-- the whole unread backlog (unread_only) and a recent history window. After a
-- restart, a sign-in on another laptop or an empty data folder the app shows
-- exactly what the server says is unread, not only what arrived after its cursor.
--
-- Keyset pagination on the primary key (id < before_id order by id desc): every
-- page is an index range scan, whatever the depth, and pages never skip or repeat
-- a row when new notifications commit meanwhile (they have larger ids). The read
-- flag is a probe of admin_notification_reads' primary key (admin_id, notification_id);
-- a row whose read_at is null is a read taken back (20261130000300).
-- The first page of a backlog passes before_id = null (newest). Rows leave out metadata:
-- the list does not show it, and it is most of a row (10,000 unread held in the app).

create or replace function public.admin_notifications_before(
  before_id bigint default null, max_rows integer default 200, unread_only boolean default false)
returns json
language plpgsql stable security definer
set search_path = ''
as $$
declare
  v_admin uuid := private.require_admin_id();
  v_rows json;
begin
  select coalesce(json_agg(row_to_json(n) order by n.id desc), '[]')
    into v_rows
    from (select a.id, a.type, a.priority, a.title, a.body, a.entity_table, a.entity_id,
                 a.action_path, a.created_at, r.notification_id is not null as read
            from public.admin_notifications a
            left join public.admin_notification_reads r
              on r.admin_id = v_admin and r.notification_id = a.id and r.read_at is not null
           where a.id < coalesce(before_id, 9223372036854775807)
             and (not coalesce(unread_only, false) or r.notification_id is null)
           order by a.id desc
           limit least(greatest(coalesce(max_rows, 200), 0), 1000)) n;
  return v_rows;
end
$$;

