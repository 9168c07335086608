-- The roster is the whole team (issue 17): every account with the admin role, also those
-- who never picked a duty, and none who lost the role or was banned or deleted. "Give
-- to…" lists it, so an admin who had not opened the duty menu yet could not be handed an
-- item, and a demoted one still could (admin_reassign then refused). An admin who never picked a duty counts as
-- Available, as the app always treated them, since their account was made. Who is on
-- duty *now* is the roster joined with who is connected (the admins' presence channel).
-- The name is the account's current one (a duty row keeps the name it was set under).

-- On the team now: the admin role, and neither banned nor deleted (GoTrue's ban and soft
-- delete leave the role in place). The roster lists these, and only these can be handed an
-- item (admin_reassign, 20261130165000).
create or replace function private.on_the_team(u auth.users) returns boolean
language sql stable
set search_path = ''
as $$
  select u.raw_app_meta_data ->> 'role' = 'admin'
     and u.deleted_at is null
     and (u.banned_until is null or u.banned_until <= now())
$$;
comment on function private.on_the_team(auth.users) is 'lia_notifier contract';
insert into lia_notifier.contract_piece_list (kind, name, on_what)
values ('function', 'private.on_the_team(auth.users)', null);

create or replace function public.admin_duty_roster() returns json
language plpgsql stable security definer
set search_path = ''
as $$
begin
  perform private.require_admin();
  return (select coalesce(json_agg(r order by r.admin_name, r.admin), '[]')
            from (select u.id as admin,
                         private.admin_name(u.id) as admin_name,
                         coalesce(d.status, 'available') as status,
                         coalesce(d.since, u.created_at) as since
                    from auth.users u
                    left join public.admin_duty d on d.account = u.id
                   where private.on_the_team(u)) r);
end
$$;
