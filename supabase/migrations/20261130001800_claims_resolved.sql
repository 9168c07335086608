-- Nothing falls through (issue 17): an item claimed and not resolved within a while is
-- brought back to its holder. Whether an item is resolved is the marketplace's to say,
-- read through the interface: a dispute whose status is 'resolved', an application no
-- longer 'pending'. A low rating has no resolution of its own: its holder releases it.
-- admin_claims_held() now says it for each held item ("resolved": true/false).

create or replace function private.claim_resolved(p_type text, p_id bigint) returns boolean
language sql stable
set search_path = ''
as $$
  select case p_type
    when 'disputes' then exists (select 1 from lia_notifier.disputes d
                                  where d.id = p_id and d.status = 'resolved')
    when 'professionals' then exists (select 1 from lia_notifier.professionals p
                                       where p.id = p_id and p.status <> 'pending')
    else false end
$$;

create or replace function public.admin_claims_held() returns json
language plpgsql stable security definer
set search_path = ''
as $$
begin
  perform private.require_admin();
  return (select coalesce(json_agg(
                   (private.claim_json(c, c.item_type, c.item_id)::jsonb
                    || jsonb_build_object('resolved',
                                          private.claim_resolved(c.item_type, c.item_id)))
                   order by c.item_type, c.item_id), '[]')
            from public.admin_claims c where c.holder is not null);
end
$$;
