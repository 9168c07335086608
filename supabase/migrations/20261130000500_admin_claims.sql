-- Team work (issue 17): an item that needs one owner (a dispute, a professional's
-- application, a review) is claimed by one admin, and every admin sees who has it.
--
-- Claims are rows the server owns: only the admin RPCs below write them, and the
-- first caller wins atomically (INSERT ... ON CONFLICT DO UPDATE ... WHERE holder IS
-- NULL: concurrent callers queue on the key, and each re-reads the committed row).
-- Releasing sets holder to null instead of deleting the row: Realtime cannot RLS-check
-- a DELETE, so a delete would reach every subscriber (see 20261130000300); an UPDATE
-- reaches only those RLS lets read the row, the admins.
--
-- Every claim, release and reassignment appends one row to public.admin_audit (actor,
-- the actor's aal from the JWT, action, target, before and after, at). Nobody but the
-- service role may change or remove an audit row.
--
-- Targets are named as the notifications name them: (entity_table, entity_id), so an
-- item's claim is found from its notification without a mapping.

create table public.admin_claims (
  item_type text not null check (item_type in ('disputes', 'professionals', 'reviews')),
  item_id bigint not null,
  holder uuid references auth.users (id) on delete cascade,
  holder_name text,
  since timestamptz not null default now(),
  primary key (item_type, item_id),
  check ((holder is null) = (holder_name is null))
);
alter table public.admin_claims enable row level security;
create policy "admins read claims" on public.admin_claims
  for select to authenticated using ((select lia_notifier.is_admin()));
revoke all on public.admin_claims from anon;
revoke insert, update, delete, truncate on public.admin_claims from authenticated;

create table public.admin_audit (
  id bigint generated always as identity primary key,
  actor uuid not null,
  actor_aal text,
  action text not null check (action in ('claim', 'release', 'reassign')),
  target_type text not null,
  target_id bigint not null,
  before jsonb,
  after jsonb,
  at timestamptz not null default now()
);
create index admin_audit_target_idx on public.admin_audit (target_type, target_id, id);
alter table public.admin_audit enable row level security;
create policy "admins read the audit trail" on public.admin_audit
  for select to authenticated using ((select lia_notifier.is_admin()));
revoke all on public.admin_audit from anon;
revoke insert, update, delete, truncate on public.admin_audit from authenticated;

-- Append-only: the security-definer RPCs insert as postgres, and nothing but the
-- service role (an operator's deliberate act) may rewrite or remove history.
create or replace function private.audit_is_append_only() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if current_user <> 'service_role' then
    raise exception 'admin_audit is append-only' using errcode = 'insufficient_privilege';
  end if;
  return case when tg_op = 'DELETE' then old else new end;
end
$$;
create trigger admin_audit_append_only before update or delete on public.admin_audit
  for each row execute function private.audit_is_append_only();
create trigger admin_audit_no_truncate before truncate on public.admin_audit
  for each statement execute function private.audit_is_append_only();

-- The name other admins see: the admin's profile, else their sign-up name, else email.
create or replace function private.admin_name(p_admin uuid) returns text
language sql stable
set search_path = ''
as $$
  select coalesce(private.display_name(p_admin),
                  nullif(u.raw_user_meta_data ->> 'full_name', ''), u.email, p_admin::text)
    from auth.users u where u.id = p_admin
$$;

-- The item must exist in the marketplace (read through the interface views).
create or replace function private.require_claimable(p_type text, p_id bigint) returns void
language plpgsql stable
set search_path = ''
as $$
declare
  v_exists boolean := case p_type
    when 'disputes' then exists (select 1 from lia_notifier.disputes where id = p_id)
    when 'professionals' then exists (select 1 from lia_notifier.professionals where id = p_id)
    when 'reviews' then exists (select 1 from lia_notifier.reviews where id = p_id)
    else false end;
begin
  if not v_exists then
    raise exception 'no % item %', p_type, p_id using errcode = 'no_data_found';
  end if;
end
$$;

-- One claim as the caller sees it; since: held since, or free since (every change sets it).
create or replace function private.claim_json(c public.admin_claims, p_item_type text,
                                              p_item_id bigint) returns json
language sql stable
set search_path = ''
as $$
  select json_build_object(
    'item_type', p_item_type, 'item_id', p_item_id, 'holder', c.holder,
    'holder_name', c.holder_name, 'since', coalesce(c.since, now()),
    'mine', c.holder is not null and c.holder = auth.uid())
$$;

create or replace function private.audit(p_action text, p_type text, p_id bigint,
                                         p_before public.admin_claims,
                                         p_after public.admin_claims) returns void
language sql
set search_path = ''
as $$
  insert into public.admin_audit (actor, actor_aal, action, target_type, target_id, before, after)
  values (auth.uid(), auth.jwt() ->> 'aal', p_action, p_type, p_id,
          case when p_before.holder is not null
               then jsonb_build_object('holder', p_before.holder,
                                       'holder_name', p_before.holder_name,
                                       'since', p_before.since) end,
          case when p_after.holder is not null
               then jsonb_build_object('holder', p_after.holder,
                                       'holder_name', p_after.holder_name,
                                       'since', p_after.since) end)
$$;

-- First caller wins; everyone learns the holder. Claiming one's own claim is a no-op.
create or replace function public.admin_claim(item_type text, item_id bigint) returns json
language plpgsql security definer
set search_path = ''
as $$
declare
  v_admin uuid := private.require_admin_id();
  v_claim public.admin_claims;
begin
  perform private.require_claimable(item_type, item_id);
  insert into public.admin_claims as c (item_type, item_id, holder, holder_name, since)
  values (admin_claim.item_type, admin_claim.item_id, v_admin, private.admin_name(v_admin), now())
  on conflict on constraint admin_claims_pkey do update
    set holder = excluded.holder, holder_name = excluded.holder_name, since = excluded.since
    where c.holder is null
  returning c.* into v_claim;
  if found then
    perform private.audit('claim', item_type, item_id, null, v_claim);
  else
    select * into v_claim from public.admin_claims c
     where c.item_type = admin_claim.item_type and c.item_id = admin_claim.item_id;
  end if;
  return private.claim_json(v_claim, item_type, item_id);
end
$$;

-- Only the holder releases (another admin reassigns instead); the answer is the claim now.
create or replace function public.admin_release(item_type text, item_id bigint) returns json
language plpgsql security definer
set search_path = ''
as $$
declare
  v_admin uuid := private.require_admin_id();
  v_before public.admin_claims;
  v_claim public.admin_claims;
begin
  select * into v_before from public.admin_claims c
   where c.item_type = admin_release.item_type and c.item_id = admin_release.item_id
     for update;
  if v_before.holder = v_admin then
    update public.admin_claims c set holder = null, holder_name = null, since = now()
     where c.item_type = admin_release.item_type and c.item_id = admin_release.item_id
    returning c.* into v_claim;
    perform private.audit('release', item_type, item_id, v_before, v_claim);
  else
    v_claim := v_before;
  end if;
  return private.claim_json(v_claim, item_type, item_id);
end
$$;

-- Any admin may hand an item to another admin (or take it over: to_admin = themselves).
create or replace function public.admin_reassign(item_type text, item_id bigint, to_admin uuid)
returns json
language plpgsql security definer
set search_path = ''
as $$
declare
  v_admin uuid := private.require_admin_id();
  v_before public.admin_claims;
  v_claim public.admin_claims;
begin
  perform private.require_claimable(item_type, item_id);
  if not exists (select 1 from auth.users u
                  where u.id = to_admin and u.raw_app_meta_data ->> 'role' = 'admin') then
    raise exception '% is not an admin', to_admin using errcode = 'invalid_parameter_value';
  end if;
  insert into public.admin_claims as c (item_type, item_id)
  values (admin_reassign.item_type, admin_reassign.item_id)
  on conflict on constraint admin_claims_pkey do nothing;
  select * into v_before from public.admin_claims c
   where c.item_type = admin_reassign.item_type and c.item_id = admin_reassign.item_id
     for update;
  update public.admin_claims c
     set holder = to_admin, holder_name = private.admin_name(to_admin), since = now()
   where c.item_type = admin_reassign.item_type and c.item_id = admin_reassign.item_id
  returning c.* into v_claim;
  perform private.audit('reassign', item_type, item_id, v_before, v_claim);
  return private.claim_json(v_claim, item_type, item_id);
end
$$;

-- Every item held now (the app's catch-up): claims with a holder.
create or replace function public.admin_claims_held() returns json
language plpgsql stable security definer
set search_path = ''
as $$
begin
  perform private.require_admin();
  return (select coalesce(json_agg(private.claim_json(c, c.item_type, c.item_id)
                                   order by c.item_type, c.item_id), '[]')
            from public.admin_claims c where c.holder is not null);
end
$$;

-- An item's history, oldest first ("Ana claimed 10:02 · released 10:15").
create or replace function public.admin_item_history(item_type text, item_id bigint)
returns json
language plpgsql stable security definer
set search_path = ''
as $$
begin
  perform private.require_admin();
  return (select coalesce(json_agg(json_build_object(
                   'action', a.action, 'actor', a.actor,
                   'actor_name', private.admin_name(a.actor), 'actor_aal', a.actor_aal,
                   'before', a.before, 'after', a.after, 'at', a.at) order by a.id), '[]')
            from public.admin_audit a
           where a.target_type = admin_item_history.item_type
             and a.target_id = admin_item_history.item_id);
end
$$;

alter publication supabase_realtime add table public.admin_claims;
