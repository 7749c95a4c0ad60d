// board.test.js — the public board (公开栏) over HTTP, held against docs/modules/board.md:
// publication and correction with their roles (403), scope (404) and audit rows; the hash chain
// against rows changed and deleted with the sqlite3 shell behind the server's back, reported by
// `gongzhi verify` (non-zero exit naming place and entry) and by the chain route; the public
// reading routes without an account and their rate limit; Art. 30's schedule; 四议两公开 from
// proposal to published result with its 409s and 422; and the demo at 姚家铺村.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { startServer, api, login, ADMIN_PASSWORD } from '../lib/server.js';

const GAOFENG = '422802107213'; // 高峰村 (a village)
const QINGSHAN = '422802107215'; // 青山村, the same township
const TOWNSHIP = '422802107';
const XINMIN = '421003003006'; // 新民社区 (a community)
const PW = 'board-pass-1';
const USERS = [
  ['gaofeng', 'cadre', GAOFENG], ['qingshan', 'cadre', QINGSHAN], ['jianwei', 'supervisor', GAOFENG],
  ['wendou', 'official', TOWNSHIP], ['wangge', 'grid_worker', GAOFENG], ['xinmin', 'cadre', XINMIN],
];

let srv;
const tok = {};
const call = (who, method, path, body) => api(srv.base, method, '/api/v1' + path, { token: tok[who], body });
const sqlite = (sql) => execFileSync('sqlite3', [join(srv.dataDir, 'gongzhi.db'), sql], { encoding: 'utf8' });
const today = () => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' }).format(new Date());

// `gongzhi verify`: { code, out, err } whatever the exit status.
function verify(args = []) {
  try {
    const out = srv.cli(['verify', ...args]);
    return { code: 0, out, err: '' };
  } catch (e) {
    return { code: e.status, out: e.stdout, err: e.stderr };
  }
}

before(async () => {
  srv = await startServer({
    places: 'fixture',
    users: USERS.map(([name, role, scope]) => ({ name, role, scope, password: PW })),
    env: { GONGZHI_BOARD_LIMIT: '100000' },
  });
  tok.admin = await login(srv.base, 'admin', ADMIN_PASSWORD);
  for (const [name] of USERS) tok[name] = await login(srv.base, name, PW);
});
after(async () => { await srv.stop(); });

const publish = (who, body) => call(who, 'POST', '/board/entries', { place_code: GAOFENG, category: 'village', title: '村务公开', body: '内容', ...body });

