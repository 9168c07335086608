-- The "online_users" presence channel is private: only admins may see who is
-- online or announce themselves there. Realtime authorises private channels
-- (clients join with config.private = true) with RLS on realtime.messages,
-- probing SELECT for read and INSERT for write with realtime.topic() set to the
-- channel's topic. Anyone else (non-admins, the anon key) is refused at join.
-- On a hosted project also turn off "Allow public access" in the Realtime
-- settings, so that nobody can join the same topic as a public channel.
create policy "admins read online_users presence" on realtime.messages
  for select to authenticated
  using (
    (select realtime.topic()) = 'online_users'
    and extension = 'presence'
    and (select lia_notifier.is_admin())
  );

create policy "admins track online_users presence" on realtime.messages
  for insert to authenticated
  with check (
    (select realtime.topic()) = 'online_users'
    and extension = 'presence'
    and (select lia_notifier.is_admin())
  );
