// council-recall.test.js — recall of a villagers' committee member (Art. 16), held against
// docs/modules/council.md ("Recall"): the petition by at least 1/5 of the registered voters or
// at least 1/3 of the representatives, at each boundary; the count valid only with more than half
// of the registered voting and passed with more than half of those voting, at each boundary; a
// passed recall ends the member's place in the register; roles (403), scope (404), a community
// (422), no voter list (409), once (409).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, login } from '../lib/server.js';

const GAOFENG = '422802107213'; // a village
const QINGSHAN = '422802107215';
const XINMIN = '421003003006'; // a community
const PW = 'council-recall-1';

let srv;
const tok = {};
const ids = {};
const call = (who, method, path, body) => api(srv.base, method, '/api/v1' + path, { token: tok[who], body });
const day = (offsetDays) => new Date(Date.now() + 8 * 3600e3 + offsetDays * 86400e3).toISOString().slice(0, 10);

before(async () => {
  srv = await startServer({
    places: 'fixture',
    users: [
      { name: 'gaofeng', role: 'cadre', scope: GAOFENG, password: PW },
      { name: 'qingshan', role: 'cadre', scope: QINGSHAN, password: PW },
      { name: 'xinmin', role: 'cadre', scope: XINMIN, password: PW },
      { name: 'jiandu', role: 'supervisor', scope: GAOFENG, password: PW },
    ],
  });
  for (const u of ['gaofeng', 'qingshan', 'xinmin', 'jiandu']) tok[u] = await login(srv.base, u, PW);
  const g = await call('gaofeng', 'POST', '/grids', { village_code: GAOFENG, name: '罢免组' });
  assert.equal(g.status, 201, g.text);
  const grid = g.body.code;
  // 10 registered voters (hukou here, 18+).
  ids.people = [];
  for (let i = 0; i < 10; i++) {
    const h = (await call('gaofeng', 'POST', '/households', { place_code: grid, address: `罢免巷${i + 1}号` })).body;
    const p = await call('gaofeng', 'POST', '/residents', { household_id: h.id, name: `村民${i + 1}`, gender: 'male', birth_date: `196${i}-01-01`, relation: '户主', hukou: 'local' });
    assert.equal(p.status, 201, p.text);
    ids.people.push(p.body.id);
  }
  // The member to recall (a committee member) and three representatives.
  ids.member = (await call('gaofeng', 'POST', '/council/members', { place_code: GAOFENG, resident_id: ids.people[0], kind: 'committee' })).body.id;
  for (const rid of ids.people.slice(1, 4)) assert.equal((await call('gaofeng', 'POST', '/council/members', { place_code: GAOFENG, resident_id: rid, kind: 'representative' })).status, 201);
});
after(async () => { await srv.stop(); });

const petition = (body) => call('gaofeng', 'POST', '/council/recalls', { member_id: ids.member, reason: '长期不履行职责', basis: 'voters', signers: 2, ...body });

test('without a published voter list there is nothing to count on: 409', async () => {
  const r = await petition({});
  assert.equal(r.status, 409, r.text);
  const el = await call('gaofeng', 'POST', '/council/elections', { place_code: GAOFENG, kind: 'committee', title: '换届', seats: 1, election_day: day(25) });
  assert.equal((await call('gaofeng', 'POST', `/council/elections/${el.body.id}/electors`, { from_registry: true })).body.added, 10);
  assert.equal((await call('gaofeng', 'POST', `/council/elections/${el.body.id}/actions`, { action: 'publish' })).status, 200);
});

