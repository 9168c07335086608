-- Demo data for LIA: Colombian customers and professionals, a few hundred
-- bookings over the last 60 days (prices in COP), reviews, open disputes and
-- pending professional applications.
--
-- Demo accounts (DEMO ONLY, never on a real project):
--   admin@lia.test    / lia-demo-admin     (app_metadata.role = admin)
--   customer@lia.test / lia-demo-customer  (a plain customer)
-- The password hashes below are precomputed bcrypt hashes, as GoTrue stores
-- them (no pgcrypto needed).
--
-- Safe to run again: it does nothing when the demo admin already exists.
-- Deterministic apart from timestamps (relative to now()) and random uuids.

do $seed$
declare
  v_admin constant uuid := '00000000-0000-4000-a000-000000000001';
  v_customer constant uuid := '00000000-0000-4000-a000-000000000002';
  v_first text[] := array['Ana', 'Carlos', 'María', 'Juan', 'Luisa', 'Andrés', 'Camila',
    'Santiago', 'Valentina', 'Diego', 'Daniela', 'Felipe', 'Laura', 'Sebastián', 'Paula',
    'Julián', 'Natalia', 'Mateo', 'Sofía', 'Alejandro', 'Isabella', 'Jorge', 'Manuela', 'Óscar'];
  v_last text[] := array['Gómez', 'Ruiz', 'Torres', 'Rodríguez', 'Martínez', 'López', 'García',
    'Hernández', 'Ramírez', 'Castro', 'Vargas', 'Moreno', 'Rojas', 'Jiménez', 'Ospina',
    'Restrepo', 'Quintero', 'Cárdenas', 'Arango', 'Zapata', 'Montoya', 'Salazar'];
  v_cities text[] := array['Bogotá', 'Bogotá', 'Bogotá', 'Medellín', 'Medellín', 'Cali',
    'Barranquilla', 'Cartagena', 'Bucaramanga', 'Pereira', 'Manizales', 'Santa Marta', 'Cúcuta'];
  v_reasons text[] := array['The professional did not show up', 'Work left unfinished',
    'Charged more than the agreed price', 'Damage to the property during the job',
    'Poor quality of work, needs to be redone', 'The professional was rude to the family'];
  v_customers uuid[];
  v_pros bigint[];
