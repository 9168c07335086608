-- Mark unread: the notification center's Space toggles read (ui-guide), so an
-- admin can take back a read. admin_mark_unread(ids) deletes the calling
-- admin's read rows and returns how many it deleted.
--
-- How the admin's other sessions see it: admin_notification_reads is in the
-- supabase_realtime publication (which publishes deletes) with the DEFAULT
-- replica identity, i.e. its primary key (admin_id, notification_id). The
-- table has RLS, so Realtime cannot check a policy on a deleted row: the
-- DELETE event goes to EVERY subscriber of the table, and its old_record
-- holds only the primary key, {"admin_id": ..., "notification_id": ...} (no
-- read_at, even with REPLICA IDENTITY FULL). Both key columns are needed and
-- both arrive: clients must apply only events whose admin_id is their own,
-- since other admins' unreads reach them too. Nothing needs changing on the
-- table for that; this migration states the identity so the guarantee does
-- not rest on a default.

alter table public.admin_notification_reads replica identity default;

create or replace function public.admin_mark_unread(ids bigint[]) returns integer
language plpgsql security definer
set search_path = ''
as $$
declare
  v_admin uuid := private.require_admin_id();
  v_unmarked integer;
begin
  delete from public.admin_notification_reads r
   where r.admin_id = v_admin and r.notification_id = any (ids);
  get diagnostics v_unmarked = row_count;
  return v_unmarked;
end
$$;
