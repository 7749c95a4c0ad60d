// audit.test.js — every write is in the audit log; reading it is scoped like everything else.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, login, ADMIN_PASSWORD } from '../lib/server.js';

let srv;
before(async () => {
  srv = await startServer({
    places: 'fixture',
    users: [
      { name: 'jingzhou', role: 'official', scope: '421003', password: 'official-pass-1' },
      { name: 'lichuan', role: 'official', scope: '422802', password: 'official-pass-2' },
      { name: 'xinmin', role: 'cadre', scope: '421003003006', password: 'cadre-pass-1' },
    ],
  });
});
after(async () => { await srv.stop(); });

test('imports, new users and sign-ins are recorded with who and what', async () => {
  await login(srv.base, 'xinmin', 'cadre-pass-1');
  const admin = await login(srv.base, 'admin', ADMIN_PASSWORD);
  const r = await api(srv.base, 'GET', '/api/v1/audit?limit=500', { token: admin });
  assert.equal(r.status, 200);
  const actions = r.body.items.map((e) => e.action);
  assert.ok(actions.includes('places.import'));
  assert.equal(actions.filter((a) => a === 'user.create').length, 4); // admin + three
  const signin = r.body.items.find((e) => e.action === 'auth.login' && e.actor === 'xinmin');
  assert.ok(signin);
  assert.equal(signin.place_code, '421003003006');
  assert.match(signin.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
  // Newest first, ids descending.
  const ids = r.body.items.map((e) => e.id);
  assert.deepEqual([...ids].sort((a, b) => b - a), ids);
  const only = await api(srv.base, 'GET', '/api/v1/audit?actor=xinmin', { token: admin });
  assert.ok(only.body.items.length >= 1 && only.body.items.every((e) => e.actor === 'xinmin'));
});

test('an official sees the entries of their subtree only', async () => {
  await login(srv.base, 'xinmin', 'cadre-pass-1');
  await login(srv.base, 'lichuan', 'official-pass-2');
  const token = await login(srv.base, 'jingzhou', 'official-pass-1');
  const r = await api(srv.base, 'GET', '/api/v1/audit?limit=500', { token });
  assert.equal(r.status, 200);
  assert.ok(r.body.items.length > 0);
  assert.ok(r.body.items.every((e) => e.place_code && e.place_code.startsWith('421003')), JSON.stringify(r.body.items));
  assert.ok(!r.body.items.some((e) => e.actor === 'lichuan'));
  // Asking for another county answers 404, not its entries.
  const other = await api(srv.base, 'GET', '/api/v1/audit?under=422802', { token });
  assert.equal(other.status, 404);
  // Paging by cursor.
  const p1 = await api(srv.base, 'GET', '/api/v1/audit?limit=1', { token });
  assert.equal(p1.body.items.length, 1);
  assert.ok(p1.body.next_cursor);
  const p2 = await api(srv.base, 'GET', `/api/v1/audit?limit=1&cursor=${p1.body.next_cursor}`, { token });
  assert.ok(p2.body.items[0].id < p1.body.items[0].id);
});
