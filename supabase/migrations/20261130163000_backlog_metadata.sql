-- The backlog's rows carry their metadata, so the app composes their bodies in the
-- admin's language after a restart as it does for live rows (issue 14's leftover: the
-- older rows of a restarted Spanish app showed Spanish titles over the server's English
-- bodies). 20261130000100 left metadata out to save the app's memory; measured with it,
-- 10,624 unread held stay inside the 200 MB budget (benchmarks/REPORT.md, bench_backlog).
-- Same signature and keyset paging as before; only the row gains a column.

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
                 a.action_path, a.created_at, a.metadata,
                 r.notification_id is not null as read
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
comment on function public.admin_notifications_before(bigint, integer, boolean) is 'lia_notifier contract';