test('publishing: each entry with time, publisher and its place in the chain; roles and scope', async () => {
  const a = await publish('gaofeng', { title: '二季度村务公开', body: '一、村道硬化\n二、低保评定', period: '2025-Q2' });
  assert.equal(a.status, 201, a.text);
  assert.equal(a.body.place_code, GAOFENG);
  assert.equal(a.body.publisher, 'gaofeng');
  assert.equal(a.body.publisher_role, 'cadre');
  assert.match(a.body.published_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
  assert.match(a.body.hash, /^[0-9a-f]{64}$/);
  const b = await publish('gaofeng', { category: 'finance', title: '五月财务公开', period: '2025-05' });
  assert.equal(b.status, 201);
  assert.equal(b.body.seq, a.body.seq + 1);
  assert.equal(b.body.prev_hash, a.body.hash);
  // Roles: a grid worker does not publish; the supervision committee publishes its own reports only.
  assert.equal((await publish('wangge', {})).status, 403);
  const sv = await publish('jianwei', { category: 'village' });
  assert.equal(sv.status, 403);
  assert.equal(sv.body.error.field, 'category');
  assert.equal((await publish('jianwei', { category: 'supervision', title: '监督报告' })).status, 201);
  assert.equal((await publish('gaofeng', { category: 'supervision' })).status, 403);
  // Scope: another village's cadre neither publishes here nor reads the entry.
  assert.equal((await publish('qingshan', {})).status, 404);
  assert.equal((await call('qingshan', 'GET', `/board/entries/${a.body.id}`)).status, 404);
  assert.equal((await call('qingshan', 'GET', `/board/entries?under=${GAOFENG}`)).status, 404);
  // The township official publishes policy in its subtree.
  assert.equal((await publish('wendou', { category: 'policy', title: '政策宣传' })).status, 201);
  // Bad input: the documented errors, nothing written.
  assert.equal((await publish('gaofeng', { category: 'procedure' })).status, 422);
  assert.equal((await publish('gaofeng', { period: '2025-13' })).body.error.field, 'period');
  assert.equal((await publish('gaofeng', { title: '' })).status, 422);
  assert.equal((await publish('admin', { place_code: TOWNSHIP })).status, 422);
  assert.equal((await publish('gaofeng', { place_code: TOWNSHIP })).status, 404); // above its scope
  assert.equal((await publish('gaofeng', { extra: 1 })).status, 400);
  assert.equal((await publish('gaofeng', { body: '字'.repeat(10001) })).status, 422);
  assert.equal((await publish('gaofeng', { case_id: 999999 })).status, 404);
  // Lists: newest first, scoped, by category, paged.
  const list = await call('gaofeng', 'GET', '/board/entries?limit=2');
  assert.equal(list.status, 200);
  assert.equal(list.body.items.length, 2);
  assert.ok(list.body.next_cursor);
  const rest = await call('gaofeng', 'GET', `/board/entries?cursor=${list.body.next_cursor}&limit=500`);
  const all = [...list.body.items, ...rest.body.items];
  assert.deepEqual(all.map((e) => e.id), [...all.map((e) => e.id)].sort((x, y) => y - x));
  assert.ok(all.every((e) => e.place_code === GAOFENG));
  const fin = await call('gaofeng', 'GET', '/board/entries?category=finance');
  assert.deepEqual(fin.body.items.map((e) => e.id), [b.body.id]);
  // Every publication is in the audit log with its sequence number and hash.
  const audit = await call('admin', 'GET', '/audit?action=board.publish&limit=500');
  const row = audit.body.items.find((x) => x.subject === `board_entry:${a.body.id}`);
  assert.ok(row, 'audit row of the publication');
  assert.equal(row.place_code, GAOFENG);
  assert.match(JSON.stringify(row.detail), new RegExp(a.body.hash));
});

test('a grid worker, scoped to a grid, reads its village\'s board and publishes nothing', async () => {
  // Found by the scope matrix: a grid's scope lies below the village the board belongs to, so a
  // grid worker saw an empty board and 404s on the board it is listed as reading.
  const grid = await call('gaofeng', 'POST', '/grids', { village_code: GAOFENG, name: '公开栏网格' });
  assert.equal(grid.status, 201, grid.text);
  srv.cli(['user', 'add', 'wangge-grid', '--role', 'grid_worker', '--scope', grid.body.code, '--password-stdin'], PW + '\n');
  const t = await login(srv.base, 'wangge-grid', PW);
  const as = (method, path, body) => api(srv.base, method, '/api/v1' + path, { token: t, body });
  const mine = await publish('gaofeng', { title: '网格员可见的公开' });
  assert.equal(mine.status, 201);
  const list = await as('GET', `/board/entries?under=${GAOFENG}`);
  assert.equal(list.status, 200, list.text);
  assert.ok(list.body.items.some((e) => e.id === mine.body.id));
  assert.equal((await as('GET', `/board/entries/${mine.body.id}`)).status, 200);
  assert.ok((await as('GET', `/board/chain?under=${GAOFENG}`)).body.entries >= 1);
  for (const p of [`/board-settings/${GAOFENG}`, `/board-rules/${GAOFENG}`, `/board/poster/${GAOFENG}?format=svg`, `/board/schedule?under=${GAOFENG}`, `/board/procedures?under=${GAOFENG}`]) {
    assert.equal((await as('GET', p)).status, 200, p);
  }
  // Nowhere else: the next village's board stays outside, and publishing stays the committees'.
  assert.equal((await as('GET', `/board/entries?under=${QINGSHAN}`)).status, 404);
  assert.equal((await as('GET', `/board-settings/${QINGSHAN}`)).status, 404);
  assert.equal((await as('POST', '/board/entries', { place_code: GAOFENG, category: 'village', title: 't', body: 'b' })).status, 403);
});

test('the QR poster of a board: what residents scan at the physical 公开栏', async () => {
  const get = (who, path) => fetch(`${srv.base}/api/v1${path}`, { headers: { Authorization: `Bearer ${tok[who]}` } });
  const svg = await get('gaofeng', `/board/poster/${GAOFENG}`);
  assert.equal(svg.status, 200);
  assert.match(svg.headers.get('content-type'), /^image\/svg\+xml/);
  const text = await svg.text();
  assert.match(text, /扫码查看村务公开栏/);
  assert.match(text, /文斗镇 高峰村民委员会/);
  assert.match(await (await get('xinmin', `/board/poster/${XINMIN}`)).text(), /扫码查看居务公开栏/);
  const png = async (who, code) => Buffer.from(await (await get(who, `/board/poster/${code}?format=png`)).arrayBuffer());
  const a = await png('wendou', GAOFENG), b = await png('wendou', QINGSHAN);
  assert.deepEqual(a.subarray(0, 8), Buffer.from('89504e470d0a1a0a', 'hex'));
  assert.notDeepEqual(a, b); // each board its own code
  assert.equal((await get('qingshan', `/board/poster/${GAOFENG}`)).status, 404);
  assert.equal((await get('wendou', `/board/poster/${TOWNSHIP}`)).status, 404);
  assert.equal((await get('gaofeng', `/board/poster/${GAOFENG}?format=gif`)).status, 422);
});

test('publications at once at one place form one unbroken chain', async () => {
  const ANSHAN = '422802107216'; // 安山村: only this test publishes there
  const chainOf = async () => (await call('wendou', 'GET', `/board/chain?under=${ANSHAN}`)).body;
  const before = await chainOf();
  const replies = await Promise.all(Array.from({ length: 24 }, (_, i) =>
    call('wendou', 'POST', '/board/entries', { place_code: ANSHAN, category: 'policy', title: `同时发布 ${i}`, body: '内容' })));
  assert.deepEqual(replies.map((r) => r.status), Array(24).fill(201));
  const seqs = replies.map((r) => r.body.seq).sort((x, y) => x - y);
  assert.deepEqual(seqs, Array.from({ length: 24 }, (_, i) => before.head.seq + 1 + i));
  const bySeq = new Map(replies.map((r) => [r.body.seq, r.body]));
  for (let q = seqs[0] + 1; q <= seqs.at(-1); q++) assert.equal(bySeq.get(q).prev_hash, bySeq.get(q - 1).hash);
  const after = await chainOf();
  assert.deepEqual([after.intact, after.entries, after.head.seq], [true, before.entries + 24, seqs.at(-1)]);
});

test('a correction is a new entry pointing to the old one, which shows it was corrected', async () => {
  const old = await publish('gaofeng', { category: 'finance', title: '六月财务公开', body: '支出 1200 元' });
  const c = await call('gaofeng', 'POST', `/board/entries/${old.body.id}/corrections`, { title: '六月财务公开', body: '支出 1500 元', reason: '金额录入错误' });
  assert.equal(c.status, 201, c.text);
  assert.equal(c.body.corrects, old.body.id);
  assert.equal(c.body.category, 'finance');
  assert.equal(c.body.reason, '金额录入错误');
  const o = await call('gaofeng', 'GET', `/board/entries/${old.body.id}`);
  assert.equal(o.body.corrected_by, c.body.id);
  assert.equal(o.body.body, '支出 1200 元'); // the old text stays as it was published
  const again = await call('gaofeng', 'POST', `/board/entries/${old.body.id}/corrections`, { title: 't', body: 'b', reason: 'r' });
  assert.equal(again.status, 409);
  assert.equal((await call('gaofeng', 'POST', `/board/entries/${c.body.id}/corrections`, { title: 't', body: 'b' })).status, 400);
  assert.equal((await call('qingshan', 'POST', `/board/entries/${c.body.id}/corrections`, { title: 't', body: 'b', reason: 'r' })).status, 404);
  const audit = await call('admin', 'GET', '/audit?action=board.correct');
  assert.ok(audit.body.items.some((x) => x.subject === `board_entry:${c.body.id}`));
});

test('the public board without signing in: entries, corrections and the chain\'s head', async () => {
  const r = await api(srv.base, 'GET', `/api/v1/public/board/${GAOFENG}`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.place.code, GAOFENG);
  assert.equal(r.body.place.name, '高峰村民委员会');
  assert.ok(r.body.items.length >= 5);
  assert.ok(r.body.items.every((e) => !('publisher' in e) && e.publisher_name));
  // An account without a display name is named by the body it speaks for, never by the account
  // name (found by the scope matrix: publisher_name fell back to the username).
  assert.ok(!r.text.includes('"gaofeng"') && !r.text.includes('"jianwei"'), r.text.slice(0, 300));
  assert.ok(r.body.items.some((e) => e.publisher_role === 'cadre' && e.publisher_name === '村民委员会'));
  assert.ok(r.body.items.some((e) => e.publisher_role === 'supervisor' && e.publisher_name === '村务监督委员会'));
  assert.equal(r.body.chain.intact, true);
  assert.equal(r.body.chain.head.hash, r.body.items[0].hash);
  assert.ok(!('problems' in r.body.chain));
  const corrected = r.body.items.find((e) => e.corrected_by);
  assert.ok(corrected);
  const one = await api(srv.base, 'GET', `/api/v1/public/board/entries/${corrected.corrected_by}`);
  assert.equal(one.status, 200);
  assert.equal(one.body.corrects, corrected.id);
  assert.ok(!('publisher' in one.body) && !one.text.includes('"gaofeng"'), one.text.slice(0, 300));
  assert.equal((await api(srv.base, 'GET', `/api/v1/public/board/${GAOFENG}?category=finance`)).body.items.every((e) => e.category === 'finance'), true);
  assert.equal((await api(srv.base, 'GET', '/api/v1/public/board/999999999999')).status, 404);
  assert.equal((await api(srv.base, 'GET', `/api/v1/public/board/${TOWNSHIP}`)).status, 404);
  assert.equal((await api(srv.base, 'GET', `/api/v1/public/board/${GAOFENG}?cursor=x`)).status, 422);
  assert.equal((await api(srv.base, 'GET', '/api/v1/public/board/entries/99999999')).status, 404);
  // A place without entries: an empty board, an intact (empty) chain.
  const empty = await api(srv.base, 'GET', `/api/v1/public/board/${QINGSHAN}`);
  assert.deepEqual([empty.status, empty.body.items.length, empty.body.chain.entries], [200, 0, 0]);
});

test('the public routes are rate-limited per client', async () => {
  const s = await startServer({ places: 'fixture', env: { GONGZHI_BOARD_LIMIT: '3' } });
  try {
    const codes = [];
    for (let i = 0; i < 5; i++) codes.push((await api(s.base, 'GET', `/api/v1/public/board/${GAOFENG}`)).status);
    assert.deepEqual(codes, [200, 200, 200, 429, 429]);
    // The answers to a case by tracking code share the board's limit.
    const answers = await api(s.base, 'GET', '/api/v1/public/board/cases/ABCDEFGHJK');
    assert.equal(answers.status, 429);
    assert.ok(Number(answers.headers.get('retry-after')) > 0);
    const r = await api(s.base, 'GET', `/api/v1/public/board/${GAOFENG}`);
    assert.equal(r.body.error.code, 'too_many_attempts');
    assert.ok(Number(r.headers.get('retry-after')) > 0);
  } finally {
    await s.stop();
  }
});

test('an entry changed or deleted in the database file is reported by gongzhi verify and the chain route', async () => {
  assert.deepEqual([verify().code], [0]);
  assert.match(verify().out, /^ok: \d+ entries of \d+ places, every chain intact/);
  const list = (await call('gaofeng', 'GET', '/board/entries?limit=500')).body.items;
  const target = list[list.length - 2]; // an old entry, not the newest
  // Changed behind the platform's back, with the sqlite3 shell on the live database.
  sqlite(`UPDATE board_entries SET body = '篡改后的内容' WHERE id = ${target.id}`);
  let v = verify();
  assert.equal(v.code, 1);
  assert.match(v.out, new RegExp(`place ${GAOFENG} entry ${target.id} \\(#${target.seq}\\): changed`));
  assert.match(v.err, /1 problem/);
  let chain = await call('wendou', 'GET', `/board/chain?under=${TOWNSHIP}`);
  assert.equal(chain.status, 200);
  assert.equal(chain.body.intact, false);
  assert.deepEqual(chain.body.problems.map((p) => [p.kind, p.place_code, p.entry_id, p.seq]), [['changed', GAOFENG, target.id, target.seq]]);
  assert.equal((await api(srv.base, 'GET', `/api/v1/public/board/${GAOFENG}`)).body.chain.intact, false);
  // Put back exactly as published: intact again (the hash is of the content, not of the row's history).
  sqlite(`UPDATE board_entries SET body = '${target.body.replace(/'/g, "''")}' WHERE id = ${target.id}`);
  assert.equal(verify().code, 0);
  // A row deleted.
  const victim = list[2];
  sqlite(`DELETE FROM board_entries WHERE id = ${victim.id}`);
  v = verify();
  assert.equal(v.code, 1);
  assert.match(v.out, new RegExp(`place ${GAOFENG} entry #${victim.seq}: deleted`));
  // Only that subtree: the other township's boards are fine.
  assert.equal(verify(['--under', '421003']).code, 0);
  assert.equal(verify(['--under', GAOFENG]).code, 1);
  chain = await call('gaofeng', 'GET', '/board/chain');
  assert.deepEqual(chain.body.problems.map((p) => p.kind), ['deleted']);
  // The newest row deleted: the head remembers it.
  sqlite(`DELETE FROM board_entries WHERE id = ${list[0].id}`);
  v = verify();
  assert.match(v.out, new RegExp(`place ${GAOFENG} entry #${list[0].seq}: deleted`));
  // Every verification is in the audit log.
  const audit = await call('admin', 'GET', '/audit?action=board.verify');
  assert.ok(audit.body.items.length >= 5);
});

test('四议两公开 from proposal to published result: order (409), quorum (422), entries linked both ways', async () => {
  const start = await call('gaofeng', 'POST', '/board/procedures', { place_code: QINGSHAN, title: 'x', held_on: '2025-03-01', document: 'd' });
  assert.equal(start.status, 404);
  assert.equal((await call('xinmin', 'POST', '/board/procedures', { place_code: XINMIN, title: '社区', held_on: '2025-03-01', document: 'd' })).status, 422);
  assert.equal((await call('jianwei', 'POST', '/board/procedures', { place_code: GAOFENG, title: 'x', held_on: '2025-03-01', document: 'd' })).status, 403);
  const p = await call('gaofeng', 'POST', '/board/procedures', { place_code: GAOFENG, title: '村道硬化工程', held_on: '2025-03-01', document: '党支部会议提议硬化通组公路', attachment: '支部会议记录第3号' });
  assert.equal(p.status, 201, p.text);
  assert.equal(p.body.next_step, 'consultation');
  assert.equal(p.body.steps[0].step, 'proposal');
  const id = p.body.id;
  const step = (body) => call('gaofeng', 'POST', `/board/procedures/${id}/steps`, body);
  const votes = (f, a, ab, present, due) => ({ for: f, against: a, abstain: ab, present, due });
  // Out of order: the reason names the step that must come first.
  let r = await step({ step: 'review', held_on: '2025-03-05', document: 'd', votes: votes(30, 0, 0, 30, 40) });
  assert.equal(r.status, 409);
  assert.equal(r.body.error.code, 'conflict');
  assert.match(r.body.error.message, /"review" cannot come before "consultation"/);
  r = await step({ step: 'proposal', held_on: '2025-03-05', document: 'd' });
  assert.equal(r.status, 409);
  assert.match(r.body.error.message, /already recorded/);
  // A deliberation step needs its vote; a nested field at fault is named.
  assert.equal((await step({ step: 'consultation', held_on: '2025-03-05', document: 'd' })).status, 400);
  r = await step({ step: 'consultation', held_on: '2025-03-05', document: 'd', votes: { for: 5 } });
  assert.deepEqual([r.status, r.body.error.field], [400, 'votes.against']);
  assert.equal((await step({ step: 'consultation', held_on: '2025-02-28', document: 'd', votes: votes(7, 0, 0, 7, 7) })).status, 422);
  r = await step({ step: 'consultation', held_on: '2025-03-05', document: '两委联席会议商议同意', votes: votes(7, 0, 0, 7, 7) });
  assert.equal(r.status, 200, r.text);
  // The party members' meeting: 26 of 40 is below two thirds.
  r = await step({ step: 'review', held_on: '2025-03-10', document: 'd', votes: votes(26, 0, 0, 26, 40) });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.code, 'quorum_not_met');
  assert.match(r.body.error.message, /26 of 40/);
  // The counts at fault are named as the body names them (votes.…), like the nested type checks.
  assert.equal(r.body.error.field, 'votes.present');
  for (const [v, field] of [[votes(5, 0, 0, 41, 40), 'votes.present'], [votes(20, 10, 5, 30, 40), 'votes.for'], [votes(0, 0, 0, 0, 0), 'votes.due']]) {
    r = await step({ step: 'review', held_on: '2025-03-10', document: 'd', votes: v });
    assert.deepEqual([r.status, r.body.error.field], [422, field], JSON.stringify(v));
  }
  r = await step({ step: 'review', held_on: '2025-03-10', document: '党员大会审议通过', votes: votes(25, 1, 1, 27, 40) });
  assert.equal(r.status, 200);
  const review = r.body.steps.find((s) => s.step === 'review');
  assert.equal(review.passed, true);
  assert.match(review.rule_source, /5\.3/);
  assert.deepEqual(review.votes, votes(25, 1, 1, 27, 40));
  r = await step({ step: 'resolution', held_on: '2025-03-15', meeting: 'representatives', document: '村民代表会议决议实施', votes: votes(25, 2, 1, 28, 33) });
  assert.equal(r.status, 200);
  assert.match(r.body.steps.find((s) => s.step === 'resolution').rule_source, /第二十六条/);
  assert.equal(r.body.next_step, 'publish');
  // The first 公开 step publishes the resolution on the board.
  r = await step({ step: 'publish', held_on: '2025-03-16', document: '决议：硬化通组公路 2.3 公里，资金由村集体列支' });
  assert.equal(r.status, 200);
  const pub = r.body.steps.find((s) => s.step === 'publish');
  assert.ok(pub.entry_id);
  const e1 = await call('gaofeng', 'GET', `/board/entries/${pub.entry_id}`);
  assert.deepEqual([e1.body.category, e1.body.procedure_id, e1.body.procedure_step], ['procedure', id, 'publish']);
  assert.equal(e1.body.title, '【决议公开】村道硬化工程');
  // Procedure entries are corrected only by the procedure.
  assert.equal((await call('gaofeng', 'POST', `/board/entries/${pub.entry_id}/corrections`, { title: 't', body: 'b', reason: 'r' })).status, 409);
  r = await step({ step: 'result', held_on: '2025-06-30', document: '已完工并验收', attachment: '验收记录' });
  assert.equal(r.status, 200);
  assert.equal(r.body.status, 'done');
  assert.equal(r.body.next_step, null);
  const res = r.body.steps.find((s) => s.step === 'result');
  const pb = await api(srv.base, 'GET', `/api/v1/public/board/${GAOFENG}?category=procedure`);
  assert.deepEqual(pb.body.items.map((e) => e.id), [res.entry_id, pub.entry_id]);
  assert.equal((await step({ step: 'result', held_on: '2025-07-01', document: 'd' })).status, 409);
  // The list, scoped.
  const list = await call('wendou', 'GET', `/board/procedures?under=${TOWNSHIP}`);
  assert.ok(list.body.items.some((x) => x.id === id && x.status === 'done'));
  assert.equal((await call('qingshan', 'GET', `/board/procedures/${id}`)).status, 404);
  // A failed vote ends the procedure.
  const q = await call('gaofeng', 'POST', '/board/procedures', { place_code: GAOFENG, title: '变卖集体房屋', held_on: '2025-04-01', document: 'd' });
  const qs = (body) => call('gaofeng', 'POST', `/board/procedures/${q.body.id}/steps`, body);
  r = await qs({ step: 'consultation', held_on: '2025-04-02', document: 'd', votes: votes(3, 4, 0, 7, 7) });
  assert.equal(r.body.status, 'rejected');
  r = await qs({ step: 'review', held_on: '2025-04-03', document: 'd', votes: votes(30, 0, 0, 30, 40) });
  assert.equal(r.status, 409);
  assert.match(r.body.error.message, /did not pass/);
  // Audit rows of each step.
  const audit = await call('admin', 'GET', '/audit?action=board.procedure_step&limit=500');
  assert.ok(audit.body.items.filter((x) => x.subject === `board_procedure:${id}`).length >= 5);
});

