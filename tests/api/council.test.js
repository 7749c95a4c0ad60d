// council.test.js — deliberation over HTTP, held against docs/modules/council.md: the rules table
// citing its articles, the catalogue, a meeting from agenda to resolution with quorum computed
// from the registry (422 quorum_not_met with the numbers), a case on the agenda shown from the
// case, check-in by clerk and by QR, secret ballots (one each, results only once closed, 64
// concurrent clients for the same voters), roles (403) and scope (404).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, login } from '../lib/server.js';
import { statSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

// council: no trace in the write-ahead log (issue 5) — the -wal file's size (0 when it was
// truncated; absent counts as empty), and the columns of a secret ballot's two tables.
const walSize = () => { try { return statSync(join(srv.dataDir, 'gongzhi.db-wal')).size; } catch { return 0; } };
const columns = (table) => execFileSync('sqlite3', ['-readonly', join(srv.dataDir, 'gongzhi.db'), `SELECT name FROM pragma_table_info('${table}') ORDER BY cid`], { encoding: 'utf8' }).trim().split('\n');

const XINMIN = '421003003006';
const WENMIAO = '421003001003';
const PW = 'council-pass-1';

let srv;
const tok = {};
const ids = {};
const call = (who, method, path, body) => api(srv.base, method, '/api/v1' + path, { token: tok[who], body });

before(async () => {
  srv = await startServer({
    places: 'fixture',
    users: [
      { name: 'xinmin', role: 'cadre', scope: XINMIN, password: PW },
      { name: 'wenmiao', role: 'cadre', scope: WENMIAO, password: PW },
      { name: 'jiandu', role: 'supervisor', scope: XINMIN, password: PW },
      { name: 'fayan', role: 'spokesperson', scope: XINMIN, password: PW },
    ],
  });
  for (const u of ['xinmin', 'wenmiao', 'jiandu', 'fayan']) tok[u] = await login(srv.base, u, PW);
  ids.grid = (await call('xinmin', 'POST', '/grids', { village_code: XINMIN, name: '议事网格' })).body.code;
  // 10 households of one adult each, and a household of two adults and a child.
  ids.households = [];
  ids.adults = [];
  for (let i = 0; i < 10; i++) {
    const h = (await call('xinmin', 'POST', '/households', { place_code: ids.grid, address: `议事路${i + 1}号` })).body;
    const p = (await call('xinmin', 'POST', '/residents', { household_id: h.id, name: `居民${i + 1}`, gender: i % 2 ? 'male' : 'female', birth_date: `19${60 + i}-03-0${1 + (i % 9)}`, relation: '户主' })).body;
    assert.ok(p.id, JSON.stringify(p));
    ids.households.push(h.id);
    ids.adults.push(p.id);
  }
  const big = (await call('xinmin', 'POST', '/households', { place_code: ids.grid, address: '议事路99号' })).body;
  ids.big = big.id;
  ids.bigA = (await call('xinmin', 'POST', '/residents', { household_id: big.id, name: '张大', gender: 'male', birth_date: '1975-05-05', relation: '户主' })).body.id;
  ids.bigB = (await call('xinmin', 'POST', '/residents', { household_id: big.id, name: '李二', gender: 'female', birth_date: '1977-07-07', relation: '配偶' })).body.id;
  ids.child = (await call('xinmin', 'POST', '/residents', { household_id: big.id, name: '张小', gender: 'male', birth_date: '2019-01-01', relation: '子' })).body.id;
  srv.cli(['user', 'add', 'zhangda', '--role', 'resident', '--scope', XINMIN, '--household', String(big.id), '--password-stdin'], PW + '\n');
  tok.zhangda = await login(srv.base, 'zhangda', PW);
  ids.case = (await call('xinmin', 'POST', '/cases', { place_code: ids.grid, channel: 'hall', title: '小区停车难', content: '晚上车位不够' })).body.id;
});
after(async () => { await srv.stop(); });

async function openMeeting(type, place = XINMIN, who = 'xinmin') {
  const m = await call(who, 'POST', '/council/meetings', { place_code: place, type, title: `${type}测试`, venue: '居民议事堂', starts_at: '2026-12-01T09:00:00+08:00' });
  assert.equal(m.status, 201, m.text);
  assert.equal((await call(who, 'POST', `/council/meetings/${m.body.id}/items`, { title: '议题一' })).status, 201);
  assert.equal((await call(who, 'POST', `/council/meetings/${m.body.id}/actions`, { action: 'fix' })).status, 200);
  assert.equal((await call(who, 'POST', `/council/meetings/${m.body.id}/actions`, { action: 'open' })).status, 200);
  return m.body.id;
}

test('the rules are a table citing their articles', async () => {
  const r = await call('fayan', 'GET', '/council/rules');
  assert.equal(r.status, 200);
  const by = Object.fromEntries(r.body.items.map((x) => [x.type, x]));
  assert.equal(by.village_assembly.article, '第二十二条');
  assert.deepEqual(by.village_assembly.quorum, [
    { basis: 'adults', num: 1, den: 2, inclusive: false },
    { basis: 'households', num: 2, den: 3, inclusive: true },
  ]);
  assert.equal(by.village_reps.article, '第二十六条');
  assert.equal(by.group_meeting.article, '第二十八条');
  assert.equal(by.resident_assembly.law, '城市居民委员会组织法');
  assert.equal(by.resident_assembly.article, '第九条');
  for (const t of ['villager_council', 'yard', 'wuchang', 'courtyard', 'breakfast', 'hall', 'briefing', 'micro']) assert.ok(by[t], t);
  assert.deepEqual(by.hall.quorum, []);
});

test('the consultation catalogue: four categories, editable by an official', async () => {
  const r = await call('xinmin', 'GET', '/council/topics');
  const cats = [...new Set(r.body.items.map((t) => t.category))];
  assert.deepEqual(cats, ['制度建设类', '公共事务公益事业类', '村(居)务管理类', '其他类']);
  assert.ok(r.body.items.every((t) => t.source.length > 0));
  assert.equal((await call('xinmin', 'POST', '/council/topics', { category_id: 4, name: '小区停车' })).status, 403);
  const admin = await login(srv.base, 'admin', 'admin-pass-123');
  const add = await api(srv.base, 'POST', '/api/v1/council/topics', { token: admin, body: { category_id: 4, name: '小区停车管理' } });
  assert.equal(add.status, 201, add.text);
  const dup = await api(srv.base, 'POST', '/api/v1/council/topics', { token: admin, body: { category_id: 4, name: '小区停车管理' } });
  assert.equal(dup.status, 409);
  const ret = await api(srv.base, 'PATCH', `/api/v1/council/topics/${add.body.id}`, { token: admin, body: { retired: true } });
  assert.equal(ret.body.retired, true);
  const after = await call('xinmin', 'GET', '/council/topics');
  assert.ok(!after.body.items.some((t) => t.id === add.body.id));
  ids.topic = r.body.items.find((t) => t.category === '公共事务公益事业类').id;
});

test('a meeting from agenda to resolution: quorum from the registry, 422 with the numbers', async () => {
  const m = await call('xinmin', 'POST', '/council/meetings', { place_code: XINMIN, type: 'resident_assembly', title: '停车问题居民会议', venue: '社区会议室', starts_at: '2026-12-05T19:30:00+08:00' });
  assert.equal(m.status, 201, m.text);
  const id = m.body.id;
  assert.equal(m.body.rule.article, '第九条');
  assert.equal((await call('xinmin', 'POST', `/council/meetings/${id}/actions`, { action: 'fix' })).status, 409); // empty agenda
  const item = await call('xinmin', 'POST', `/council/meetings/${id}/items`, { topic_id: ids.topic, case_id: ids.case });
  assert.equal(item.status, 201, item.text);
  assert.equal(item.body.title, '小区停车难'); // the case's title
  assert.equal(item.body.case_id, ids.case);
  assert.equal((await call('wenmiao', 'POST', `/council/meetings/${id}/items`, { title: 'x' })).status, 404);
  assert.equal((await call('xinmin', 'POST', `/council/meetings/${id}/items`, { case_id: 999999 })).status, 404);
  // The case shows the meeting.
  const cm = await call('xinmin', 'GET', `/council/cases/${ids.case}/meetings`);
  assert.deepEqual(cm.body.items.map((x) => x.id), [id]);
  assert.equal((await call('xinmin', 'POST', `/council/meetings/${id}/attendance`, { resident_id: ids.adults[0] })).status, 409); // not open
  assert.equal((await call('xinmin', 'POST', `/council/meetings/${id}/actions`, { action: 'fix' })).status, 200);
  assert.equal((await call('xinmin', 'POST', `/council/meetings/${id}/items`, { title: '迟到议题' })).status, 409);
  assert.equal((await call('xinmin', 'POST', `/council/meetings/${id}/actions`, { action: 'open' })).status, 200);
  // Adults: 12 (10 + 2; the child is not), households 11. Check in 5 single households and both
  // adults of the big one: adults 7 of 12 (more than half), households 6 of 11.
  for (const rid of ids.adults.slice(0, 5)) assert.equal((await call('xinmin', 'POST', `/council/meetings/${id}/attendance`, { resident_id: rid })).status, 201);
  assert.equal((await call('xinmin', 'POST', `/council/meetings/${id}/attendance`, { resident_id: ids.child })).status, 422);
  assert.equal((await call('xinmin', 'POST', `/council/meetings/${id}/attendance`, { resident_id: ids.adults[0] })).status, 409);
  assert.equal((await call('fayan', 'POST', `/council/meetings/${id}/attendance`, { resident_id: ids.adults[5] })).status, 403);
  let full = (await call('xinmin', 'GET', `/council/meetings/${id}`)).body;
  assert.equal(full.quorum.adults, 12);
  assert.equal(full.quorum.households, 11);
  assert.equal(full.quorum.adults_present, 5);
  assert.equal(full.quorum.quorate, false);
  const vote = await call('xinmin', 'POST', `/council/meetings/${id}/votes`, { question: '同意划定夜间停车位', method: 'open', yes: 4, no: 1, abstain: 0, item_id: item.body.id });
  assert.equal(vote.status, 201, vote.text);
  assert.equal(vote.body.result.passed, true);
  assert.match(vote.body.result.rule, /城市居民委员会组织法》第九条/);
  const refused = await call('xinmin', 'POST', `/council/meetings/${id}/resolutions`, { vote_id: vote.body.id, text: '划定夜间停车位' });
  assert.equal(refused.status, 422);
  assert.equal(refused.body.error.code, 'quorum_not_met');
  assert.match(refused.body.error.message, /5 of 12/);
  assert.match(refused.body.error.message, /5 of 11/);
  for (const rid of [ids.bigA, ids.bigB]) assert.equal((await call('xinmin', 'POST', `/council/meetings/${id}/attendance`, { resident_id: rid })).status, 201);
  full = (await call('xinmin', 'GET', `/council/meetings/${id}`)).body;
  assert.equal(full.quorum.adults_present, 7);
  assert.equal(full.quorum.households_present, 6);
  assert.equal(full.quorum.quorate, true);
  const ok = await call('xinmin', 'POST', `/council/meetings/${id}/resolutions`, { vote_id: vote.body.id, text: '划定夜间停车位' });
  assert.equal(ok.status, 201, ok.text);
  assert.equal(ok.body.passed, true);
  assert.match(ok.body.quorum, /7\/12/);
  assert.equal((await call('xinmin', 'POST', `/council/meetings/${id}/actions`, { action: 'close' })).status, 409); // no minutes
  assert.equal((await call('xinmin', 'PATCH', `/council/meetings/${id}`, { minutes: '到会7人，表决通过。' })).status, 200);
  const closed = await call('xinmin', 'POST', `/council/meetings/${id}/actions`, { action: 'close' });
  assert.equal(closed.status, 200);
  assert.equal(closed.body.status, 'closed');
  assert.equal(closed.body.resolutions.length, 1);
  // Audit: every write of the meeting is in the log.
  const admin = await login(srv.base, 'admin', 'admin-pass-123');
  const log = await api(srv.base, 'GET', '/api/v1/audit?limit=200', { token: admin });
  assert.ok(log.body.items.filter((x) => x.subject === `meeting:${id}`).length >= 8);
  // Out of scope: 404; the list is scoped.
  assert.equal((await call('wenmiao', 'GET', `/council/meetings/${id}`)).status, 404);
  assert.ok(!(await call('wenmiao', 'GET', '/council/meetings')).body.items.some((x) => x.id === id));
  assert.ok((await call('xinmin', 'GET', '/council/meetings?from=2026-12-05&to=2026-12-05')).body.items.some((x) => x.id === id));
  assert.equal((await call('xinmin', 'GET', '/council/meetings?from=2026-13-01')).status, 422);
});

test('bad input: 400/422, never a write', async () => {
  const bad = [
    [{ place_code: XINMIN, type: 'party', title: 't', venue: 'v', starts_at: '2026-12-01T09:00:00+08:00' }, 422, 'type'],
    [{ place_code: XINMIN, type: 'hall', title: 't', venue: 'v', starts_at: 'tomorrow' }, 422, 'starts_at'],
    [{ place_code: XINMIN, type: 'hall', title: '', venue: 'v', starts_at: '2026-12-01T09:00:00Z' }, 422, 'title'],
    [{ place_code: XINMIN, type: 'group_meeting', title: 't', venue: 'v', starts_at: '2026-12-01T09:00:00Z' }, 422, 'place_code'],
    [{ place_code: WENMIAO, type: 'hall', title: 't', venue: 'v', starts_at: '2026-12-01T09:00:00Z' }, 404, 'place_code'],
    [{ place_code: XINMIN, type: 'hall', title: 't', venue: 'v', starts_at: '2026-12-01T09:00:00Z', extra: 1 }, 400, 'extra'],
  ];
  for (const [body, status, field] of bad) {
    const r = await call('xinmin', 'POST', '/council/meetings', body);
    assert.equal(r.status, status, r.text);
    assert.equal(r.body.error.field, field);
  }
  assert.equal((await call('jiandu', 'POST', '/council/meetings', { place_code: XINMIN, type: 'village_assembly', title: 't', venue: 'v', starts_at: '2026-12-01T09:00:00Z' })).status, 403);
});

test('a 村情发布会: the supervision committee fixes its agenda', async () => {
  const m = await call('xinmin', 'POST', '/council/meetings', { place_code: XINMIN, type: 'briefing', title: '村情发布会', venue: '广场', starts_at: '2026-12-10T09:00:00+08:00' });
  await call('xinmin', 'POST', `/council/meetings/${m.body.id}/items`, { title: '上半年财务收支' });
  assert.equal((await call('xinmin', 'POST', `/council/meetings/${m.body.id}/actions`, { action: 'fix' })).status, 403);
  const fixed = await call('jiandu', 'POST', `/council/meetings/${m.body.id}/actions`, { action: 'fix' });
  assert.equal(fixed.status, 200);
  assert.equal(fixed.body.fixed_by, 'jiandu');
});

test('a resident checks in by QR and casts one secret ballot; results only once closed', async () => {
  const id = await openMeeting('hall');
  const full = (await call('xinmin', 'GET', `/council/meetings/${id}`)).body;
  const token = new URL(full.checkin_url).searchParams.get('t');
  assert.ok(token && token.length >= 20);
  const qr = await api(srv.base, 'GET', `/api/v1/council/meetings/${id}/qr`, { token: tok.xinmin });
  assert.equal(qr.status, 200);
  assert.match(qr.headers.get('content-type'), /svg/);
  // The resident's view has no token and no attendee list.
  const mine = await call('zhangda', 'GET', `/council/meetings/${id}`);
  assert.equal(mine.status, 200);
  assert.equal(mine.body.checkin_url, undefined);
  assert.equal(mine.body.attendees, undefined);
  assert.deepEqual(mine.body.household.map((x) => x.resident_id).sort(), [ids.bigA, ids.bigB].sort()); // the child is not listed
  assert.equal((await call('zhangda', 'POST', `/council/meetings/${id}/attendance`, { resident_id: ids.bigA })).status, 403); // no token
  assert.equal((await call('zhangda', 'POST', `/council/meetings/${id}/attendance`, { resident_id: ids.adults[0], token })).status, 404); // not their household
  assert.equal((await call('zhangda', 'POST', `/council/meetings/${id}/attendance`, { resident_id: ids.bigA, token })).status, 201);
  const v = (await call('xinmin', 'POST', `/council/meetings/${id}/votes`, { question: '增设充电桩', method: 'secret' })).body;
  assert.equal(v.status, 'open');
  assert.equal(v.result, null);
  assert.equal((await call('zhangda', 'POST', `/council/votes/${v.id}/ballots`, { resident_id: ids.bigB, choice: 'yes' })).status, 403); // not checked in
  assert.equal((await call('zhangda', 'POST', `/council/votes/${v.id}/ballots`, { resident_id: ids.bigA, choice: 'yes' })).status, 201);
  assert.equal((await call('zhangda', 'POST', `/council/votes/${v.id}/ballots`, { resident_id: ids.bigA, choice: 'no' })).status, 409);
  assert.equal((await call('xinmin', 'POST', `/council/votes/${v.id}/ballots`, { resident_id: ids.bigA, choice: 'no' })).status, 403);
  assert.equal((await call('xinmin', 'GET', `/council/votes/${v.id}`)).body.result, null);
  const again = await call('zhangda', 'GET', `/council/meetings/${id}`);
  assert.deepEqual(again.body.household.find((x) => x.resident_id === ids.bigA).voted, [v.id]);
  const closed = await call('xinmin', 'POST', `/council/votes/${v.id}/close`);
  assert.equal(closed.status, 200);
  assert.deepEqual([closed.body.result.yes, closed.body.result.no, closed.body.result.cast, closed.body.result.present], [1, 0, 1, 1]);
  assert.equal(closed.body.result.passed, true);
  assert.match(closed.body.result.rule, /无记名投票/);
  // The audit row of the ballot names the account, never the choice.
  const admin = await login(srv.base, 'admin', 'admin-pass-123');
  const log = await api(srv.base, 'GET', '/api/v1/audit?limit=500', { token: admin });
  const row = log.body.items.find((x) => x.action === 'vote.ballot');
  assert.ok(row);
  assert.ok(!/yes|no\b|abstain/.test(JSON.stringify(row.detail || '')));
});

test('64 concurrent clients casting for the same voters produce exactly one ballot each', async () => {
  const id = await openMeeting('hall');
  const full = (await call('xinmin', 'GET', `/council/meetings/${id}`)).body;
  const token = new URL(full.checkin_url).searchParams.get('t');
  // Eight voters, each with their own resident account, checked in by QR.
  const voters = [];
  for (let i = 0; i < 8; i++) {
    const name = `voter${i}`;
    srv.cli(['user', 'add', name, '--role', 'resident', '--scope', XINMIN, '--household', String(ids.households[i]), '--password-stdin'], PW + '\n');
    const t = await login(srv.base, name, PW);
    assert.equal((await api(srv.base, 'POST', `/api/v1/council/meetings/${id}/attendance`, { token: t, body: { resident_id: ids.adults[i], token } })).status, 201);
    voters.push({ t, rid: ids.adults[i] });
  }
  const v = (await call('xinmin', 'POST', `/council/meetings/${id}/votes`, { question: '并发测试', method: 'secret' })).body;
  const choices = ['yes', 'no', 'abstain'];
  const res = await Promise.all(Array.from({ length: 64 }, (_, k) => {
    const who = voters[k % 8];
    return api(srv.base, 'POST', `/api/v1/council/votes/${v.id}/ballots`, { token: who.t, body: { resident_id: who.rid, choice: choices[k % 3] } });
  }));
  const statuses = res.map((r) => r.status);
  assert.equal(statuses.filter((s) => s === 201).length, 8, statuses.join(','));
  assert.equal(statuses.filter((s) => s === 409).length, 56, statuses.join(','));
  assert.ok(walSize() > 0, 'the ballots are in the WAL before the close');
  const closed = (await call('xinmin', 'POST', `/council/votes/${v.id}/close`)).body;
  // Closed: the WAL is emptied, so no page pairs a voter row with the ballot of the same commit;
  // and the tables themselves still share nothing but the vote.
  assert.equal(walSize(), 0);
  assert.deepEqual(columns('council_voted'), ['vote_id', 'resident_id']);
  assert.deepEqual(columns('council_ballots'), ['vote_id', 'ballot_key', 'choice']);
  assert.equal(closed.result.cast, 8);
  assert.equal(closed.result.yes + closed.result.no + closed.result.abstain, 8);
  assert.ok(srv.alive());
});

test('the members register makes a representatives meeting count members', async () => {
  for (const rid of ids.adults.slice(0, 3)) {
    const r = await call('xinmin', 'POST', '/council/members', { place_code: XINMIN, resident_id: rid, kind: 'representative' });
    assert.equal(r.status, 201, r.text);
  }
  assert.equal((await call('xinmin', 'POST', '/council/members', { place_code: XINMIN, resident_id: ids.adults[0], kind: 'representative' })).status, 409);
  const id = await openMeeting('resident_reps');
  assert.equal((await call('xinmin', 'POST', `/council/meetings/${id}/attendance`, { resident_id: ids.adults[5] })).status, 422);
  await call('xinmin', 'POST', `/council/meetings/${id}/attendance`, { resident_id: ids.adults[0] });
  let q = (await call('xinmin', 'GET', `/council/meetings/${id}`)).body.quorum;
  assert.deepEqual([q.members, q.members_present, q.quorate], [3, 1, false]);
  await call('xinmin', 'POST', `/council/meetings/${id}/attendance`, { resident_id: ids.adults[1] });
  q = (await call('xinmin', 'GET', `/council/meetings/${id}`)).body.quorum;
  assert.deepEqual([q.members_present, q.quorate], [2, true]); // 2 of 3: more than half
  const list = await call('fayan', 'GET', '/council/members');
  assert.equal(list.body.items.length, 3);
  const end = await call('xinmin', 'DELETE', `/council/members/${list.body.items[0].id}`);
  assert.equal(end.status, 200);
  assert.ok(end.body.until_at);
});

test('the demo: an upcoming 居民议事堂 at 罗滩社区 with the residents\' suggestions on its fixed agenda', async () => {
  const s = await startServer({ places: 'national' });
  try {
    s.cli(['demo']);
    const admin = await login(s.base, 'admin', 'admin-pass-123');
    const get = (p) => api(s.base, 'GET', '/api/v1' + p, { token: admin });
    const luotan = (await get('/council/meetings?under=421003005007')).body.items;
    assert.equal(luotan.length, 1);
    assert.deepEqual([luotan[0].type, luotan[0].status], ['hall', 'fixed']);
    assert.ok(Date.parse(luotan[0].starts_at) > Date.now());
    const full = (await get(`/council/meetings/${luotan[0].id}`)).body;
    assert.ok(full.items.length >= 1);
    for (const it of full.items) {
      const c = (await get(`/cases/${it.case_id}`)).body;
      assert.equal(c.place_code, '421003005007');
      assert.equal(c.channel, 'hall');
      assert.equal(it.title, c.title);
    }
    assert.equal(full.items[0].category, '公共事务公益事业类');
    const cm = (await get(`/council/cases/${full.items[0].case_id}/meetings`)).body.items;
    assert.deepEqual(cm.map((x) => x.id), [luotan[0].id]);
    const xinmin = (await get('/council/meetings?under=421003003006')).body.items;
    assert.deepEqual(xinmin.map((x) => [x.type, x.status]), [['resident_assembly', 'planned']]);
    assert.equal(full.attendees.length, 0); // nothing invented
    s.cli(['demo']); // again: nothing new
    assert.equal((await get('/council/meetings')).body.items.length, 2);
  } finally {
    await s.stop();
  }
});

test('an election: the voter list from the registry, 20 days, candidates, ballots, the count on election day', async () => {
  const day = (offsetDays) => new Date(Date.now() + 8 * 3600e3 + offsetDays * 86400e3).toISOString().slice(0, 10);
  const mk = await call('xinmin', 'POST', '/council/elections', { place_code: XINMIN, kind: 'committee', title: '社区居委会换届选举', seats: 1, election_day: day(19) });
  assert.equal(mk.status, 201, mk.text);
  // Residents with hukou here: the test's residents have none recorded, so the list from the
  // registry is empty until hukou is set; set it for four of them and the big household.
  for (const rid of [...ids.adults.slice(6, 10), ids.bigA, ids.bigB]) assert.equal((await call('xinmin', 'PATCH', `/residents/${rid}`, { hukou: 'local' })).status, 200);
  const reg = await call('xinmin', 'POST', `/council/elections/${mk.body.id}/electors`, { from_registry: true });
  assert.equal(reg.status, 201, reg.text);
  assert.equal(reg.body.added, 6);
  assert.equal((await call('xinmin', 'POST', `/council/elections/${mk.body.id}/electors`, { resident_id: ids.child, basis: 'hukou_away' })).status, 422);
  // 19 days before election day: too late to publish the list (Art. 14).
  const late = await call('xinmin', 'POST', `/council/elections/${mk.body.id}/actions`, { action: 'publish' });
  assert.equal(late.status, 409);
  assert.match(late.body.error.message, /20 days/);

  const el = await call('xinmin', 'POST', '/council/elections', { place_code: XINMIN, kind: 'committee', title: '换届选举', seats: 1, election_day: day(20) });
  const id = el.body.id;
  assert.equal((await call('xinmin', 'POST', `/council/elections/${id}/electors`, { from_registry: true })).body.added, 6);
  assert.equal((await call('xinmin', 'POST', `/council/elections/${id}/actions`, { action: 'publish' })).status, 200);
  const full = (await call('fayan', 'GET', `/council/elections/${id}`)).body;
  assert.equal(full.voters.length, 6);
  assert.ok(full.voters.every((v) => v.basis === 'hukou_resident'));
  const cands = [];
  for (const rid of [ids.adults[6], ids.adults[7], ids.bigA]) {
    const c = await call('xinmin', 'POST', `/council/elections/${id}/candidates`, { resident_id: rid });
    assert.equal(c.status, 201, c.text);
    cands.push(c.body.id);
  }
  assert.equal((await call('xinmin', 'POST', `/council/elections/${id}/candidates`, { resident_id: ids.adults[0] })).status, 422); // not a voter
  // Not before election day.
  assert.equal((await call('xinmin', 'POST', `/council/elections/${id}/actions`, { action: 'open' })).status, 409);
  // Twenty days later (the server's clock shifted), the same data.
  await srv.stop({ keep: true });
  const later = await startServer({ dataDir: srv.dataDir, env: { GONGZHI_CLOCK_OFFSET: String(20 * 86400) } });
  srv = later;
  for (const u of ['xinmin', 'fayan', 'zhangda']) tok[u] = await login(srv.base, u, PW);
  const open = await call('xinmin', 'POST', `/council/elections/${id}/actions`, { action: 'open' });
  assert.equal(open.status, 200, open.text);
  assert.equal(open.body.registered, 6);
  // The big household's two voters vote from its account; nobody else does: 2 of 6 is not
  // more than half, so the election is void.
  const mine = (await call('zhangda', 'GET', `/council/elections/${id}`)).body;
  assert.deepEqual(mine.household.map((v) => v.resident_id).sort(), [ids.bigA, ids.bigB].sort());
  assert.equal(mine.voters, undefined);
  assert.ok(mine.candidates.every((c) => c.votes === 0));
  assert.equal((await call('zhangda', 'POST', `/council/elections/${id}/ballots`, { resident_id: ids.bigA, choices: [cands[0], cands[1]] })).status, 422); // one seat
  assert.equal((await call('zhangda', 'POST', `/council/elections/${id}/ballots`, { resident_id: ids.bigA, choices: [cands[2]] })).status, 201);
  assert.equal((await call('zhangda', 'POST', `/council/elections/${id}/ballots`, { resident_id: ids.bigA, choices: [cands[0]] })).status, 409);
  assert.equal((await call('zhangda', 'POST', `/council/elections/${id}/ballots`, { resident_id: ids.bigB, choices: [cands[2]] })).status, 201);
  assert.equal((await call('zhangda', 'POST', `/council/elections/${id}/ballots`, { resident_id: ids.adults[6], choices: [] })).status, 403);
  assert.equal((await call('xinmin', 'POST', `/council/elections/${id}/ballots`, { resident_id: ids.bigA, choices: [] })).status, 403);
  // Paper ballots (issue 5): the clerk checks a voter off; one who voted online cannot be; the
  // station's tellers enter their count once (a correction needs a reason), consistent with the
  // voters checked off. One paper ballot issued and none returned leaves participation at 2.
  const paperVoter = full.voters.map((v) => v.resident_id).find((r) => r !== ids.bigA && r !== ids.bigB);
  assert.equal((await call('xinmin', 'POST', `/council/elections/${id}/paper-voters`, { resident_id: ids.bigA })).status, 409);
  assert.equal((await call('fayan', 'POST', `/council/elections/${id}/paper-voters`, { resident_id: paperVoter })).status, 403);
  const checked = await call('xinmin', 'POST', `/council/elections/${id}/paper-voters`, { resident_id: paperVoter });
  assert.equal(checked.status, 201, checked.text);
  assert.deepEqual(checked.body, { election_id: id, resident_id: paperVoter, voted: true });
  assert.equal((await call('xinmin', 'POST', `/council/elections/${id}/paper-voters`, { resident_id: paperVoter })).status, 409);
  const station = { station: '社区第一投票站', issued: 2, returned: 0, invalid: 0, votes: [] };
  const over = await call('xinmin', 'POST', `/council/elections/${id}/paper-counts`, station);
  assert.equal(over.status, 422);
  assert.equal(over.body.error.field, 'issued');
  const entered = await call('xinmin', 'POST', `/council/elections/${id}/paper-counts`, { ...station, issued: 1, votes: [{ candidate_id: cands[0], votes: 1 }] });
  assert.equal(entered.status, 422); // a vote without a valid ballot
  const first = await call('xinmin', 'POST', `/council/elections/${id}/paper-counts`, { ...station, issued: 1 });
  assert.equal(first.status, 201, first.text);
  assert.equal((await call('xinmin', 'POST', `/council/elections/${id}/paper-counts`, { ...station, issued: 1 })).status, 409);
  const fixed = await call('xinmin', 'POST', `/council/elections/${id}/paper-counts`, { ...station, issued: 1, reason: '复核计票' });
  assert.equal(fixed.status, 200, fixed.text);
  assert.deepEqual(fixed.body.stations.map((x) => [x.station, x.issued, x.returned, x.corrections, x.reason]), [['社区第一投票站', 1, 0, 1, '复核计票']]);
  // The household's view says who of it voted, never how.
  const after = (await call('zhangda', 'GET', `/council/elections/${id}`)).body;
  assert.equal(after.stations, undefined);
  assert.ok(walSize() > 0, 'the round\'s writes are in the WAL before the count');
  const counted = await call('xinmin', 'POST', `/council/elections/${id}/actions`, { action: 'count' });
  assert.equal(walSize(), 0); // the round closed: nothing of its ballots left beside its voters
  assert.deepEqual(columns('council_election_voted'), ['election_id', 'round', 'resident_id']);
  assert.deepEqual(columns('council_election_ballots'), ['election_id', 'round', 'ballot_key', 'choices']);
  assert.equal(counted.status, 200);
  assert.equal(counted.body.valid, false);
  assert.equal(counted.body.cast, 2);
  assert.equal((await call('xinmin', 'POST', `/council/elections/${id}/paper-counts`, { ...station, issued: 1, reason: '计票后' })).status, 409);
  assert.match(counted.body.rule, /登记选民6人，参加投票2人，未过半数，选举无效/);
  assert.ok(counted.body.candidates.every((c) => !c.elected));
  // Art. 15: announced — on the public board too, read without an account: the rule and the votes.
  const board = await api(srv.base, 'GET', `/api/v1/public/board/${counted.body.place_code}`);
  assert.equal(board.status, 200, board.text);
  const notice = board.body.items.find((x) => x.title === `选举结果公告：${counted.body.title}`);
  assert.ok(notice, JSON.stringify(board.body.items.map((x) => x.title)));
  assert.match(notice.body, /登记选民6人，参加投票2人，未过半数，选举无效/);
  assert.match(notice.body, /当选：无/);
  for (const c of counted.body.candidates) assert.ok(notice.body.includes(`${c.name}（${c.votes}票）`), c.name);
  assert.equal((await call('xinmin', 'POST', `/council/elections/${id}/actions`, { action: 'runoff' })).status, 409);
  assert.ok((await call('fayan', 'GET', '/council/elections')).body.items.some((x) => x.id === id));
});

test('a selection of projects by reviewers\' scores: the highest means chosen, a tie at the cut refused', async () => {
  srv.cli(['user', 'add', 'jingzhou', '--role', 'official', '--scope', '421003', '--password-stdin'], PW + '\n');
  srv.cli(['user', 'add', 'pingshen', '--role', 'official', '--scope', '421003', '--password-stdin'], PW + '\n');
  tok.jingzhou = await login(srv.base, 'jingzhou', PW);
  tok.pingshen = await login(srv.base, 'pingshen', PW);
  assert.equal((await call('xinmin', 'POST', '/council/selections', { place_code: '421003', title: 'x', picks: 1 })).status, 403);
  const sel = await call('jingzhou', 'POST', '/council/selections', { place_code: '421003', title: '2023年城乡社区治理创新项目', picks: 2 });
  assert.equal(sel.status, 201, sel.text);
  const apps = [];
  for (const [code, title] of [[WENMIAO, '早餐会'], [XINMIN, '社区发言人'], ['421003005007', '居民议事堂']]) {
    const a = await call('jingzhou', 'POST', `/council/selections/${sel.body.id}/applications`, { place_code: code, title });
    assert.equal(a.status, 201, a.text);
    apps.push(a.body.id);
  }
  assert.equal((await call('jingzhou', 'POST', `/council/selections/${sel.body.id}/applications`, { place_code: '422802107213', title: '外区' })).status, 404);
  const score = (who, app, s) => call(who, 'PUT', `/council/selections/${sel.body.id}/applications/${app}/score`, { score: s });
  // Means 92, 80, 80: the second place is tied.
  for (const [i, a, b] of [[0, 90, 94], [1, 70, 90], [2, 80, 80]]) {
    assert.equal((await score('jingzhou', apps[i], a)).status, 200);
    assert.equal((await score('pingshen', apps[i], b)).status, 200);
  }
  assert.equal((await score('jingzhou', apps[0], 101)).status, 422);
  const mine = (await call('pingshen', 'GET', `/council/selections/${sel.body.id}`)).body.items;
  assert.deepEqual(mine.map((x) => x.my_score), [94, 90, 80]);
  assert.deepEqual(mine.map((x) => x.mean_tenths), [920, 800, 800]);
  const tie = await call('jingzhou', 'POST', `/council/selections/${sel.body.id}/close`);
  assert.equal(tie.status, 409);
  assert.match(tie.body.error.message, /tie at place 2/);
  assert.equal((await score('pingshen', apps[1], 91)).status, 200); // 80.5
  const closed = await call('jingzhou', 'POST', `/council/selections/${sel.body.id}/close`);
  assert.equal(closed.status, 200, closed.text);
  assert.deepEqual(closed.body.items.map((x) => [x.id, x.rank, x.chosen]), [[apps[0], 1, true], [apps[1], 2, true], [apps[2], 3, false]]);
  assert.equal(closed.body.items[1].mean_tenths, 805);
  assert.equal((await score('jingzhou', apps[2], 100)).status, 409);
});