test('the petition: at least one fifth of the voters, or one third of the representatives', async () => {
  // 1 of 10 voters is below one fifth; 2 of 10 is exactly one fifth (以上 includes it).
  let r = await petition({ signers: 1 });
  assert.deepEqual([r.status, r.body.error.field], [422, 'signers']);
  assert.match(r.body.error.message, /1\/5 of the 10 voters: 1 signed/);
  assert.equal((await petition({ signers: 11 })).status, 422); // more than there are
  // 1 of 3 representatives is exactly one third.
  r = await petition({ basis: 'representatives', signers: 1 });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual([r.body.basis, r.body.signers, r.body.base, r.body.registered, r.body.status, r.body.result], ['representatives', 1, 3, 10, 'petitioned', null]);
  ids.first = r.body.id;
  // One recall of a member at a time.
  assert.equal((await petition({ signers: 2 })).status, 409);
  // Roles, scope, a member who is not a committee member, a community.
  assert.equal((await call('jiandu', 'POST', '/council/recalls', { member_id: ids.member, reason: 'r', basis: 'voters', signers: 2 })).status, 403);
  assert.equal((await call('qingshan', 'POST', '/council/recalls', { member_id: ids.member, reason: 'r', basis: 'voters', signers: 2 })).status, 404);
  assert.equal((await call('qingshan', 'GET', `/council/recalls/${ids.first}`)).status, 404);
  assert.ok(!(await call('qingshan', 'GET', '/council/recalls')).body.items.some((x) => x.id === ids.first));
  const rep = (await call('gaofeng', 'GET', `/council/members?under=${GAOFENG}`)).body.items.find((m) => m.kind === 'representative');
  assert.equal((await petition({ member_id: rep.id })).status, 404);
  assert.equal((await petition({ basis: 'everyone' })).status, 422);
  assert.equal((await petition({ reason: '' })).status, 422);
  const xg = (await call('xinmin', 'POST', '/grids', { village_code: XINMIN, name: '社区组' })).body.code;
  const xh = (await call('xinmin', 'POST', '/households', { place_code: xg, address: '社区1号' })).body;
  const xp = (await call('xinmin', 'POST', '/residents', { household_id: xh.id, name: '社区委员', gender: 'female', birth_date: '1970-01-01', relation: '户主' })).body;
  const xm = (await call('xinmin', 'POST', '/council/members', { place_code: XINMIN, resident_id: xp.id, kind: 'committee' })).body;
  const c = await call('xinmin', 'POST', '/council/recalls', { member_id: xm.id, reason: 'r', basis: 'voters', signers: 1 });
  assert.deepEqual([c.status, c.body.error.field], [422, 'member_id']);
});

test('the count: more than half of the registered vote, more than half of them approve', async () => {
  const id = ids.first;
  const count = (cast, approve) => call('gaofeng', 'POST', `/council/recalls/${id}/count`, { cast, approve });
  assert.equal((await count(11, 0)).status, 422); // more votes than registered voters
  assert.equal((await count(6, 7)).status, 422);  // more approvals than votes
  assert.equal((await call('jiandu', 'POST', `/council/recalls/${id}/count`, { cast: 6, approve: 4 })).status, 403);
  // 5 of 10 voted: exactly half is not more than half — the recall is void, the member stays.
  let r = await count(5, 5);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.body.status, r.body.result.valid, r.body.result.passed], ['counted', false, false]);
  assert.match(r.body.result.rule, /第十六条.*投票5人.*罢免无效/);
  assert.equal((await count(6, 4)).status, 409); // counted once
  let members = (await call('gaofeng', 'GET', `/council/members?under=${GAOFENG}`)).body.items;
  assert.ok(members.some((m) => m.id === ids.member));

  // A second petition, by 2 of 10 voters; 6 vote, 3 approve: exactly half of those voting — not passed.
  r = await petition({ signers: 2 });
  assert.equal(r.status, 201, r.text);
  let c = await call('gaofeng', 'POST', `/council/recalls/${r.body.id}/count`, { cast: 6, approve: 3 });
  assert.deepEqual([c.body.result.valid, c.body.result.passed], [true, false]);
  // A third: 6 vote, 4 approve — one more than half: recalled, and the member leaves the register.
  r = await petition({ signers: 2 });
  c = await call('gaofeng', 'POST', `/council/recalls/${r.body.id}/count`, { cast: 6, approve: 4 });
  assert.deepEqual([c.status, c.body.result.valid, c.body.result.passed], [200, true, true]);
  assert.match(c.body.result.rule, /罢免通过/);
  members = (await call('gaofeng', 'GET', `/council/members?under=${GAOFENG}`)).body.items;
  assert.ok(!members.some((m) => m.id === ids.member));
  assert.equal((await petition({ signers: 2 })).status, 404); // no longer a member
  // Audited.
  const admin = await login(srv.base, 'admin', 'admin-pass-123');
  const log = await api(srv.base, 'GET', '/api/v1/audit?limit=200', { token: admin });
  assert.ok(log.body.items.filter((x) => x.subject === `recall:${r.body.id}`).length >= 2);
});