begin
  if exists (select 1 from auth.users where email = 'admin@lia.test') then
    raise notice 'LIA seed already applied; nothing to do';
    return;
  end if;
  perform setseed(0.2026);

  -- Accounts. The auth.users trigger creates each public.users profile.
  create temporary table seed_accounts on commit drop as
  select v_admin as id, 'admin@lia.test' as email,
         '$2b$10$Pu14L.4KewdXWK0iQEgZVuunNcYJDeqcNb7ceBsX5XRagx3HysEhm' as password,
         'Laura Restrepo' as full_name, 'Bogotá' as city, 'admin' as role,
         now() - interval '200 days' as created_at
  union all
  select v_customer, 'customer@lia.test',
         '$2b$10$lnMKjGDujUL1l1g2evsxKeGTT7G.Mx6AVjr935f1sAxTNc58i.aOu',
         'Ana Gómez', 'Bogotá', 'customer', now() - interval '90 days'
  union all
  select md5('lia-seed-user-' || i)::uuid,
         'user' || i || '@example.co', '',
         v_first[1 + floor(random() * array_length(v_first, 1))::int] || ' '
           || v_last[1 + floor(random() * array_length(v_last, 1))::int],
         v_cities[1 + floor(random() * array_length(v_cities, 1))::int],
         case when i <= 34 then 'professional' else 'customer' end,
         -- professionals joined earlier; customers keep signing up, more lately
         case when i <= 34 then now() - (60 + random() * 300) * interval '1 day'
              else now() - power(random(), 1.4) * interval '120 days' end
  from generate_series(1, 124) as i;
  update seed_accounts set email = lower(
    translate(split_part(full_name, ' ', 1) || '.' || split_part(full_name, ' ', 2),
              'áéíóúÁÉÍÓÚñÑ', 'aeiouAEIOUnN')) || '.' || left(id::text, 4) || '@example.co'
   where email like 'user%@example.co';

  insert into auth.users (instance_id, id, aud, role, email, encrypted_password,
    email_confirmed_at, confirmation_token, recovery_token, email_change_token_new, email_change,
    raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
  select '00000000-0000-0000-0000-000000000000', a.id, 'authenticated', 'authenticated', a.email,
         a.password, a.created_at, '', '', '', '',
         jsonb_build_object('provider', 'email', 'providers', jsonb_build_array('email'))
           || case when a.role = 'customer' then '{}'::jsonb else jsonb_build_object('role', a.role) end,
         jsonb_build_object('full_name', a.full_name, 'city', a.city),
         a.created_at, a.created_at
    from seed_accounts a
   order by a.created_at;
  insert into auth.identities (provider_id, user_id, identity_data, provider,
    last_sign_in_at, created_at, updated_at)
  select a.id::text, a.id,
         jsonb_build_object('sub', a.id::text, 'email', a.email, 'email_verified', true,
                            'phone_verified', false),
         'email', a.created_at, a.created_at, a.created_at
    from seed_accounts a;

  -- Professionals: most approved, a few applications waiting, some rejected or suspended.
  insert into public.professionals (user_id, full_name, specialty, city, status, created_at)
  select a.id, a.full_name,
         (array['Plumbing', 'Electrician', 'House cleaning', 'Painting', 'Carpentry',
                'Appliance repair', 'Gardening', 'Locksmith', 'AC maintenance'])[1 + (n % 9)],
         a.city,
         case when n <= 24 then 'approved' when n <= 30 then 'pending'
              when n <= 32 then 'rejected' else 'suspended' end,
         case when n between 25 and 30 then now() - random() * interval '9 days'
              else a.created_at + interval '2 days' end
    from (select s.*, row_number() over (order by s.created_at) as n
            from seed_accounts s where s.role = 'professional') a
   order by 6;

  -- Bookings over the last 60 days, denser lately; status follows the schedule.
  select array_agg(id order by created_at) into v_customers from public.users where role = 'customer';
  select array_agg(id order by id) into v_pros from public.professionals where status = 'approved';
  insert into public.bookings (customer_id, professional_id, service, status, total_price_cop,
                               scheduled_at, created_at, updated_at)
  select b.customer_id, p.id, p.specialty,
         case when b.scheduled_at > now() then
                case when b.r < 0.55 then 'pending' when b.r < 0.92 then 'confirmed' else 'cancelled' end
              when b.scheduled_at > now() - interval '3 hours' then 'in_progress'
              else case when b.r < 0.84 then 'completed' when b.r < 0.95 then 'cancelled'
                        else 'confirmed' end end,
         round((pr.low + random() * (pr.high - pr.low)) / 1000) * 1000,
         b.scheduled_at, b.created_at, b.created_at
    from (select case when c.i <= 3 then v_customer
                      else v_customers[1 + floor(random() * array_length(v_customers, 1))::int] end
                   as customer_id,
                 v_pros[1 + floor(random() * array_length(v_pros, 1))::int] as professional_id,
                 c.created_at,
                 date_trunc('hour', c.created_at + (4 + random() * 164) * interval '1 hour') as scheduled_at,
                 random() as r
            from (select i, now() - power(random(), 1.3) * interval '60 days' as created_at
                    from generate_series(1, 330) as i) c) b
    join public.professionals p on p.id = b.professional_id
    join (values ('Plumbing', 80000, 350000), ('Electrician', 90000, 420000),
                 ('House cleaning', 60000, 180000), ('Painting', 250000, 1200000),
                 ('Carpentry', 150000, 900000), ('Appliance repair', 90000, 300000),
                 ('Gardening', 70000, 220000), ('Locksmith', 60000, 200000),
                 ('AC maintenance', 120000, 380000)) as pr (service, low, high)
      on pr.service = p.specialty
   order by b.created_at;

  -- Reviews for about half of the completed bookings.
  insert into public.reviews (booking_id, rating, comment, created_at)
  select r.id, r.rating,
         case r.rating
           when 1 then 'Very disappointed, the job was not done and nobody answered my calls.'
           when 2 then 'Arrived two hours late and left a mess in the kitchen.'
           when 3 then 'Fine, nothing special.'
           when 4 then 'Good work, would book again.'
           else '¡Excelente! Fast, careful and very kind.' end,
         r.created_at
    from (select b.id,
                 (case when x < 0.05 then 1 when x < 0.12 then 2 when x < 0.25 then 3
                       when x < 0.55 then 4 else 5 end)::smallint as rating,
                 least(now(), b.scheduled_at + (2 + random() * 46) * interval '1 hour') as created_at
            from (select b.*, random() as x, random() as keep from public.bookings b
                   where b.status = 'completed') b
           where b.keep < 0.55) r
   order by r.created_at;

  -- Disputes on recent completed bookings: six open (two escalated later), three resolved.
  insert into public.disputes (booking_id, opened_by, reason, status, priority, created_at, resolved_at)
  select d.id, d.customer_id, v_reasons[1 + (d.n % array_length(v_reasons, 1))::int],
         case when d.n <= 6 then 'open' else 'resolved' end,
         case when d.n % 3 = 0 then 'high' else 'medium' end,
         d.opened_at,
         case when d.n > 6 then least(now(), d.opened_at + interval '2 days') end
    from (select b.id, b.customer_id,
                 least(now(), b.scheduled_at + interval '20 hours') as opened_at,
                 row_number() over (order by b.scheduled_at desc) as n
            from public.bookings b where b.status = 'completed') d
   where d.n <= 9
   order by d.opened_at;
  update public.disputes set priority = 'urgent'
   where id in (select id from public.disputes where status = 'open' order by created_at limit 2);

  -- The feed as it would have been: notifications dated like their events,
  -- and everything older than half a day already read by the demo admin.
  update public.admin_notifications
     set created_at = least(now(), (metadata ->> 'created_at')::timestamptz
                                   + case when type = 'dispute_escalated' then interval '3 hours'
                                          else interval '0' end);
  insert into public.admin_notification_reads (admin_id, notification_id, read_at)
  select v_admin, id, created_at + interval '1 hour'
    from public.admin_notifications where created_at < now() - interval '12 hours';
end
$seed$;

-- The demo starts without a phone: its admins need no second factor (issue 16;
-- an operator's project keeps the migration's default, on). A database seeded
-- before that migration keeps the default too.
do $aal$
begin
  if to_regclass('lia_notifier.security_settings') is not null then
    update lia_notifier.security_settings set admins_need_aal2 = false, updated_at = now();
  end if;
end
$aal$;
