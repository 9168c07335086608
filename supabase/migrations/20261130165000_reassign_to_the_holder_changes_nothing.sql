-- Handing an item to the admin who already holds it changes nothing (issue 17), as claiming
-- one's own item and picking one's own duty change nothing. It rewrote the claim (since =
-- now(): the holder's reminder and the team's escalation clocks started over) and appended
-- another "gave it to" to the item's trail: two admins giving an item to the same colleague
-- at once, or one admin's repeated G, Enter before the first answer arrived, did that.
-- Only an admin on the team now (private.on_the_team: not banned, not deleted) can be
-- handed an item. Same signature, same contract piece; the contract's version is this migration's (the
-- newest migration's, as tests/devstack/test_contract_pieces.py checks).

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
  if not exists (select 1 from auth.users u where u.id = to_admin and private.on_the_team(u)) then
    raise exception '% is not an admin', to_admin using errcode = 'invalid_parameter_value';
  end if;
  insert into public.admin_claims as c (item_type, item_id)
  values (admin_reassign.item_type, admin_reassign.item_id)
  on conflict on constraint admin_claims_pkey do nothing;
  select * into v_before from public.admin_claims c
   where c.item_type = admin_reassign.item_type and c.item_id = admin_reassign.item_id
     for update;
  if v_before.holder = to_admin then
    return private.claim_json(v_before, item_type, item_id);
  end if;
  update public.admin_claims c
     set holder = to_admin, holder_name = private.admin_name(to_admin), since = now()
   where c.item_type = admin_reassign.item_type and c.item_id = admin_reassign.item_id
  returning c.* into v_claim;
  perform private.audit('reassign', item_type, item_id, v_before, v_claim);
  return private.claim_json(v_claim, item_type, item_id);
end
$$;

create or replace function lia_notifier.contract_version() returns text
language sql immutable
return '20261130165000';
