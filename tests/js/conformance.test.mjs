// The web admin's client, unchanged, against the LIA devstack: if supabase-js (realtime at its
// default vsn 2.0.0) cannot tell the devstack from Supabase, neither can the web team.
// Run by tests/devstack/test_js_conformance.py, which starts the devstack and passes its
// coordinates in LIA_API_URL, LIA_ANON_KEY, LIA_SERVICE_ROLE_KEY and LIA_DB_HOST (socket dir).
// The same scenarios through realtime-py live in tests/devstack/test_realtime.py.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import WebSocket from 'ws';
import { createClient, isAuthWeakPasswordError } from '@supabase/supabase-js';

const API_URL = process.env.LIA_API_URL;
const ANON_KEY = process.env.LIA_ANON_KEY;
const SERVICE_ROLE_KEY = process.env.LIA_SERVICE_ROLE_KEY;
const DB_HOST = process.env.LIA_DB_HOST;
assert.ok(API_URL && ANON_KEY && SERVICE_ROLE_KEY && DB_HOST, 'devstack coordinates missing');

const SUBSCRIBED_TO_POSTGRES = 'Subscribed to PostgreSQL';
const db = new pg.Client({ host: DB_HOST, user: 'postgres', database: 'postgres' });
const clients = [];

/** A client as the web admin makes one; `realtime` options are merged (e.g. `{ vsn: '1.0.0' }`). */
function newClient(key = ANON_KEY, realtime = {}) {
  const client = createClient(API_URL, key, {
    auth: { persistSession: false, autoRefreshToken: false },
    realtime: { transport: WebSocket, ...realtime },
  });
  clients.push(client);
  return client;
}

const admin = newClient(SERVICE_ROLE_KEY);

/**
 * Collects callback values; `until` resolves with the first value, past or future, a predicate
 * accepts. Looking at past values too means an event that arrives before the test starts
 * waiting for it is not lost.
 */
class Inbox {
  items = [];
  #waiters = new Set();

  push = (item) => {
    this.items.push(item);
    for (const waiter of this.#waiters) waiter();
  };

  until(predicate, what, ms = 10000) {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.items.find(predicate);
        if (found === undefined) return false;
        this.#waiters.delete(check);
        clearTimeout(timer);
        resolve(found);
        return true;
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.items)}`));
      }, ms);
      if (!check()) this.#waiters.add(check);
    });
  }
}

function subscribed(channel) {
  return new Promise((resolve, reject) => {
    channel.subscribe((status, err) => {
      if (status === 'SUBSCRIBED') resolve(channel);
      else if (status === 'CHANNEL_ERROR' || status === 'TIMED_OUT') reject(err ?? new Error(status));
    });
  });
}

/** A channel's `system` messages; `subscribed(n)` waits for the n-th "Subscribed to PostgreSQL". */
function systemInbox(channel) {
  const inbox = new Inbox();
  channel.on('system', {}, inbox.push);
  inbox.subscribed = (n = 1) => inbox.until(
    () => inbox.items.filter((m) => m.status === 'ok' && m.message === SUBSCRIBED_TO_POSTGRES).length >= n,
    `system ok #${n}`,
  );
  return inbox;
}

async function signedInAdmin() {
  const email = `js-admin-${randomUUID().slice(0, 8)}@lia.test`;
  const password = 'js-conformance-pw';
  const created = await admin.auth.admin.createUser({
    email, password, email_confirm: true, app_metadata: { role: 'admin' },
  });
  assert.equal(created.error, null);
  assert.equal(created.data.user.email, email);
  const client = newClient();
  const { data, error } = await client.auth.signInWithPassword({ email, password });
  assert.equal(error, null);
  return { client, session: data.session, email, password };
}

/** GoTrue's `iat` is in whole seconds: a refresh within the same second mints the same token. */
async function afterIssueSecond(accessToken) {
  const { iat } = JSON.parse(Buffer.from(accessToken.split('.')[1], 'base64url'));
  const ms = (iat + 1) * 1000 - Date.now();
  if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
}

