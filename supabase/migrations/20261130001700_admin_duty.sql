-- On duty (issue 17): each admin says whether they are Available, Away or Off duty, and
-- every admin sees who is on duty now (the stats window lists them; claims and urgent
-- items go to whoever is available). One row per admin, written only by
-- admin_set_duty(status) for the calling admin; RLS lets admins read all rows, and the
-- table is in the Realtime publication so a change shows in the other apps at once.

create table public.admin_duty (
  admin_id uuid primary key references auth.users (id) on delete cascade,
  admin_name text not null,
  status text not null check (status in ('available', 'away', 'off_duty')),
  since timestamptz not null default now()
);
alter table public.admin_duty enable row level security;
create policy "admins read duty" on public.admin_duty
  for select to authenticated using ((select lia_notifier.is_admin()));
revoke all on public.admin_duty from anon;
revoke insert, update, delete, truncate on public.admin_duty from authenticated;

create or replace function private.duty_json(d public.admin_duty) returns json
language sql stable
set search_path = ''
as $$
  select json_build_object('admin', d.admin_id, 'admin_name', d.admin_name,
                           'status', d.status, 'since', d.since)
$$;

create or replace function public.admin_set_duty(status text) returns json
language plpgsql security definer
set search_path = ''
as $$
declare
  v_admin uuid := private.require_admin_id();
  v_duty public.admin_duty;
begin
  if admin_set_duty.status is null
     or admin_set_duty.status not in ('available', 'away', 'off_duty') then
    raise exception 'unknown duty status %', admin_set_duty.status
      using errcode = 'invalid_parameter_value';
  end if;
  insert into public.admin_duty as d (admin_id, admin_name, status, since)
  values (v_admin, private.admin_name(v_admin), admin_set_duty.status, now())
  on conflict (admin_id) do update
    set admin_name = excluded.admin_name, status = excluded.status, since = excluded.since
    where d.status is distinct from excluded.status
  returning d.* into v_duty;
  if not found then
    select * into v_duty from public.admin_duty d where d.admin_id = v_admin;
  end if;
  return private.duty_json(v_duty);
end
$$;

-- Every admin's duty as they last set it (an admin who never set one is not listed).
create or replace function public.admin_duty_roster() returns json
language plpgsql stable security definer
set search_path = ''
as $$
begin
  perform private.require_admin();
  return (select coalesce(json_agg(private.duty_json(d) order by d.admin_name), '[]')
            from public.admin_duty d);
end
$$;

alter publication supabase_realtime add table public.admin_duty;
