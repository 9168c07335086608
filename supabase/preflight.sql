-- Pre-flight for installing the LIA notifier onto an existing project.
-- Read-only (one SELECT, in a read-only transaction): run it before `supabase db push`,
--   psql "$DB_URL" -X -q -f supabase/preflight.sql
-- Each row is one thing the contract needs; status is 'ok', 'missing' (the push
-- fails: fix it first), 'wrong type' (no cast to the interface's type: adapt the
-- column or the mapping in migrations/20261124000100_lia_notifier_interface.sql),
-- 'conflict' (a table the contract creates exists already, not from a push) or
-- 'installed' (a previous push; db push only adds what is new). Not 'ok' rows come first. Nothing else is read or changed.
-- The interface below is the row types of lia_notifier (tests/devstack check they agree).

begin transaction read only;

with interface (tbl, col, wanted, accepted) as (
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
         'private channels (admin_feed, online_users)'
  union all
  select 4, 'existing public.' || name,
         case when to_regclass('lia_notifier.bookings') is not null then 'installed' else 'conflict' end,
         case when to_regclass('lia_notifier.bookings') is not null then 'from a previous push'
              else 'the contract creates it: rename this one before pushing' end
    from unnest(array['admin_notifications', 'admin_notification_reads', 'admin_stats_counters',
                      'admin_stats_daily']) as name
   where to_regclass('public.' || name) is not null
  union all
  select 5, 'contract lia_notifier',
         case when to_regclass('lia_notifier.bookings') is not null then 'installed' else 'ok' end,
         case when to_regclass('lia_notifier.bookings') is not null
              then 'already pushed: lia-desktop doctor checks it' else 'not yet installed' end
)
select status, item, detail from checks order by status = 'ok', sort, item;

rollback;