async function insertBooking(status = 'pending') {
  const { rows } = await db.query(
    `insert into public.bookings (customer_id, professional_id, service, status, total_price_cop, scheduled_at)
     select (select id from public.users where role = 'customer' order by created_at limit 1),
            p.id, p.specialty, $1, 120000, now() + interval '1 day'
     from public.professionals p where p.status = 'approved' order by p.id limit 1
     returning id`, [status]);
  return Number(rows[0].id);
}

before(async () => { await db.connect(); });
after(async () => {
  for (const client of clients) await client.removeAllChannels();
  await db.end();
});

describe('auth', () => {
  test('admin.createUser, password sign-in, refresh with rotation', async () => {
    const { client, session } = await signedInAdmin();
    assert.equal(session.user.app_metadata.role, 'admin');
    const refreshed = await client.auth.refreshSession();
    assert.equal(refreshed.error, null);
    assert.notEqual(refreshed.data.session.refresh_token, session.refresh_token);
    assert.notEqual(refreshed.data.session.access_token, '');
  });

  test('a wrong password is invalid_credentials', async () => {
    const { email } = await signedInAdmin();
    const { error } = await newClient().auth.signInWithPassword({ email, password: 'wrong-password' });
    assert.equal(error.code, 'invalid_credentials');
    assert.equal(error.status, 400);
  });
});

describe('rpc', () => {
  test('an admin reads the dashboard stats; anon is refused', async () => {
    const { client } = await signedInAdmin();
    const { data, error } = await client.rpc('admin_dashboard_stats');
    assert.equal(error, null);
    assert.equal(typeof data.total_bookings, 'number');
    const refused = await newClient().rpc('admin_dashboard_stats');
    assert.equal(refused.error.code, '42501');
  });
});

describe('realtime postgres_changes (vsn 2.0.0)', () => {
  test('one channel, several tables, and a filtered binding', async () => {
    const { client } = await signedInAdmin();
    assert.equal(client.realtime.vsn, '2.0.0');
    const inserts = new Inbox();
    const all = new Inbox();
    const reviews = new Inbox();
    const filtered = new Inbox();
    const channel = client.channel(`js-db-${randomUUID().slice(0, 6)}`)
      .on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'bookings' }, inserts.push)
      .on('postgres_changes', { event: '*', schema: 'public', table: 'bookings' }, all.push)
      .on('postgres_changes', { event: '*', schema: 'public', table: 'reviews' }, reviews.push)
      .on('postgres_changes', { event: 'UPDATE', schema: 'public', table: 'bookings', filter: 'status=eq.confirmed' },
        filtered.push);
    const system = systemInbox(channel);
    await subscribed(channel);
    assert.match(client.realtime.endpointURL(), /[?&]vsn=2\.0\.0(&|$)/);
    await system.subscribed();

    const id = await insertBooking();
    await db.query(`update public.bookings set status = 'in_progress' where id = $1`, [id]);
    await db.query(`update public.bookings set status = 'confirmed' where id = $1`, [id]);
    await db.query(`insert into public.reviews (booking_id, rating, comment) values ($1, 4, 'Tidy work')`, [id]);

    const update = await all.until((p) => p.eventType === 'UPDATE' && p.new.id === id, 'booking update');
    assert.equal(update.table, 'bookings');
    assert.equal(update.new.status, 'in_progress');
    assert.deepEqual(Object.keys(update.old), ['id']);
    assert.match(update.commit_timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const review = await reviews.until((p) => p.eventType === 'INSERT' && p.new.booking_id === id, 'review insert');
    assert.equal(review.new.rating, 4);
    // Delivery is in commit order: once the review is here, both updates were too, and the
    // filtered binding must have matched the confirmed one only.
    assert.deepEqual(filtered.items.filter((p) => p.new.id === id).map((p) => p.new.status), ['confirmed']);
    assert.equal(inserts.items.filter((p) => p.new.id === id).length, 1);
  });
});

