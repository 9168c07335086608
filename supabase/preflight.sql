-- Pre-flight for installing the LIA notifier onto an existing project.
-- Read-only (one SELECT, in a read-only transaction): run it before `supabase db push`,
--   psql "$DB_URL" -X -q -f supabase/preflight.sql
-- Each row is one thing the contract needs; status is 'ok', 'missing' (the push
-- fails: fix it first), 'wrong type' (no cast to the interface's type: adapt the
-- column or the mapping in migrations/20261124000100_lia_notifier_interface.sql),
-- 'conflict' (something the contract creates exists already, not from a push: a table,
-- view, type, index, trigger, policy or publication entry, which the push fails on, or a
-- function, which the push silently replaces) or 'installed' (a previous push; db push
-- only adds what is new). Not 'ok' rows come first. Nothing else is read or changed.
-- The interface below is the row types of lia_notifier, and the pieces are those of
-- lia_notifier.contract_pieces() outside the lia_notifier schema (the push creates that
-- schema whole); tests/devstack check they agree.

begin transaction read only;
set local search_path = '';

with pieces (kind, name, on_what) as (
  values
    ('table', 'public.admin_audit', null),
    ('table', 'public.admin_claims', null),
    ('table', 'public.admin_duty', null),
    ('table', 'public.admin_notification_reads', null),
    ('table', 'public.admin_notifications', null),
    ('table', 'public.admin_stats_counters', null),
    ('table', 'public.admin_stats_daily', null),
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
    ('function', 'private.on_the_team(auth.users)', null),
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
    ('policy', 'admins read admins_on_duty presence', 'realtime.messages'),
    ('policy', 'admins track admins_on_duty presence', 'realtime.messages'),
    ('type', 'private.daily_delta', null),
    ('index', 'public.admin_audit_target_idx', null),
    ('index', 'public.admin_notification_reads_notification_id_idx', null)
),
found as (
  select p.kind, p.name, p.on_what,
         case p.kind
           when 'function' then (select f.oid from pg_catalog.pg_proc f
                                  where f.pronamespace = to_regnamespace(split_part(p.name, '.', 1))
                                    and f.proname = split_part(split_part(p.name, '(', 1), '.', 2)
                                    and f.oid::regprocedure::text = p.name)
           when 'type' then to_regtype(p.name)::oid
           when 'trigger' then (select t.oid from pg_catalog.pg_trigger t
                                 where t.tgname = p.name and t.tgrelid = to_regclass(p.on_what))
           when 'policy' then (select y.oid from pg_catalog.pg_policy y
                                where y.polname = p.name and y.polrelid = to_regclass(p.on_what))
           when 'publication' then (select r.oid from pg_catalog.pg_publication_rel r
                                     join pg_catalog.pg_publication b on b.oid = r.prpubid
                                     where b.pubname = p.on_what
                                       and r.prrelid = to_regclass(p.name))
           else to_regclass(p.name)::oid
         end as oid
    from pieces p
),
existing as (
  select f.*, to_regclass('lia_notifier.bookings') is not null as pushed,
         f.kind = 'function'
           and obj_description(f.oid, 'pg_proc') is not distinct from 'lia_notifier contract'
           as marked
    from found f where f.oid is not null
),
interface (tbl, col, wanted, accepted) as (
  values
    ('users', 'id', 'uuid', array['uuid']),
    ('users', 'email', 'text', array['S', 'E']),
    ('users', 'full_name', 'text', array['S', 'E']),
    ('users', 'city', 'text', array['S', 'E']),
    ('users', 'role', 'text', array['S', 'E']),
    ('users', 'created_at', 'timestamptz', array['timestamptz', 'timestamp']),
    ('professionals', 'id', 'bigint', array['int2', 'int4', 'int8']),
    ('professionals', 'user_id', 'uuid', array['uuid']),
    ('professionals', 'full_name', 'text', array['S', 'E']),
    ('professionals', 'specialty', 'text', array['S', 'E']),
    ('professionals', 'city', 'text', array['S', 'E']),
    ('professionals', 'status', 'text', array['S', 'E']),
    ('professionals', 'created_at', 'timestamptz', array['timestamptz', 'timestamp']),
    ('bookings', 'id', 'bigint', array['int2', 'int4', 'int8']),
    ('bookings', 'customer_id', 'uuid', array['uuid']),
    ('bookings', 'professional_id', 'bigint', array['int2', 'int4', 'int8']),
    ('bookings', 'service', 'text', array['S', 'E']),
    ('bookings', 'status', 'text', array['S', 'E']),
    ('bookings', 'total_price_cop', 'bigint', array['int2', 'int4', 'int8', 'numeric']),
    ('bookings', 'scheduled_at', 'timestamptz', array['timestamptz', 'timestamp']),
    ('bookings', 'created_at', 'timestamptz', array['timestamptz', 'timestamp']),
    ('reviews', 'id', 'bigint', array['int2', 'int4', 'int8']),
    ('reviews', 'booking_id', 'bigint', array['int2', 'int4', 'int8']),
    ('reviews', 'rating', 'integer', array['int2', 'int4', 'int8', 'numeric']),
    ('reviews', 'comment', 'text', array['S', 'E']),
    ('reviews', 'created_at', 'timestamptz', array['timestamptz', 'timestamp']),
    ('disputes', 'id', 'bigint', array['int2', 'int4', 'int8']),
    ('disputes', 'booking_id', 'bigint', array['int2', 'int4', 'int8']),
    ('disputes', 'opened_by', 'uuid', array['uuid']),
    ('disputes', 'reason', 'text', array['S', 'E']),
    ('disputes', 'status', 'text', array['S', 'E']),
    ('disputes', 'priority', 'text', array['S', 'E']),
    ('disputes', 'created_at', 'timestamptz', array['timestamptz', 'timestamp'])
),
columns as (
  select i.tbl, i.col, i.wanted, i.accepted, c.oid is not null as has_table, t.typname,
         -- string types are matched by category (text, varchar, citext...) and enums alike
         case when t.typtype = 'e' then 'E' when t.typcategory = 'S' then 'S' else t.typname end
           as kind
    from interface i
    left join pg_catalog.pg_class c
      on c.relname = i.tbl and c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p')
    left join pg_catalog.pg_attribute a
      on a.attrelid = c.oid and a.attname = i.col and a.attnum > 0 and not a.attisdropped
    left join pg_catalog.pg_type t on t.oid = a.atttypid
),
checks (sort, item, status, detail) as (
  select 1, 'table public.' || tbl,
         case when bool_and(has_table) then 'ok' else 'missing' end,
         'the notifier reads it'
    from columns group by tbl
  union all
  select 2, 'column public.' || tbl || '.' || col,
         case when typname is null then 'missing'
              when kind = any (accepted) then 'ok' else 'wrong type' end,
         wanted || coalesce(' (found ' || typname || ')', '')
    from columns where has_table
  union all
  select 3, 'table auth.users', case when to_regclass('auth.users') is null then 'missing' else 'ok' end,
         'admin read state references it'
  union all
  select 3, 'publication supabase_realtime',
         case when exists (select 1 from pg_catalog.pg_publication where pubname = 'supabase_realtime')
              then 'ok' else 'missing' end,
         'Realtime postgres_changes'
  union all
  select 3, 'table realtime.messages',
         case when to_regclass('realtime.messages') is null then 'missing' else 'ok' end,
         'private channels (admin_feed, online_users, admins_on_duty)'
  union all
  select 4, 'existing ' || case e.kind
                              when 'table' then e.name
                              when 'publication' then 'publication ' || e.on_what || ': ' || e.name
                              when 'policy' then format('policy "%s" on %s', e.name, e.on_what)
                              else e.kind || ' ' || e.name || coalesce(' on ' || e.on_what, '')
                            end,
         case when e.pushed or e.marked then 'installed' else 'conflict' end,
         case when e.marked or (e.pushed and e.kind <> 'function') then 'from a previous push'
              when e.pushed then 'from a push before 20261130152000, or the project''s own:'
                                 || ' the push replaces it'
              when e.kind = 'function'
                then 'the push replaces it (create or replace): rename this one before pushing'
              when e.kind = 'publication'
                then 'the push adds it: drop it from the publication before pushing'
              else 'the contract creates it: rename this one before pushing' end
    from existing e
  union all
  select 5, 'contract lia_notifier',
         case when to_regclass('lia_notifier.bookings') is not null then 'installed' else 'ok' end,
         case when to_regclass('lia_notifier.bookings') is not null
              then 'already pushed: lia-desktop doctor checks it' else 'not yet installed' end
)
select status, item, detail from checks order by status = 'ok', sort, item;

rollback;