test('vote rules and schedule settings are data per place, set by whom the law gives it', async () => {
  const rules = await call('gaofeng', 'GET', `/board-rules/${GAOFENG}`);
  assert.equal(rules.status, 200);
  assert.deepEqual(rules.body.items.map((x) => x.meeting), ['committees', 'party', 'representatives', 'villagers']);
  const party = rules.body.items[1];
  assert.deepEqual([party.quorum_num, party.quorum_den, party.quorum_strict, party.pass_of], [2, 3, false, 'due']);
  const body = { meeting: 'party', quorum_num: 4, quorum_den: 5, quorum_strict: false, pass_num: 1, pass_den: 2, pass_strict: true, pass_of: 'due', source: '某镇党员大会议事规则第五条' };
  assert.equal((await call('gaofeng', 'PUT', `/board-rules/${GAOFENG}`, body)).status, 403);
  const set = await call('wendou', 'PUT', `/board-rules/${TOWNSHIP}`, body);
  assert.equal(set.status, 200, set.text);
  const mine = (await call('gaofeng', 'GET', `/board-rules/${GAOFENG}`)).body.items[1];
  assert.deepEqual([mine.quorum_num, mine.set_at, mine.source], [4, TOWNSHIP, '某镇党员大会议事规则第五条']);
  assert.equal((await call('wendou', 'PUT', `/board-rules/${TOWNSHIP}`, { ...body, quorum_num: 6 })).status, 422);
  // The field at fault is named: a denominator out of range is the denominator's (the catalogue found
  // both named as the numerator).
  for (const [bad, field] of [[{ quorum_den: 0 }, 'quorum_den'], [{ pass_den: 101 }, 'pass_den'], [{ quorum_num: 6 }, 'quorum_num'], [{ pass_num: 0 }, 'pass_num']]) {
    const r = await call('wendou', 'PUT', `/board-rules/${TOWNSHIP}`, { ...body, ...bad });
    assert.deepEqual([r.status, r.body.error.field], [422, field], JSON.stringify(bad));
  }
  assert.equal((await call('wendou', 'PUT', `/board-rules/${TOWNSHIP}`, { ...body, pass_of: 'all' })).status, 422);
  assert.equal((await call('wendou', 'PUT', `/board-rules/${XINMIN}`, body)).status, 404);
  const s = await call('gaofeng', 'PUT', `/board-settings/${GAOFENG}`, { finance_frequent: true });
  assert.equal(s.status, 200, s.text);
  assert.deepEqual([s.body.finance_frequent, s.body.general_months, s.body.art30, s.body.set_at], [true, 3, true, GAOFENG]);
  assert.equal((await call('gaofeng', 'PUT', `/board-settings/${GAOFENG}`, { major_days: 0 })).status, 422);
  assert.equal((await call('jianwei', 'PUT', `/board-settings/${GAOFENG}`, { major_days: 5 })).status, 403);
  assert.equal((await call('qingshan', 'GET', `/board-settings/${GAOFENG}`)).status, 404);
  const c = await call('xinmin', 'GET', `/board-settings/${XINMIN}`);
  assert.equal(c.body.art30, false); // the urban law sets no frequency
});

