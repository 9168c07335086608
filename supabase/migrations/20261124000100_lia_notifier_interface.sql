-- The notifier's interface to the marketplace: the ONE place that names
-- LIA's tables and columns. Everything after this file reads the marketplace
-- through it and never creates, alters or drops a marketplace table; it only
-- attaches triggers to them and adds them to the supabase_realtime publication.
--
-- What the notifier reads (supabase/README.md, "Interface"; supabase/preflight.sql
-- checks it before a push):
--
--   public.users          id uuid, email text, full_name text, city text, role text,
--                         created_at timestamptz                     (one row per account)
--   public.professionals  id bigint, user_id uuid, full_name text, specialty text,
--                         city text, status text, created_at timestamptz
--   public.bookings       id bigint, customer_id uuid, professional_id bigint, service text,
--                         status text, total_price_cop bigint, scheduled_at timestamptz,
--                         created_at timestamptz
--   public.reviews        id bigint, booking_id bigint, rating integer, comment text,
--                         created_at timestamptz
--   public.disputes       id bigint, booking_id bigint, opened_by uuid, reason text,
--                         status text, priority text, created_at timestamptz
--
-- Status values read: bookings 'pending' / 'completed' / 'cancelled'; disputes
-- priority 'urgent'; professionals 'pending' (an application). Extra columns,
-- another column order, integer ids, varchar or enum text columns, numeric
-- prices and smallint ratings are fine (each value is cast to the type above).
-- Where LIA's columns are named otherwise, change the row(...) of the mapping
-- function below, and nothing else: each lia_notifier.<entity>(row) maps one
-- marketplace row to the interface, the triggers call it on NEW/OLD and on
-- their transition tables, and the lia_notifier views (for the RPCs' range
-- reads; the planner sees through them, so created_at indexes still serve)
-- are built from the same functions.

-- Internal functions live outside the API schema so PostgREST never exposes them.
create schema if not exists private;
revoke all on schema private from public;

-- Not exposed by PostgREST either. Only is_admin() is for the API roles (policies call
-- it); the views are owned by postgres, which bypasses RLS, so nobody else reads them.
create schema lia_notifier;
revoke all on schema lia_notifier from public;
grant usage on schema lia_notifier to authenticated;

-- An admin is a JWT whose app_metadata.role is 'admin' (users cannot edit app_metadata).
create function lia_notifier.is_admin() returns boolean
language sql stable
set search_path = ''
as $$
  select coalesce(auth.jwt() -> 'app_metadata' ->> 'role', '') = 'admin'
$$;
revoke all on function lia_notifier.is_admin() from public;
grant execute on function lia_notifier.is_admin() to authenticated;

create type lia_notifier.user_row as (
  id uuid, email text, full_name text, city text, role text, created_at timestamptz);
create type lia_notifier.professional_row as (
  id bigint, user_id uuid, full_name text, specialty text, city text, status text,
  created_at timestamptz);
create type lia_notifier.booking_row as (
  id bigint, customer_id uuid, professional_id bigint, service text, status text,
  total_price_cop bigint, scheduled_at timestamptz, created_at timestamptz);
create type lia_notifier.review_row as (
  id bigint, booking_id bigint, rating integer, comment text, created_at timestamptz);
create type lia_notifier.dispute_row as (
  id bigint, booking_id bigint, opened_by uuid, reason text, status text, priority text,
  created_at timestamptz);

-- The mapping (SQL-standard bodies: inlined by the planner, no per-row call).
create function lia_notifier.user_of(u public.users) returns lia_notifier.user_row
language sql immutable parallel safe
return row(u.id, u.email, u.full_name, u.city, u.role, u.created_at)::lia_notifier.user_row;

create function lia_notifier.professional_of(p public.professionals)
returns lia_notifier.professional_row
language sql immutable parallel safe
return row(p.id, p.user_id, p.full_name, p.specialty, p.city, p.status, p.created_at)
  ::lia_notifier.professional_row;

create function lia_notifier.booking_of(b public.bookings) returns lia_notifier.booking_row
language sql immutable parallel safe
return row(b.id, b.customer_id, b.professional_id, b.service, b.status, b.total_price_cop,
           b.scheduled_at, b.created_at)::lia_notifier.booking_row;

create function lia_notifier.review_of(r public.reviews) returns lia_notifier.review_row
language sql immutable parallel safe
return row(r.id, r.booking_id, r.rating, r.comment, r.created_at)::lia_notifier.review_row;

create function lia_notifier.dispute_of(d public.disputes) returns lia_notifier.dispute_row
language sql immutable parallel safe
return row(d.id, d.booking_id, d.opened_by, d.reason, d.status, d.priority, d.created_at)
  ::lia_notifier.dispute_row;

create view lia_notifier.users as select (lia_notifier.user_of(t)).* from public.users t;
create view lia_notifier.professionals as
  select (lia_notifier.professional_of(t)).* from public.professionals t;
create view lia_notifier.bookings as select (lia_notifier.booking_of(t)).* from public.bookings t;
create view lia_notifier.reviews as select (lia_notifier.review_of(t)).* from public.reviews t;
create view lia_notifier.disputes as select (lia_notifier.dispute_of(t)).* from public.disputes t;
revoke all on all tables in schema lia_notifier from public, anon, authenticated, service_role;
