-- The contract's one list of pieces (issues 15-17), and doctor's "contract" check read
-- from it.
--
-- admin_contract_status() (doctor's "contract" check, as an admin through the API) named
-- the pieces of 20261130000400 only: with the claims, audit, duty and aal2 pieces of
-- issues 16-17 gone or disabled it still answered "missing: []". It now checks every
-- piece of lia_notifier.contract_pieces(): each table, view, type, index, function,
-- trigger (present and enabled), policy and publication entry the migrations create.
-- supabase/preflight.sql carries the same list (it runs before the contract exists);
-- tests/devstack/test_contract_pieces.py compares both with what the migrations really
-- create, so a migration that adds a piece and not to the lists fails it.
--
-- Every contract function is marked with the comment 'lia_notifier contract', so the
-- pre-flight tells a previous push's functions from a project's own function of the same
-- name, which `create or replace function` would silently replace. A migration that adds
-- a function comments it too (CREATE OR REPLACE keeps the comment).
--
-- A migration that changes the contract replaces contract_pieces() with its pieces added
-- and contract_version() with its own version.

create or replace function lia_notifier.contract_pieces()
returns table (kind text, name text, on_what text)
language sql immutable
set search_path = ''
as $$
  values
    ('table', 'lia_notifier.security_settings', null),
    ('table', 'public.admin_audit', null),
    ('table', 'public.admin_claims', null),
    ('table', 'public.admin_duty', null),
    ('table', 'public.admin_notification_reads', null),
    ('table', 'public.admin_notifications', null),
    ('table', 'public.admin_stats_counters', null),
    ('table', 'public.admin_stats_daily', null),
    ('view', 'lia_notifier.bookings', null),
    ('view', 'lia_notifier.disputes', null),
    ('view', 'lia_notifier.professionals', null),
    ('view', 'lia_notifier.reviews', null),
    ('view', 'lia_notifier.users', null),
    ('trigger', 'admin_audit_append_only', 'public.admin_audit'),
    ('trigger', 'admin_audit_no_truncate', 'public.admin_audit'),
    ('trigger', 'admin_claims_holder_removed', 'public.admin_claims'),
    ('trigger', 'admin_duty_account', 'public.admin_duty'),
    ('trigger', 'bookings_count_delete', 'public.bookings'),
    ('trigger', 'bookings_count_insert', 'public.bookings'),
    ('trigger', 'bookings_count_truncate', 'public.bookings'),
    ('trigger', 'bookings_count_update', 'public.bookings'),
    ('trigger', 'bookings_daily_delete', 'public.bookings'),
    ('trigger', 'bookings_daily_insert', 'public.bookings'),
    ('trigger', 'bookings_daily_truncate', 'public.bookings'),
    ('trigger', 'bookings_daily_update', 'public.bookings'),
    ('trigger', 'bookings_notify_cancelled', 'public.bookings'),
    ('trigger', 'bookings_notify_created', 'public.bookings'),
    ('trigger', 'disputes_notify_escalated', 'public.disputes'),
    ('trigger', 'disputes_notify_opened', 'public.disputes'),
    ('trigger', 'professionals_daily_delete', 'public.professionals'),
    ('trigger', 'professionals_daily_insert', 'public.professionals'),
    ('trigger', 'professionals_daily_truncate', 'public.professionals'),
    ('trigger', 'professionals_daily_update', 'public.professionals'),
    ('trigger', 'professionals_notify_applied', 'public.professionals'),
    ('trigger', 'reviews_notify_created', 'public.reviews'),
    ('trigger', 'users_count_delete', 'public.users'),
    ('trigger', 'users_count_insert', 'public.users'),
    ('trigger', 'users_count_truncate', 'public.users'),
    ('trigger', 'users_daily_delete', 'public.users'),
    ('trigger', 'users_daily_insert', 'public.users'),
    ('trigger', 'users_daily_truncate', 'public.users'),
    ('trigger', 'users_daily_update', 'public.users'),
    ('trigger', 'users_notify_signed_up', 'public.users'),
    ('publication', 'public.admin_claims', 'supabase_realtime'),
    ('publication', 'public.admin_duty', 'supabase_realtime'),
    ('publication', 'public.admin_notification_reads', 'supabase_realtime'),
    ('publication', 'public.admin_notifications', 'supabase_realtime'),
    ('publication', 'public.admin_stats_counters', 'supabase_realtime'),
    ('publication', 'public.bookings', 'supabase_realtime'),
    ('publication', 'public.disputes', 'supabase_realtime'),
    ('publication', 'public.professionals', 'supabase_realtime'),
    ('publication', 'public.reviews', 'supabase_realtime'),
    ('publication', 'public.users', 'supabase_realtime'),
    ('function', 'lia_notifier.admin_lacks_aal2()', null),
    ('function', 'lia_notifier.admins_need_aal2()', null),
    ('function', 'lia_notifier.booking_of(public.bookings)', null),
    ('function', 'lia_notifier.contract_pieces()', null),
    ('function', 'lia_notifier.contract_version()', null),
    ('function', 'lia_notifier.dispute_of(public.disputes)', null),
    ('function', 'lia_notifier.is_admin()', null),
    ('function', 'lia_notifier.professional_of(public.professionals)', null),
    ('function', 'lia_notifier.review_of(public.reviews)', null),
    ('function', 'lia_notifier.user_of(public.users)', null),
    ('function', 'private.add_daily_deltas(private.daily_delta[])', null),
    ('function', 'private.admin_name(uuid)', null),
    ('function', 'private.admin_stats_created_after(timestamp with time zone)', null),
    ('function', 'private.audit(text,text,bigint,public.admin_claims,public.admin_claims)', null),
    ('function', 'private.audit_is_append_only()', null),
    ('function', 'private.booking_bucket_values(text,bigint)', null),
    ('function', 'private.bucket_booking_changes()', null),
    ('function', 'private.bucket_created_changes()', null),
    ('function', 'private.bump_admin_counter(text,bigint)', null),
    ('function', 'private.claim_json(public.admin_claims,text,bigint)', null),
    ('function', 'private.claim_resolved(text,bigint)', null),
    ('function', 'private.contract_piece_state(text,text,text)', null),
    ('function', 'private.count_booking_changes()', null),
    ('function', 'private.count_user_changes()', null),
    ('function', 'private.created_day_deltas(text,integer,timestamp with time zone[])', null),
    ('function', 'private.display_name(uuid)', null),
    ('function', 'private.duty_account()', null),
    ('function', 'private.duty_json(public.admin_duty)', null),
    ('function', 'private.ellipsize(text,integer)', null),
    ('function', 'private.enqueue_admin_notification(text,text,text,text,text,text,text,jsonb)', null),
    ('function', 'private.format_cop(bigint)', null),
    ('function', 'private.lock_admin_feed()', null),
    ('function', 'private.notify_booking_cancelled()', null),
    ('function', 'private.notify_booking_created()', null),
    ('function', 'private.notify_dispute()', null),
    ('function', 'private.notify_professional_applied()', null),
    ('function', 'private.notify_review_created()', null),
    ('function', 'private.notify_user_signed_up()', null),
    ('function', 'private.percent_change(numeric,numeric)', null),
    ('function', 'private.recompute_admin_stats()', null),
    ('function', 'private.recompute_admin_stats_daily()', null),
    ('function', 'private.recompute_admin_stats_daily_trigger()', null),
    ('function', 'private.recompute_admin_stats_trigger()', null),
    ('function', 'private.release_removed_holder()', null),
    ('function', 'private.require_admin()', null),
    ('function', 'private.require_admin_id()', null),
    ('function', 'private.require_claimable(text,bigint)', null),
    ('function', 'private.utc_day(timestamp with time zone)', null),
    ('function', 'private.utc_day_start(date)', null),
    ('function', 'public.admin_claim(text,bigint)', null),
    ('function', 'public.admin_claims_held()', null),
    ('function', 'public.admin_contract_status()', null),
    ('function', 'public.admin_dashboard_stats()', null),
    ('function', 'public.admin_duty_roster()', null),
    ('function', 'public.admin_item_history(text,bigint)', null),
    ('function', 'public.admin_mark_all_read(bigint)', null),
    ('function', 'public.admin_mark_read(bigint[])', null),
    ('function', 'public.admin_mark_unread(bigint[])', null),
    ('function', 'public.admin_notifications_after(bigint,integer)', null),
    ('function', 'public.admin_notifications_before(bigint,integer,boolean)', null),
    ('function', 'public.admin_reassign(text,bigint,uuid)', null),
    ('function', 'public.admin_release(text,bigint)', null),
    ('function', 'public.admin_security_policy()', null),
    ('function', 'public.admin_set_aal2_requirement(boolean)', null),
    ('function', 'public.admin_set_duty(text)', null),
    ('function', 'public.admin_unread_count()', null),
    ('policy', 'admins read the audit trail', 'public.admin_audit'),
    ('policy', 'admins read claims', 'public.admin_claims'),
    ('policy', 'admins read duty', 'public.admin_duty'),
    ('policy', 'admins read own read state', 'public.admin_notification_reads'),
    ('policy', 'admins read notifications', 'public.admin_notifications'),
    ('policy', 'admins read counters', 'public.admin_stats_counters'),
    ('policy', 'admins read daily stats', 'public.admin_stats_daily'),
    ('policy', 'admins join admin_feed', 'realtime.messages'),
    ('policy', 'admins read online_users presence', 'realtime.messages'),
    ('policy', 'admins track online_users presence', 'realtime.messages'),
    ('type', 'lia_notifier.booking_row', null),
    ('type', 'lia_notifier.dispute_row', null),
    ('type', 'lia_notifier.professional_row', null),
    ('type', 'lia_notifier.review_row', null),
    ('type', 'lia_notifier.user_row', null),
    ('type', 'private.daily_delta', null),
    ('index', 'public.admin_audit_target_idx', null),
    ('index', 'public.admin_notification_reads_notification_id_idx', null)
$$;

create or replace function lia_notifier.contract_version() returns text
language sql immutable
return '20261130152000';

-- Whether a piece is there: null when it is missing, 'disabled' for a disabled trigger,
-- 'present' otherwise. Names are as contract_pieces() writes them (search_path '').
create or replace function private.contract_piece_state(p_kind text, p_name text,
                                                        p_on text) returns text
language plpgsql stable
set search_path = ''
as $$
declare
  v_trigger_enabled "char";
begin
  case p_kind
    when 'table', 'view', 'index' then
      return case when to_regclass(p_name) is not null then 'present' end;
    when 'type' then
      return case when to_regtype(p_name) is not null then 'present' end;
    when 'function' then
      return case when exists (
        select 1 from pg_catalog.pg_proc f
         where f.pronamespace = to_regnamespace(split_part(p_name, '.', 1))
           and f.proname = split_part(split_part(p_name, '(', 1), '.', 2)
           and f.oid::regprocedure::text = p_name) then 'present' end;
    when 'trigger' then
      select t.tgenabled into v_trigger_enabled from pg_catalog.pg_trigger t
       where t.tgname = p_name and t.tgrelid = to_regclass(p_on);
      return case when v_trigger_enabled is null then null
                  when v_trigger_enabled = 'D' then 'disabled' else 'present' end;
    when 'policy' then
      return case when exists (select 1 from pg_catalog.pg_policy y
                                where y.polname = p_name and y.polrelid = to_regclass(p_on))
                  then 'present' end;
    when 'publication' then
      return case when exists (select 1 from pg_catalog.pg_publication_tables t
                                where t.pubname = p_on
                                  and format('%I.%I', t.schemaname, t.tablename) = p_name)
                  then 'present' end;
  end case;
end
$$;

create or replace function public.admin_contract_status() returns json
language plpgsql stable security definer
set search_path = ''
as $$
declare
  v_missing text[];
begin
  perform private.require_admin();
  select coalesce(array_agg(case p.kind
           when 'publication' then 'publication ' || p.on_what || ': ' || p.name
           when 'policy' then format('policy "%s" on %s', p.name, p.on_what)
           else p.kind || ' ' || p.name || coalesce(' on ' || p.on_what, '')
         end || case when s.state = 'disabled' then ' (disabled)' else '' end
         order by array_position(array['table', 'view', 'trigger', 'publication', 'function',
                                       'policy', 'type', 'index'], p.kind), p.on_what, p.name),
         '{}')
    into v_missing
    from lia_notifier.contract_pieces() p
    cross join lateral (select private.contract_piece_state(p.kind, p.name, p.on_what) as state) s
   where s.state is distinct from 'present';
  return json_build_object('version', lia_notifier.contract_version(), 'missing', v_missing);
end
$$;

-- Every function of the list, this migration's included, is the contract's own.
do $$
declare
  v_function text;
begin
  for v_function in select p.name from lia_notifier.contract_pieces() p where p.kind = 'function'
  loop
    execute format('comment on function %s is %L', v_function, 'lia_notifier contract');
  end loop;
end
$$;
