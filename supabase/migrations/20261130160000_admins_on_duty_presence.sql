-- Who is on duty *now* (issue 17): the private presence channel "admins_on_duty".
-- public.admin_duty keeps what each admin chose (Available / Away / Off duty), and
-- that outlives the app: an admin who picked Available and then closed the laptop
-- stayed "on duty" for everyone. Each admin's app now tracks itself on this channel
-- (keyed by its admin id, its duty in the meta); Realtime drops the meta when the
-- socket goes, so the roster joined with this channel's presence is who is there.
--
-- Only admins may join (SELECT: read the presence) and track (INSERT), under the
-- same rule as admin_feed and online_users: lia_notifier.is_admin(), which refuses
-- an aal1 token while admins need aal2 (20261130001600). Customers and the anon key
-- are refused at join ("Unauthorized"). Nobody may broadcast here (no policy for the
-- 'broadcast' extension). Realtime does not check the presence key a client tracks
-- under: any admin may claim another's key; the app names people from the roster
-- (admin_duty_roster), never from meta text. On a hosted project also turn off
-- "Allow public access" in the Realtime settings (see 20261124000900).
create policy "admins read admins_on_duty presence" on realtime.messages
  for select to authenticated
  using (
    (select realtime.topic()) = 'admins_on_duty'
    and extension = 'presence'
    and (select lia_notifier.is_admin())
  );

create policy "admins track admins_on_duty presence" on realtime.messages
  for insert to authenticated
  with check (
    (select realtime.topic()) = 'admins_on_duty'
    and extension = 'presence'
    and (select lia_notifier.is_admin())
  );

insert into lia_notifier.contract_piece_list (kind, name, on_what)
values ('policy', 'admins read admins_on_duty presence', 'realtime.messages'),
       ('policy', 'admins track admins_on_duty presence', 'realtime.messages');

create or replace function lia_notifier.contract_version() returns text
language sql immutable
return '20261130160000';