test('the schedule lists the late places of a subtree, what is late and since when', async () => {
  // 高峰村 published today (general, finance monthly by its setting): not late today.
  const mine = await call('wendou', 'GET', `/board/schedule?under=${TOWNSHIP}`);
  assert.equal(mine.status, 200, mine.text);
  assert.equal(mine.body.date, today());
  assert.ok(!mine.body.items.some((x) => x.place_code === GAOFENG && x.item !== 'major'));
  // 青山村 never published: both items late, with no date.
  const qs = mine.body.items.filter((x) => x.place_code === QINGSHAN);
  assert.deepEqual(qs.map((x) => [x.item, x.never, x.late_since]), [['general', true, null], ['finance', true, null]]);
  // Scoped: a village cadre sees its own village only; the community is not listed.
  const own = await call('qingshan', 'GET', '/board/schedule');
  assert.ok(own.body.items.length === 2 && own.body.items.every((x) => x.place_code === QINGSHAN));
  assert.equal((await call('qingshan', 'GET', `/board/schedule?under=${GAOFENG}`)).status, 404);
  assert.deepEqual((await call('xinmin', 'GET', '/board/schedule')).body.items, []);
  assert.equal((await call('wendou', 'GET', '/board/schedule?date=2999-01-01')).status, 422);
  assert.equal((await call('wendou', 'GET', '/board/schedule?cursor=42')).status, 422);
});