describe('presence on the private online_users channel', () => {
  test('two admins see each other join and leave', async () => {
    const a = await signedInAdmin();
    const b = await signedInAdmin();
    const joins = new Inbox();
    const leaves = new Inbox();
    const syncs = new Inbox();
    const chA = a.client.channel('online_users', { config: { private: true, presence: { key: 'a-admin' } } })
      .on('presence', { event: 'join' }, joins.push)
      .on('presence', { event: 'leave' }, leaves.push)
      .on('presence', { event: 'sync' }, () => syncs.push(chA.presenceState()));
    await subscribed(chA);
    assert.equal(await chA.track({ status: 'online' }), 'ok');
    const chB = b.client.channel('online_users', { config: { private: true, presence: { key: 'b-admin' } } });
    await subscribed(chB);
    assert.equal(await chB.track({ status: 'online' }), 'ok');
    await joins.until(({ key }) => key === 'b-admin', 'b joins');
    await syncs.until((state) => state['a-admin'] && state['b-admin'], 'a sync with both admins');
    assert.equal(chA.presenceState()['b-admin'][0].status, 'online');
    await b.client.removeChannel(chB);
    await leaves.until(({ key }) => key === 'b-admin', 'b leaves');
    await syncs.until((state) => state['a-admin'] && !state['b-admin'], 'a sync without b');
  });

  test('anon cannot join the private channel', async () => {
    const channel = newClient().channel('online_users', { config: { private: true } });
    await assert.rejects(
      subscribed(channel),
      /Unauthorized: You do not have permissions to read from this Channel topic: online_users/,
    );
  });
});

describe('broadcast', () => {
  test('clients at vsn 2.0.0 and 1.0.0 broadcast to each other, with ack', async () => {
    const topic = `room-${randomUUID().slice(0, 6)}`;
    const a = newClient();
    const b = newClient();
    const legacy = newClient(ANON_KEY, { vsn: '1.0.0' });
    const atB = new Inbox();
    const atLegacy = new Inbox();
    const chB = b.channel(topic).on('broadcast', { event: 'cursor' }, atB.push);
    const chLegacy = legacy.channel(topic, { config: { broadcast: { ack: true } } })
      .on('broadcast', { event: 'cursor' }, atLegacy.push);
    const chA = a.channel(topic, { config: { broadcast: { ack: true } } });
    for (const channel of [chB, chLegacy, chA]) await subscribed(channel);

    // 2.0.0 sends a binary userBroadcastPush: 2.0.0 gets a binary userBroadcast, 1.0.0 JSON.
    assert.equal(await chA.send({ type: 'broadcast', event: 'cursor', payload: { x: 42, who: 'ñandú' } }), 'ok');
    const got = await atB.until((m) => m.payload?.x === 42, 'broadcast at b');
    assert.deepEqual(got, { type: 'broadcast', event: 'cursor', payload: { x: 42, who: 'ñandú' } });
    await atLegacy.until((m) => m.payload?.x === 42 && m.event === 'cursor', 'broadcast at the 1.0.0 client');

    assert.equal(await chLegacy.send({ type: 'broadcast', event: 'cursor', payload: { x: 7 } }), 'ok');
    await atB.until((m) => m.payload?.x === 7, 'broadcast from the 1.0.0 client at b');
    assert.equal(atLegacy.items.some((m) => m.payload?.x === 7), false, 'no self broadcast unless asked');
  });
});

describe('token refresh on a live channel', () => {
  test('a refreshed session and an explicit setAuth both reach the channel; events keep flowing', async () => {
    const { client, session, email, password } = await signedInAdmin();
    const seen = new Inbox();
    const channel = client.channel(`js-refresh-${randomUUID().slice(0, 6)}`)
      .on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'bookings' }, (p) => seen.push(p.new.id));
    const system = systemInbox(channel);
    await subscribed(channel);
    await system.subscribed(1);

    // supabase-js hands a refreshed session to realtime itself (setAuth on TOKEN_REFRESHED):
    // the channel gets access_token, and the server answers with a fresh system ok.
    await afterIssueSecond(session.access_token);
    const { data, error } = await client.auth.refreshSession();
    assert.equal(error, null);
    assert.notEqual(data.session.access_token, session.access_token);
    await system.subscribed(2);
    assert.equal(client.realtime.accessTokenValue, data.session.access_token);

    // An explicit setAuth with another valid token (a second session of the same admin).
    const other = await newClient().auth.signInWithPassword({ email, password });
    assert.equal(other.error, null);
    await client.realtime.setAuth(other.data.session.access_token);
    await system.subscribed(3);

    const id = await insertBooking();
    await seen.until((bookingId) => bookingId === id, 'insert after refresh');
  });
});

