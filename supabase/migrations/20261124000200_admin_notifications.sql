-- Admin notification queue, filled by triggers, and per-admin read state.
--
-- Ids are COMMIT-ORDERED: private.enqueue_admin_notification takes a
-- transaction-level advisory lock before nextval, so every transaction that
-- creates notifications is serialised from that point to its commit. Once a
-- client has seen id N committed, no transaction can later commit an id < N,
-- which makes "id > cursor" catch-up lossless. The counters of the next
-- migration take the same lock.

create table public.admin_notifications (
  id bigint primary key,
  type text not null check (type in (
    'booking_created', 'booking_cancelled', 'dispute_opened', 'dispute_escalated',
    'professional_applied', 'review_created', 'user_signed_up')),
  priority text not null check (priority in ('low', 'medium', 'high', 'urgent')),
  title text not null,
  body text not null,
  entity_table text not null,
  entity_id text not null,
  action_path text not null,
  created_at timestamptz not null default now(),
  metadata jsonb not null default '{}'::jsonb
);
create sequence private.admin_notification_id_seq as bigint;

create table public.admin_notification_reads (
  admin_id uuid not null references auth.users (id) on delete cascade,
  notification_id bigint not null references public.admin_notifications (id) on delete cascade,
  read_at timestamptz not null default now(),
  primary key (admin_id, notification_id)
);
create index admin_notification_reads_notification_id_idx
  on public.admin_notification_reads (notification_id);

alter table public.admin_notifications enable row level security;
alter table public.admin_notification_reads enable row level security;
create policy "admins read notifications" on public.admin_notifications
  for select to authenticated using ((select public.is_admin()));
create policy "admins read own read state" on public.admin_notification_reads
  for select to authenticated
  using ((select public.is_admin()) and admin_id = (select auth.uid()));
-- Written only by triggers and the admin RPCs (security definer).
revoke insert, update, delete, truncate on public.admin_notifications from anon, authenticated;
revoke insert, update, delete, truncate on public.admin_notification_reads from anon, authenticated;

-- The one lock behind commit-ordered notification ids and counter seqs.
create or replace function private.lock_admin_feed() returns void
language sql
set search_path = ''
as $$
  select pg_advisory_xact_lock(5496996590248084525)  -- 0x4C4941464545442D, "LIAFEED-"
$$;

create or replace function private.enqueue_admin_notification(
  p_type text, p_priority text, p_title text, p_body text,
  p_entity_table text, p_entity_id text, p_action_path text, p_metadata jsonb
) returns bigint
language plpgsql security definer
set search_path = ''
as $$
declare
  v_id bigint;
begin
  perform private.lock_admin_feed();
  v_id := nextval('private.admin_notification_id_seq');
  insert into public.admin_notifications
    (id, type, priority, title, body, entity_table, entity_id, action_path, metadata)
  values
    (v_id, p_type, p_priority, p_title, p_body, p_entity_table, p_entity_id, p_action_path,
     coalesce(p_metadata, '{}'::jsonb));
  return v_id;
end
$$;

-- Copy helpers (ui-guide.md: "Ana Gómez booked Plumbing with Carlos Ruiz · $ 180.000").
create or replace function private.format_cop(p_amount bigint) returns text
language sql immutable
set search_path = ''
as $$
  select '$ ' || regexp_replace(p_amount::text, '(\d)(?=(\d{3})+$)', '\1.', 'g')
$$;

create or replace function private.ellipsize(p_text text, p_max integer) returns text
language sql immutable
set search_path = ''
as $$
  select case when length(p_text) <= p_max then p_text
              else rtrim(left(p_text, p_max - 1)) || '…' end
$$;

create or replace function private.display_name(p_user_id uuid) returns text
language sql stable
set search_path = ''
as $$
  select coalesce(nullif(u.full_name, ''), u.email) from public.users u where u.id = p_user_id
$$;

create or replace function private.notify_booking_created() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  v_customer text := coalesce(private.display_name(new.customer_id), 'A customer');
  v_professional text;
begin
  select p.full_name into v_professional from public.professionals p where p.id = new.professional_id;
  perform private.enqueue_admin_notification(
    'booking_created', 'medium', 'New booking',
    v_customer || ' booked ' || new.service
      || coalesce(' with ' || v_professional, '') || ' · ' || private.format_cop(new.total_price_cop),
    'bookings', new.id::text, '/admin/bookings/' || new.id,
    jsonb_build_object(
      'created_at', new.created_at, 'customer_id', new.customer_id, 'customer_name', v_customer,
      'professional_id', new.professional_id, 'professional_name', v_professional,
      'service', new.service, 'status', new.status, 'total_price_cop', new.total_price_cop,
      'scheduled_at', new.scheduled_at));
  return null;