test('the demo publishes 姚家铺村\'s board: answers to its 村情发布会, one completed 四议两公开', async () => {
  const s = await startServer({ places: 'national' });
  try {
    assert.match(s.cli(['demo']), /\d+ board entries/);
    const r = await api(s.base, 'GET', '/api/v1/public/board/421003105218?limit=100');
    assert.equal(r.status, 200);
    assert.equal(r.body.place.name, '姚家铺村村民委员会');
    assert.equal(r.body.chain.intact, true);
    const items = r.body.items;
    const answers = items.filter((e) => e.category === 'briefing');
    assert.ok(answers.length >= 1);
    const admin = await login(s.base, 'admin', ADMIN_PASSWORD);
    for (const a of answers) {
      const c = await api(s.base, 'GET', `/api/v1/cases/${a.case_id}`, { token: admin });
      assert.equal(c.body.channel, 'briefing');
      assert.equal(c.body.place_code, '421003105218');
      assert.ok(a.title.includes(c.body.title));
    }
    assert.ok(items.some((e) => e.category === 'supervision' && e.publisher_role === 'supervisor'));
    assert.ok(items.some((e) => e.corrected_by));
    const procs = await api(s.base, 'GET', '/api/v1/board/procedures?under=421003105218', { token: admin });
    const done = procs.body.items.find((p) => p.status === 'done');
    assert.ok(done);
    const full = await api(s.base, 'GET', `/api/v1/board/procedures/${done.id}`, { token: admin });
    assert.deepEqual(full.body.steps.map((x) => x.step), ['proposal', 'consultation', 'review', 'resolution', 'publish', 'result']);
    assert.equal(items.filter((e) => e.procedure_id === done.id).length, 2);
    assert.match(s.cli(['verify']), /every chain intact/);
    assert.doesNotMatch(s.cli(['demo']), /loaded \d+/);
  } finally {
    await s.stop();
  }
});

