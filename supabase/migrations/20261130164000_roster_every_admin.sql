-- The roster is the whole team (issue 17): every account with the admin role, also those
-- who never picked a duty, and none who lost the role. "Give to…" lists it, so an admin
-- who had not opened the duty menu yet could not be handed an item, and a demoted one
-- still could (admin_reassign then refused). An admin who never picked a duty counts as
-- Available, as the app always treated them, since their account was made. Who is on
-- duty *now* is the roster joined with who is connected (the admins' presence channel).
-- The name is the account's current one (a duty row keeps the name it was set under).

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
                   where u.raw_app_meta_data ->> 'role' = 'admin') r);
end
$$;
