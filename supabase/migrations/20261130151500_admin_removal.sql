-- Removing an admin's account (the Auth admin API) tells nobody but admins, and the
-- audit trail keeps their name.
--
-- admin_claims.holder and admin_duty.admin_id cascaded the account's DELETE to their
-- rows, and Realtime cannot RLS-check a deleted row: the DELETE, with the admin's id,
-- went to every subscriber, a customer's session included (the leak
-- 20261130000300_unread_as_update.sql fixed for read state). The account's removal is
-- now an UPDATE of those rows (ON DELETE SET NULL), which Realtime RLS-checks per
-- subscriber ("admins read claims", "admins read duty"): only admins hear of it.
--
--   * a claim the removed admin held is released (holder, holder_name null, free since
--     now), and the audit trail says so: a 'release' by the removed admin, with no aal
--     (no session of theirs did it);
--   * the removed admin's duty row stays, off duty, with no account; the roster leaves
--     it out.
--
-- Audit rows keep the actor's name as it was when written (actor_name): once the account
-- is gone there is no profile or email left to name them by.

-- Claims: the removal releases the claim --------------------------------------------------

alter table public.admin_claims drop constraint admin_claims_holder_fkey;
alter table public.admin_claims add constraint admin_claims_holder_fkey
  foreign key (holder) references auth.users (id) on delete set null;

alter table public.admin_audit add column actor_name text;

-- The name kept is the one other admins saw then; rows from before this migration get
-- the one they see now (the audit is append-only: its trigger is off for this backfill).
alter table public.admin_audit disable trigger admin_audit_append_only;
update public.admin_audit set actor_name = private.admin_name(actor) where actor_name is null;
alter table public.admin_audit enable trigger admin_audit_append_only;

create or replace function private.audit(p_action text, p_type text, p_id bigint,
                                         p_before public.admin_claims,
                                         p_after public.admin_claims) returns void
language sql
set search_path = ''
as $$
  insert into public.admin_audit (actor, actor_name, actor_aal, action, target_type,
                                  target_id, before, after)
  values (auth.uid(), private.admin_name(auth.uid()), auth.jwt() ->> 'aal', p_action, p_type,
          p_id,
          case when p_before.holder is not null
               then jsonb_build_object('holder', p_before.holder,
                                       'holder_name', p_before.holder_name,
                                       'since', p_before.since) end,
          case when p_after.holder is not null
               then jsonb_build_object('holder', p_after.holder,
                                       'holder_name', p_after.holder_name,
                                       'since', p_after.since) end)
$$;

-- The foreign key's SET NULL clears only holder; a release by the RPCs clears both, so a
-- row with a name and no holder is the account's removal.
create or replace function private.release_removed_holder() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.holder is null and new.holder_name is not null then
    insert into public.admin_audit (actor, actor_name, actor_aal, action, target_type,
                                    target_id, before, after)
    values (old.holder, old.holder_name, null, 'release', old.item_type, old.item_id,
            jsonb_build_object('holder', old.holder, 'holder_name', old.holder_name,
                               'since', old.since),
            null);
    new.holder_name := null;
    new.since := now();
  end if;
  return new;
end
$$;
create trigger admin_claims_holder_removed before update of holder on public.admin_claims
  for each row execute function private.release_removed_holder();

-- An item's history names its actors as they were named when they acted.
create or replace function public.admin_item_history(item_type text, item_id bigint)
returns json
language plpgsql stable security definer
set search_path = ''
as $$
begin
  perform private.require_admin();
  return (select coalesce(json_agg(json_build_object(
                   'action', a.action, 'actor', a.actor,
                   'actor_name', coalesce(a.actor_name, private.admin_name(a.actor)),
                   'actor_aal', a.actor_aal,
                   'before', a.before, 'after', a.after, 'at', a.at) order by a.id), '[]')
            from public.admin_audit a
           where a.target_type = admin_item_history.item_type
             and a.target_id = admin_item_history.item_id);
end
$$;

-- Duty: the removal leaves an off-duty row without an account ------------------------------

alter table public.admin_duty add column account uuid;
update public.admin_duty set account = admin_id;
alter table public.admin_duty drop constraint admin_duty_admin_id_fkey;
alter table public.admin_duty add constraint admin_duty_account_fkey
  foreign key (account) references auth.users (id) on delete set null;

-- admin_set_duty writes admin_id; the account is the same user while it exists.
create or replace function private.duty_account() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    new.account := new.admin_id;
  elsif new.account is null then
    new.status := 'off_duty';
    new.since := now();
  end if;
  return new;
end
$$;
create trigger admin_duty_account before insert or update of account on public.admin_duty
  for each row execute function private.duty_account();

-- Every admin's duty as they last set it (an admin who never set one, or whose account
-- was removed, is not listed).
create or replace function public.admin_duty_roster() returns json
language plpgsql stable security definer
set search_path = ''
as $$
begin
  perform private.require_admin();
  return (select coalesce(json_agg(private.duty_json(d) order by d.admin_name), '[]')
            from public.admin_duty d where d.account is not null);
end
$$;
