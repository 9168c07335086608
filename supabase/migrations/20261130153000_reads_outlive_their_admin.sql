-- A removed admin's read state stays, unseen, instead of being deleted for every
-- subscriber to hear (issue 17, red team 2).
--
-- admin_notification_reads.admin_id cascaded the account's DELETE, and Realtime cannot
-- RLS-check a deleted row: removing an admin sent every subscriber of the table (a
-- customer's session included) a DELETE whose old record is the admin's id (the leak
-- 20261130000300 fixed for taking a read back, and 20261130151500 for claims and duty).
-- The rows now outlive the account: nobody can read them (the policy shows an admin
-- only their own, and the account has no session left), and nothing is sent.
alter table public.admin_notification_reads
  drop constraint admin_notification_reads_admin_id_fkey;

-- The contract's pieces are rows from now on: a migration that adds pieces inserts them
-- here (and replaces contract_version()), instead of rewriting the whole list.
create table lia_notifier.contract_piece_list (
  kind text not null check (kind in ('table', 'view', 'type', 'index', 'function', 'trigger',
                                     'policy', 'publication')),
  name text not null,
  on_what text,
  unique nulls not distinct (kind, name, on_what)
);
revoke all on lia_notifier.contract_piece_list from public, anon, authenticated, service_role;
insert into lia_notifier.contract_piece_list (kind, name, on_what)
select kind, name, on_what from lia_notifier.contract_pieces()
union all
values ('table', 'lia_notifier.contract_piece_list', null);

create or replace function lia_notifier.contract_pieces()
returns table (kind text, name text, on_what text)
language sql stable
set search_path = ''
as $$
  select l.kind, l.name, l.on_what from lia_notifier.contract_piece_list l
$$;

create or replace function lia_notifier.contract_version() returns text
language sql immutable
return '20261130153000';
