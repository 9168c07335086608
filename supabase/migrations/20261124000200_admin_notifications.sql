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
  for select to authenticated using ((select lia_notifier.is_admin()));
create policy "admins read own read state" on public.admin_notification_reads
  for select to authenticated
  using ((select lia_notifier.is_admin()) and admin_id = (select auth.uid()));
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
  select coalesce(nullif(u.full_name, ''), u.email) from lia_notifier.users u where u.id = p_user_id
$$;

create or replace function private.notify_booking_created() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  n lia_notifier.booking_row := lia_notifier.booking_of(new);
  v_customer text := coalesce(private.display_name(n.customer_id), 'A customer');
  v_professional text;
begin
  select p.full_name into v_professional from lia_notifier.professionals p where p.id = n.professional_id;
  perform private.enqueue_admin_notification(
    'booking_created', 'medium', 'New booking',
    v_customer || ' booked ' || n.service
      || coalesce(' with ' || v_professional, '') || ' · ' || private.format_cop(n.total_price_cop),
    'bookings', n.id::text, '/admin/bookings/' || n.id,
    jsonb_build_object(
      'created_at', n.created_at, 'customer_id', n.customer_id, 'customer_name', v_customer,
      'professional_id', n.professional_id, 'professional_name', v_professional,
      'service', n.service, 'status', n.status, 'total_price_cop', n.total_price_cop,
      'scheduled_at', n.scheduled_at));
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
  n lia_notifier.booking_row := lia_notifier.booking_of(new);
  o lia_notifier.booking_row := lia_notifier.booking_of(old);
  v_customer text := coalesce(private.display_name(n.customer_id), 'A customer');
  v_professional text;
begin
  select p.full_name into v_professional from lia_notifier.professionals p where p.id = n.professional_id;
  perform private.enqueue_admin_notification(
    'booking_cancelled', 'medium', 'Booking cancelled',
    v_customer || ' · ' || n.service || coalesce(' with ' || v_professional, '')
      || coalesce(' · ' || to_char(n.scheduled_at at time zone 'America/Bogota', 'DD Mon HH24:MI'), ''),
    'bookings', n.id::text, '/admin/bookings/' || n.id,
    jsonb_build_object(
      'created_at', n.created_at, 'cancelled_at', now(), 'previous_status', o.status,
      'customer_id', n.customer_id, 'customer_name', v_customer,
      'professional_id', n.professional_id, 'professional_name', v_professional,
      'service', n.service, 'total_price_cop', n.total_price_cop,
      'scheduled_at', n.scheduled_at));
  return null;
end
$$;
create trigger bookings_notify_cancelled after update on public.bookings
  for each row when (
    (lia_notifier.booking_of(new)).status = 'cancelled'
    and (lia_notifier.booking_of(old)).status is distinct from 'cancelled')
  execute function private.notify_booking_cancelled();

create or replace function private.notify_dispute() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  n lia_notifier.dispute_row := lia_notifier.dispute_of(new);
  o lia_notifier.dispute_row := lia_notifier.dispute_of(old);
  v_escalated boolean := tg_op = 'UPDATE';
begin
  perform private.enqueue_admin_notification(
    case when v_escalated then 'dispute_escalated' else 'dispute_opened' end,
    case when v_escalated then 'urgent' else 'high' end,
    case when v_escalated then 'Dispute escalated' else 'New dispute' end,
    'Booking #' || n.booking_id || ' · ' || private.ellipsize(n.reason, 120),
    'disputes', n.id::text, '/admin/disputes/' || n.id,
    jsonb_build_object(
      'created_at', n.created_at, 'booking_id', n.booking_id, 'opened_by', n.opened_by,
      'reason', n.reason, 'status', n.status, 'dispute_priority', n.priority,
      'previous_priority', case when v_escalated then o.priority end));
  return null;
end
$$;
create trigger disputes_notify_opened after insert on public.disputes
  for each row execute function private.notify_dispute();
create trigger disputes_notify_escalated after update on public.disputes
  for each row when (
    (lia_notifier.dispute_of(new)).priority = 'urgent'
    and (lia_notifier.dispute_of(old)).priority is distinct from 'urgent')
  execute function private.notify_dispute();

create or replace function private.notify_professional_applied() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  n lia_notifier.professional_row := lia_notifier.professional_of(new);
begin
  perform private.enqueue_admin_notification(
    'professional_applied', 'medium', 'New professional application',
    n.full_name || ' applied as ' || n.specialty || coalesce(' (' || n.city || ')', ''),
    'professionals', n.id::text, '/admin/professionals/' || n.id,
    jsonb_build_object(
      'created_at', n.created_at, 'user_id', n.user_id, 'full_name', n.full_name,
      'specialty', n.specialty, 'city', n.city, 'status', n.status));
  return null;
end
$$;
create trigger professionals_notify_applied after insert on public.professionals
  for each row when ((lia_notifier.professional_of(new)).status = 'pending')
  execute function private.notify_professional_applied();

create or replace function private.notify_review_created() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  n lia_notifier.review_row := lia_notifier.review_of(new);
  v_low boolean := n.rating <= 2;
  v_subject text;
  v_professional_id bigint;
begin
  select b.professional_id, coalesce(p.full_name, b.service)
    into v_professional_id, v_subject
    from lia_notifier.bookings b left join lia_notifier.professionals p on p.id = b.professional_id
   where b.id = n.booking_id;
  perform private.enqueue_admin_notification(
    'review_created',
    case when v_low then 'high' else 'low' end,
    case when v_low then 'Low rating' else 'New review' end,
    n.rating || '★ for ' || coalesce(v_subject, 'booking #' || n.booking_id)
      || coalesce(': ' || private.ellipsize(nullif(btrim(n.comment), ''), 100), ''),
    'reviews', n.id::text, '/admin/reviews/' || n.id,
    jsonb_build_object(
      'created_at', n.created_at, 'booking_id', n.booking_id, 'rating', n.rating,
      'professional_id', v_professional_id, 'subject', v_subject, 'comment', n.comment));
  return null;
end
$$;
create trigger reviews_notify_created after insert on public.reviews
  for each row execute function private.notify_review_created();

create or replace function private.notify_user_signed_up() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  n lia_notifier.user_row := lia_notifier.user_of(new);
begin
  perform private.enqueue_admin_notification(
    'user_signed_up', 'low', 'New sign-up',
    coalesce(nullif(n.full_name, ''), n.email) || coalesce(', ' || n.city, ''),
    'users', n.id::text, '/admin/users/' || n.id,
    jsonb_build_object(
      'created_at', n.created_at, 'email', n.email, 'full_name', n.full_name,
      'city', n.city, 'role', n.role));
  return null;
end
$$;
create trigger users_notify_signed_up after insert on public.users
  for each row execute function private.notify_user_signed_up();
