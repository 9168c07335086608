-- Two-factor sign-in for admins (issue 16). A leaked password alone must not
-- open the admin API: while lia_notifier.security_settings.admins_need_aal2 is
-- on, an admin's token counts only when the admin proved a second factor
-- (Supabase MFA: the JWT's "aal" claim is 'aal2').
--
--   * every admin RPC (all go through private.require_admin) refuses an aal1
--     admin with SQLSTATE 42501 and the message 'aal2 required' (PostgREST: HTTP
--     403, {"code": "42501", "message": "aal2 required"}), which the app and
--     `lia-desktop doctor` recognise;
--   * the admin RLS policies and the Realtime policies of the admin channels
--     (admin_feed, online_users) call lia_notifier.is_admin(), which is false
--     for such a token: no admin row is visible and the private channels
--     refuse the join. A policy does not raise: Realtime evaluates it for every
--     change and every join, where an error would hit other subscribers too.
--
-- The switch is on by default: an operator's project demands aal2 from the
-- moment this migration runs. The demo seed turns it off (the demo starts
-- without a phone). To change it: as the service role,
-- `rpc('admin_set_aal2_requirement', {"required": false})`, or as an operator in
-- SQL, `update lia_notifier.security_settings set admins_need_aal2 = false;`.

create table lia_notifier.security_settings (
  only_row boolean primary key default true check (only_row),
  admins_need_aal2 boolean not null default true,
  updated_at timestamptz not null default now()
);
insert into lia_notifier.security_settings (only_row) values (true);
revoke all on lia_notifier.security_settings from public, anon, authenticated, service_role;

-- Read by the policies' is_admin() as any caller: definer rights, nothing else exposed.
create function lia_notifier.admins_need_aal2() returns boolean
language sql stable security definer
set search_path = ''
as $$
  select coalesce((select admins_need_aal2 from lia_notifier.security_settings), true)
$$;
revoke all on function lia_notifier.admins_need_aal2() from public;
grant execute on function lia_notifier.admins_need_aal2() to authenticated, service_role;

-- An admin token (app_metadata.role = 'admin') that lacks the second factor the
-- project demands.
create function lia_notifier.admin_lacks_aal2() returns boolean
language sql stable
set search_path = ''
as $$
  select coalesce(auth.jwt() -> 'app_metadata' ->> 'role', '') = 'admin'
     and coalesce(auth.jwt() ->> 'aal', '') <> 'aal2'
     and lia_notifier.admins_need_aal2()
$$;
revoke all on function lia_notifier.admin_lacks_aal2() from public;
grant execute on function lia_notifier.admin_lacks_aal2() to authenticated;

-- Same function (the policies keep calling it), now with the assurance level.
create or replace function lia_notifier.is_admin() returns boolean
language sql stable
set search_path = ''
as $$
  select coalesce(auth.jwt() -> 'app_metadata' ->> 'role', '') = 'admin'
     and not lia_notifier.admin_lacks_aal2()
$$;

create or replace function private.require_admin() returns void
language plpgsql stable
set search_path = ''
as $$
begin
  if lia_notifier.admin_lacks_aal2() then
    raise exception 'aal2 required'
      using errcode = 'insufficient_privilege',
            detail = 'This project requires admins to sign in with a second factor (aal2).',
            hint = 'Verify a TOTP code (Supabase MFA) and retry with the new access token.';
  end if;
  if not lia_notifier.is_admin() then
    raise exception 'admin role required' using errcode = 'insufficient_privilege';
  end if;
end
$$;

-- What the app and doctor ask right after the password: is a second factor
-- required here? Any admin may ask, at any level (it is the one admin RPC an
-- aal1 admin may call), and learns nothing but the switch and its own level.
create function public.admin_security_policy() returns json
language plpgsql stable
set search_path = ''
as $$
begin
  if coalesce(auth.jwt() -> 'app_metadata' ->> 'role', '') <> 'admin' then
    raise exception 'admin role required' using errcode = 'insufficient_privilege';
  end if;
  return json_build_object(
    'admins_need_aal2', lia_notifier.admins_need_aal2(),
    'aal', coalesce(auth.jwt() ->> 'aal', 'aal1'));
end
$$;
revoke all on function public.admin_security_policy() from public, anon;
grant execute on function public.admin_security_policy() to authenticated;

-- The service role's switch (an operator may also update the row in SQL).
create function public.admin_set_aal2_requirement(required boolean) returns json
language sql volatile security definer
set search_path = ''
as $$
  update lia_notifier.security_settings
     set admins_need_aal2 = required, updated_at = now()
  returning json_build_object('admins_need_aal2', admins_need_aal2)
$$;
revoke all on function public.admin_set_aal2_requirement(boolean)
  from public, anon, authenticated;
grant execute on function public.admin_set_aal2_requirement(boolean) to service_role;