describe('hosted protocol (issue 15)', () => {
  const NUMBERS = `lia_js_numbers_${randomUUID().slice(0, 6)}`;
  before(async () => {
    await db.query(
      `create function public.${NUMBERS}(up_to integer default 10)
       returns table (n integer, parity text) language sql stable
       as $$ select i, case when i % 2 = 0 then 'even' else 'odd' end from generate_series(1, up_to) i $$`);
  });
  after(async () => { await db.query(`drop function public.${NUMBERS}(integer)`); });

  test('admin users: list, change an email; a weak password is an AuthWeakPasswordError', async () => {
    const email = `js-${randomUUID().slice(0, 8)}@lia.test`;
    const created = await admin.auth.admin.createUser({ email, password: 'long-enough-1', email_confirm: true });
    assert.equal(created.error, null);
    const listed = await admin.auth.admin.listUsers({ page: 1, perPage: 1000 });
    assert.equal(listed.error, null);
    assert.ok(listed.data.users.some((user) => user.id === created.data.user.id));
    const changedTo = `js-changed-${randomUUID().slice(0, 8)}@lia.test`;
    const updated = await admin.auth.admin.updateUserById(created.data.user.id, { email: changedTo });
    assert.equal(updated.error, null);
    assert.equal(updated.data.user.email, changedTo);
    const weak = await admin.auth.admin.createUser({ email: `weak-${email}`, password: '123' });
    assert.ok(isAuthWeakPasswordError(weak.error), `not a weak password error: ${weak.error}`);
    assert.deepEqual(weak.error.reasons, ['length']);
  });

  test('rpc results take select, filters, order, limit, count, single, head and get', async () => {
    const client = newClient();
    const shaped = await client.rpc(NUMBERS, { up_to: 10 })
      .select('n').eq('parity', 'even').order('n', { ascending: false }).limit(2);
    assert.equal(shaped.error, null);
    assert.deepEqual(shaped.data, [{ n: 10 }, { n: 8 }]);
    const counted = await client.rpc(NUMBERS, { up_to: 10 }, { count: 'exact' }).lt('n', 4).range(0, 1);
    assert.equal(counted.error, null);
    assert.equal(counted.count, 3);
    assert.deepEqual(counted.data.map((row) => row.n), [1, 2]);
    const single = await client.rpc(NUMBERS, { up_to: 10 }).eq('n', 5).single();
    assert.deepEqual(single.data, { n: 5, parity: 'odd' });
    const none = await client.rpc(NUMBERS, { up_to: 10 }).gt('n', 10).single();
    assert.equal(none.error.code, 'PGRST116');
    const head = await client.rpc(NUMBERS, { up_to: 7 }, { head: true, count: 'exact' });
    assert.equal(head.error, null);
    assert.equal(head.count, 7);
    const got = await client.rpc(NUMBERS, { up_to: 4 }, { get: true }).select('n').eq('parity', 'odd');
    assert.deepEqual(got.data, [{ n: 1 }, { n: 3 }]);
  });

  test('httpSend and an unjoined send reach subscribers through the REST broadcast API', async () => {
    const topic = `rest-${randomUUID().slice(0, 6)}`;
    const heard = new Inbox();
    await subscribed(newClient().channel(topic).on('broadcast', { event: 'ping' }, heard.push));
    const sender = newClient().channel(topic);
    assert.deepEqual(await sender.httpSend('ping', { n: 1 }), { success: true });
    await heard.until((m) => m.payload?.n === 1, 'httpSend broadcast');
    assert.equal(await sender.send({ type: 'broadcast', event: 'ping', payload: { n: 2 } }), 'ok');
    await heard.until((m) => m.payload?.n === 2, 'REST fallback broadcast');
    const refused = newClient().channel('admin_feed', { config: { private: true } });
    await assert.rejects(refused.httpSend('ping', { n: 3 }), /permissions to write/);
  });
});