test('a case shows the board\'s answers to it: staff who see the case, the resident by tracking code', async () => {
  // 青山村's cadre enters a question raised at the 村情发布会 and a second case nobody answers.
  const newCase = async (title) => {
    const r = await call('qingshan', 'POST', '/cases', { place_code: QINGSHAN, channel: 'briefing', type: 'suggestion', title, content: '发布会上未及时解答' });
    assert.equal(r.status, 201, r.text);
    return r.body;
  };
  const asked = await newCase('村口路灯何时安装');
  const other = await newCase('垃圾清运时间');
  const none = await call('qingshan', 'GET', `/board/cases/${asked.id}`);
  assert.deepEqual([none.status, none.body.items, none.body.next_cursor], [200, [], null]);

  // The answer, then its correction: both point to the case; an entry without case_id does not.
  const answer = { place_code: QINGSHAN, category: 'briefing', title: '答复：村口路灯', body: '十月底前安装', case_id: asked.id };
  const first = await call('qingshan', 'POST', '/board/entries', answer);
  assert.equal(first.status, 201, first.text);
  assert.equal(first.body.case_id, asked.id);
  const fixed = await call('qingshan', 'POST', `/board/entries/${first.body.id}/corrections`, { title: '答复：村口路灯（更正）', body: '十一月十日前安装', reason: '工期调整' });
  assert.equal(fixed.status, 201, fixed.text);
  assert.equal((await call('qingshan', 'POST', '/board/entries', { ...answer, case_id: undefined, title: '另一条答复' })).status, 201);
  assert.equal((await call('qingshan', 'POST', '/board/entries', { ...answer, case_id: other.id, category: 'village', title: '垃圾清运' })).status, 201);

  // Staff who see the case: the village's cadre, the township's official, the admin.
  const r = await call('qingshan', 'GET', `/board/cases/${asked.id}`);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.items.map((e) => [e.id, e.case_id, e.corrects, e.corrected_by]),
    [[fixed.body.id, asked.id, first.body.id, null], [first.body.id, asked.id, null, fixed.body.id]]);
  assert.equal(r.body.items[0].title, '答复：村口路灯（更正）');
  assert.equal(r.body.items[0].publisher, 'qingshan');
  assert.match(r.body.items[0].published_at, /\+08:00$/);
  for (const who of ['wendou', 'admin']) assert.deepEqual((await call(who, 'GET', `/board/cases/${asked.id}`)).body.items.map((e) => e.id), [fixed.body.id, first.body.id], who);
  // Paged: one a page, the cursor continues.
  const page1 = await call('qingshan', 'GET', `/board/cases/${asked.id}?limit=1`);
  assert.deepEqual(page1.body.items.map((e) => e.id), [fixed.body.id]);
  const page2 = await call('qingshan', 'GET', `/board/cases/${asked.id}?limit=1&cursor=${page1.body.next_cursor}`);
  assert.deepEqual([page2.body.items.map((e) => e.id), page2.body.next_cursor], [[first.body.id], null]);
  const o = await call('qingshan', 'GET', `/board/cases/${other.id}`);
  assert.deepEqual(o.body.items.map((e) => e.title), ['垃圾清运']);

  // Out of scope, unknown, not a number: 404, as for the case itself; a bad cursor 422; no account 401.
  const out = await call('gaofeng', 'GET', `/board/cases/${asked.id}`);
  assert.equal(out.status, 404);
  assert.equal(out.body.error.code, 'not_found');
  assert.equal((await call('gaofeng', 'GET', `/cases/${asked.id}`)).status, 404);
  assert.equal((await call('wangge', 'GET', `/board/cases/${asked.id}`)).status, 404); // 高峰村's grid worker
  assert.equal((await call('admin', 'GET', '/board/cases/99999999')).status, 404);
  assert.equal((await call('admin', 'GET', '/board/cases/0')).status, 404);
  assert.equal((await call('admin', 'GET', '/board/cases/abc')).status, 404);
  assert.equal((await call('qingshan', 'GET', `/board/cases/${asked.id}?cursor=x`)).status, 422);
  assert.equal((await api(srv.base, 'GET', `/api/v1/board/cases/${asked.id}`)).status, 401);

  // The resident, by tracking code (typed in lower case too): the same answers, without account names.
  const tracking = (await call('qingshan', 'GET', `/cases/${asked.id}`)).body.tracking_code;
  assert.match(tracking, /^[2-9A-HJKMNP-Z]{12}$/);
  for (const code of [tracking, tracking.toLowerCase()]) {
    const p = await api(srv.base, 'GET', `/api/v1/public/board/cases/${code}`);
    assert.equal(p.status, 200, p.text);
    assert.deepEqual(p.body.items.map((e) => [e.id, e.title, e.place_code, e.publisher_name]),
      // The public view names the body that published it, never the account (qingshan has no display name).
      [[fixed.body.id, '答复：村口路灯（更正）', QINGSHAN, '村民委员会'], [first.body.id, '答复：村口路灯', QINGSHAN, '村民委员会']]);
    assert.ok(p.body.items.every((e) => !('publisher' in e)));
  }
  for (const code of ['ZZZZZZZZZZ', 'SHORT', 'X'.repeat(40), `${tracking}0`]) {
    const p = await api(srv.base, 'GET', `/api/v1/public/board/cases/${code}`);
    assert.equal(p.status, 404, code);
    assert.equal(p.body.error.code, 'not_found');
  }
  // A case with no answer: an empty list.
  const otherTracking = (await call('qingshan', 'GET', `/cases/${other.id}`)).body.tracking_code;
  assert.deepEqual((await api(srv.base, 'GET', `/api/v1/public/board/cases/${otherTracking}`)).body.items.map((e) => e.title), ['垃圾清运']);
});

