// auth.test.js — sign-in, sessions (bearer and cookie + CSRF), expiry, logout, throttling.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, login, ADMIN_PASSWORD } from '../lib/server.js';

let srv;
before(async () => {
  srv = await startServer({
    places: 'fixture',
    users: [
      { name: 'cadre1', role: 'cadre', scope: '422802107213', password: 'cadre-pass-1' },
      { name: 'victim', role: 'cadre', scope: '421003003006', password: 'victim-pass-1' },
    ],
    env: { GONGZHI_SESSION_TTL: '2' },
  });
});
after(async () => { await srv.stop(); });

test('login returns a token, the user and secure cookies', async () => {
  const r = await api(srv.base, 'POST', '/api/v1/auth/login', { body: { username: 'cadre1', password: 'cadre-pass-1' } });
  assert.equal(r.status, 200);
  assert.match(r.body.token, /^[A-Za-z0-9_-]{43}$/);
  assert.deepEqual(
    { username: r.body.user.username, role: r.body.user.role, scope: r.body.user.scope, scope_name: r.body.user.scope_name },
    { username: 'cadre1', role: 'cadre', scope: '422802107213', scope_name: '高峰村民委员会' });
  const cookies = r.headers.getSetCookie();
  const session = cookies.find((c) => c.startsWith('gz_session='));
  assert.match(session, /HttpOnly/);
  assert.match(session, /SameSite=Strict/);
  assert.ok(cookies.find((c) => c.startsWith('gz_csrf=')));
  const me = await api(srv.base, 'GET', '/api/v1/auth/me', { token: r.body.token });
  assert.equal(me.status, 200);
  assert.equal(me.body.user.username, 'cadre1');
});

test('no token, a made-up token and an expired token are 401 with their codes', async () => {
  let r = await api(srv.base, 'GET', '/api/v1/places/42');
  assert.equal(r.status, 401);
  assert.equal(r.body.error.code, 'unauthorized');
  r = await api(srv.base, 'GET', '/api/v1/places/42', { token: 'x'.repeat(43) });
  assert.equal(r.status, 401);
  assert.equal(r.body.error.code, 'unauthorized');
  const token = await login(srv.base, 'cadre1', 'cadre-pass-1');
  assert.equal((await api(srv.base, 'GET', '/api/v1/places/42', { token })).status, 200);
  await new Promise((ok) => setTimeout(ok, 2500)); // the server was started with a 2 s session lifetime
  r = await api(srv.base, 'GET', '/api/v1/places/42', { token });
  assert.equal(r.status, 401);
  assert.equal(r.body.error.code, 'session_expired');
});

test('cookie sessions need the CSRF token for writes; logout ends the session', async () => {
  const l = await api(srv.base, 'POST', '/api/v1/auth/login', { body: { username: 'admin', password: ADMIN_PASSWORD } });
  const cookies = l.headers.getSetCookie().map((c) => c.split(';')[0]);
  const cookie = cookies.join('; ');
  const csrf = cookies.find((c) => c.startsWith('gz_csrf=')).slice('gz_csrf='.length);
  assert.equal((await api(srv.base, 'GET', '/api/v1/auth/me', { headers: { Cookie: cookie } })).status, 200);
  let r = await api(srv.base, 'POST', '/api/v1/auth/logout', { headers: { Cookie: cookie } });
  assert.equal(r.status, 403);
  assert.equal(r.body.error.code, 'csrf_failed');
  r = await api(srv.base, 'POST', '/api/v1/auth/logout', { headers: { Cookie: cookie, 'X-CSRF-Token': 'A'.repeat(43) } });
  assert.equal(r.status, 403);
  r = await api(srv.base, 'POST', '/api/v1/auth/logout', { headers: { Cookie: cookie, 'X-CSRF-Token': csrf } });
  assert.equal(r.status, 200);
  r = await api(srv.base, 'GET', '/api/v1/auth/me', { headers: { Cookie: cookie } });
  assert.equal(r.status, 401);
  // A bearer token needs no CSRF token, and logout ends it too.
  const token = await login(srv.base, 'admin', ADMIN_PASSWORD);
  assert.equal((await api(srv.base, 'POST', '/api/v1/auth/logout', { token })).status, 200);
  assert.equal((await api(srv.base, 'GET', '/api/v1/auth/me', { token })).status, 401);
  // Both logouts are in the audit log.
  const admin = await login(srv.base, 'admin', ADMIN_PASSWORD);
  const audit = await api(srv.base, 'GET', '/api/v1/audit?action=auth.logout', { token: admin });
  assert.equal(audit.status, 200);
  assert.equal(audit.body.items.length, 2);
  assert.ok(audit.body.items.every((e) => e.actor === 'admin'));
});

test('ten wrong passwords: 401 five times, then 429 with Retry-After; the server keeps serving', async () => {
  const statuses = [];
  for (let i = 0; i < 10; i++) {
    const r = await api(srv.base, 'POST', '/api/v1/auth/login', { body: { username: 'victim', password: 'wrong-' + i } });
    statuses.push(r.status);
    if (r.status === 401) assert.equal(r.body.error.code, 'bad_credentials');
    if (r.status === 429) {
      assert.equal(r.body.error.code, 'too_many_attempts');
      assert.ok(Number(r.headers.get('retry-after')) > 0);
    }
  }
  assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429, 429, 429, 429, 429]);
  // Even the right password waits out the lock.
  const locked = await api(srv.base, 'POST', '/api/v1/auth/login', { body: { username: 'victim', password: 'victim-pass-1' } });
  assert.equal(locked.status, 429);
  const h = await api(srv.base, 'GET', '/api/v1/health');
  assert.deepEqual(h.body, { status: 'ok', version: h.body.version });
  assert.ok(srv.alive());
});
