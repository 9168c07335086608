-- The app's data channel "admin_feed" is private. Its postgres_changes were on a
-- public topic: anyone with the anon key could join it and broadcast into it,
-- and one hostile frame there (a lone UTF-16 surrogate) once made every admin's
-- app deaf while it showed "Live". Realtime authorises private channels with
-- RLS on realtime.messages (see 20261124000900_private_presence.sql): admins may
-- join (SELECT), and nobody may broadcast or track presence there (no INSERT
-- policy). The rows the channel carries stay filtered by each table's own RLS.
create policy "admins join admin_feed" on realtime.messages
  for select to authenticated
  using (
    (select realtime.topic()) = 'admin_feed'
    and extension = 'broadcast'
    and (select lia_notifier.is_admin())
  );