// board: the law's meeting rules from council (issue 5)
test('the 村民代表会议 and 村民会议 rules are the law\'s, from council\'s table: shown, not settable, households counted', async () => {
  const votes = (f, a, ab, present, due) => ({ for: f, against: a, abstain: ab, present, due });
  const law = (await call('gaofeng', 'GET', '/council/rules')).body.items;
  const reps = law.find((x) => x.type === 'village_reps');
  const assembly = law.find((x) => x.type === 'village_assembly');
  const rules = Object.fromEntries((await call('gaofeng', 'GET', `/board-rules/${GAOFENG}`)).body.items.map((x) => [x.meeting, x]));
  assert.equal(rules.representatives.law, true);
  assert.equal(rules.party.law, false);
  assert.deepEqual([rules.representatives.quorum_num, rules.representatives.quorum_den, !rules.representatives.quorum_strict],
    [reps.quorum[0].num, reps.quorum[0].den, reps.quorum[0].inclusive]);
  assert.deepEqual([rules.villagers.quorum_num, rules.villagers.quorum_den, !rules.villagers.quorum_strict],
    [assembly.quorum[0].num, assembly.quorum[0].den, assembly.quorum[0].inclusive]);
  assert.match(rules.villagers.source, /第二十二条/);
  const put = await call('wendou', 'PUT', `/board-rules/${TOWNSHIP}`, { meeting: 'representatives', quorum_num: 1, quorum_den: 2, quorum_strict: true, pass_num: 1, pass_den: 2, pass_strict: true, pass_of: 'present', source: '某镇规则' });
  assert.deepEqual([put.status, put.body.error.field], [422, 'meeting']);
  // A procedure whose villagers' meeting is counted by households: at least two thirds of them.
  const p = await call('gaofeng', 'POST', '/board/procedures', { place_code: GAOFENG, title: '按户计的事项', held_on: '2025-04-01', document: '提议' });
  assert.equal(p.status, 201, p.text);
  const step = (b) => call('gaofeng', 'POST', `/board/procedures/${p.body.id}/steps`, b);
  let r = await step({ step: 'consultation', held_on: '2025-04-02', document: 'd', votes: votes(7, 0, 0, 7, 7) });
  assert.equal(r.status, 200, r.text);
  r = await step({ step: 'review', held_on: '2025-04-03', document: 'd', votes: { ...votes(30, 0, 0, 30, 40), households: true } });
  assert.deepEqual([r.status, r.body.error.field], [422, 'votes.households']);
  // (the township's own party rule, set above, wants four fifths present)
  r = await step({ step: 'review', held_on: '2025-04-03', document: 'd', votes: votes(36, 0, 0, 36, 40) });
  assert.equal(r.status, 200, r.text);
  r = await step({ step: 'resolution', held_on: '2025-04-05', meeting: 'villagers', document: 'd', votes: { ...votes(40, 0, 0, 65, 99), households: true } });
  assert.equal(r.status, 422); // 65 of 99 households: one below two thirds
  assert.equal(r.body.error.code, 'quorum_not_met');
  // 66 of 99 households: exactly two thirds, 以上 includes it.
  r = await step({ step: 'resolution', held_on: '2025-04-05', meeting: 'villagers', document: '村民会议按户表决通过', votes: { ...votes(34, 30, 2, 66, 99), households: true } });
  assert.equal(r.status, 200, r.text);
  const res = r.body.steps.find((s) => s.step === 'resolution');
  assert.equal(res.passed, true);
  assert.match(res.rule_source, /按户计/);
});