end
$$;
create trigger bookings_notify_created after insert on public.bookings
  for each row execute function private.notify_booking_created();

create or replace function private.notify_booking_cancelled() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  v_customer text := coalesce(private.display_name(new.customer_id), 'A customer');
  v_professional text;
begin
  select p.full_name into v_professional from public.professionals p where p.id = new.professional_id;
  perform private.enqueue_admin_notification(
    'booking_cancelled', 'medium', 'Booking cancelled',
    v_customer || ' · ' || new.service || coalesce(' with ' || v_professional, '')
      || coalesce(' · ' || to_char(new.scheduled_at at time zone 'America/Bogota', 'DD Mon HH24:MI'), ''),
    'bookings', new.id::text, '/admin/bookings/' || new.id,
    jsonb_build_object(
      'created_at', new.created_at, 'cancelled_at', now(), 'previous_status', old.status,
      'customer_id', new.customer_id, 'customer_name', v_customer,
      'professional_id', new.professional_id, 'professional_name', v_professional,
      'service', new.service, 'total_price_cop', new.total_price_cop,
      'scheduled_at', new.scheduled_at));
  return null;
end
$$;
create trigger bookings_notify_cancelled after update of status on public.bookings
  for each row when (new.status = 'cancelled' and old.status is distinct from 'cancelled')
  execute function private.notify_booking_cancelled();

create or replace function private.notify_dispute() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  v_escalated boolean := tg_op = 'UPDATE';
begin
  perform private.enqueue_admin_notification(
    case when v_escalated then 'dispute_escalated' else 'dispute_opened' end,
    case when v_escalated then 'urgent' else 'high' end,
    case when v_escalated then 'Dispute escalated' else 'New dispute' end,
    'Booking #' || new.booking_id || ' · ' || private.ellipsize(new.reason, 120),
    'disputes', new.id::text, '/admin/disputes/' || new.id,
    jsonb_build_object(
      'created_at', new.created_at, 'booking_id', new.booking_id, 'opened_by', new.opened_by,
      'reason', new.reason, 'status', new.status, 'dispute_priority', new.priority,
      'previous_priority', case when v_escalated then old.priority end));
  return null;
end
$$;
create trigger disputes_notify_opened after insert on public.disputes
  for each row execute function private.notify_dispute();
create trigger disputes_notify_escalated after update of priority on public.disputes
  for each row when (new.priority = 'urgent' and old.priority is distinct from 'urgent')
  execute function private.notify_dispute();

create or replace function private.notify_professional_applied() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  perform private.enqueue_admin_notification(
    'professional_applied', 'medium', 'New professional application',
    new.full_name || ' applied as ' || new.specialty || coalesce(' (' || new.city || ')', ''),
    'professionals', new.id::text, '/admin/professionals/' || new.id,
    jsonb_build_object(
      'created_at', new.created_at, 'user_id', new.user_id, 'full_name', new.full_name,
      'specialty', new.specialty, 'city', new.city, 'status', new.status));
  return null;
end
$$;
create trigger professionals_notify_applied after insert on public.professionals
  for each row when (new.status = 'pending')
  execute function private.notify_professional_applied();

create or replace function private.notify_review_created() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  v_low boolean := new.rating <= 2;
  v_subject text;
  v_professional_id bigint;
begin
  select b.professional_id, coalesce(p.full_name, b.service)
    into v_professional_id, v_subject
    from public.bookings b left join public.professionals p on p.id = b.professional_id
   where b.id = new.booking_id;
  perform private.enqueue_admin_notification(
    'review_created',
    case when v_low then 'high' else 'low' end,
    case when v_low then 'Low rating' else 'New review' end,
    new.rating || '★ for ' || coalesce(v_subject, 'booking #' || new.booking_id)
      || coalesce(': ' || private.ellipsize(nullif(btrim(new.comment), ''), 100), ''),
    'reviews', new.id::text, '/admin/reviews/' || new.id,
    jsonb_build_object(
      'created_at', new.created_at, 'booking_id', new.booking_id, 'rating', new.rating,
      'professional_id', v_professional_id, 'subject', v_subject, 'comment', new.comment));
  return null;
end
$$;
create trigger reviews_notify_created after insert on public.reviews
  for each row execute function private.notify_review_created();

create or replace function private.notify_user_signed_up() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  perform private.enqueue_admin_notification(
    'user_signed_up', 'low', 'New sign-up',
    coalesce(nullif(new.full_name, ''), new.email) || coalesce(', ' || new.city, ''),
    'users', new.id::text, '/admin/users/' || new.id,
    jsonb_build_object(
      'created_at', new.created_at, 'email', new.email, 'full_name', new.full_name,
      'city', new.city, 'role', new.role));
  return null;
end
$$;
create trigger users_notify_signed_up after insert on public.users
  for each row execute function private.notify_user_signed_up();
