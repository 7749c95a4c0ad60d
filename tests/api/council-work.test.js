// council-work.test.js — resolutions become work, held against docs/modules/council.md
// ("Resolutions become work"): a passed resolution's cases, created through the cases module or
// linked, shown from both sides; the resolution and its implementation result on the public
// board, each entry naming the resolution and the resolution naming its entries; the order
// (publish before the result, once each), roles (403), scope (404), bad input (4xx, no write),
// and the board's chain intact after.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, login } from '../lib/server.js';

const XINMIN = '421003003006';
const WENMIAO = '421003001003';
const PW = 'council-work-1';

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
      { name: 'wangge', role: 'grid_worker', scope: XINMIN, password: PW },
    ],
  });
  for (const u of ['xinmin', 'wenmiao', 'jiandu', 'wangge']) tok[u] = await login(srv.base, u, PW);
  ids.grid = (await call('xinmin', 'POST', '/grids', { village_code: XINMIN, name: '落实网格' })).body.code;
  ids.adults = [];
  for (let i = 0; i < 3; i++) {
    const h = (await call('xinmin', 'POST', '/households', { place_code: ids.grid, address: `落实路${i + 1}号` })).body;
    ids.adults.push((await call('xinmin', 'POST', '/residents', { household_id: h.id, name: `村民${i + 1}`, gender: 'female', birth_date: `197${i}-02-02`, relation: '户主' })).body.id);
  }
  ids.case = (await call('xinmin', 'POST', '/cases', { place_code: ids.grid, channel: 'hall', title: '路灯不亮', content: '三号楼前路灯坏了' })).body.id;
  ids.otherCase = (await call('wenmiao', 'POST', '/cases', { place_code: WENMIAO, channel: 'hall', title: '别处的事', content: '文庙社区的事' })).body.id;
});
after(async () => { await srv.stop(); });

// An open meeting of a type, 3 adults checked in, one open vote and its resolution.
async function resolution(type, place, yes, text) {
  const m = await call('xinmin', 'POST', '/council/meetings', { place_code: place, type, title: `${text}会`, venue: '议事堂', starts_at: '2026-12-03T09:00:00+08:00' });
  assert.equal(m.status, 201, m.text);
  const id = m.body.id;
  assert.equal((await call('xinmin', 'POST', `/council/meetings/${id}/items`, { title: text })).status, 201);
  for (const action of ['fix', 'open']) assert.equal((await call('xinmin', 'POST', `/council/meetings/${id}/actions`, { action })).status, 200);
  for (const rid of ids.adults) assert.equal((await call('xinmin', 'POST', `/council/meetings/${id}/attendance`, { resident_id: rid })).status, 201);
  const v = await call('xinmin', 'POST', `/council/meetings/${id}/votes`, { question: text, method: 'open', yes, no: 3 - yes, abstain: 0 });
  assert.equal(v.status, 201, v.text);
  const r = await call('xinmin', 'POST', `/council/meetings/${id}/resolutions`, { vote_id: v.body.id, text });
  assert.equal(r.status, 201, r.text);
  return { meeting: id, id: r.body.id, passed: r.body.passed };
}

test('a passed resolution: cases created and linked, shown from both sides', async () => {
  const r = await resolution('hall', XINMIN, 2, '修好路灯并增设两盏');
  assert.equal(r.passed, true);
  ids.res = r;
  // Create a case from it: the channel is the meeting's (居民议事堂 is an intake channel).
  const made = await call('xinmin', 'POST', `/council/resolutions/${r.id}/cases`, { title: '增设两盏路灯', content: '按居民议事堂决议增设' });
  assert.equal(made.status, 201, made.text);
  assert.equal(made.body.created, true);
  assert.equal(made.body.status, 'submitted');
  assert.equal(made.body.place_code, XINMIN);
  const c = await call('xinmin', 'GET', `/cases/${made.body.case_id}`);
  assert.equal(c.status, 200);
  assert.equal(c.body.channel, 'hall');
  assert.equal(c.body.title, '增设两盏路灯');
  // Link an existing case of the village (at a grid of it).
  const linked = await call('xinmin', 'POST', `/council/resolutions/${r.id}/cases`, { case_id: ids.case });
  assert.equal(linked.status, 201, linked.text);
  assert.equal(linked.body.created, false);
  assert.equal((await call('xinmin', 'POST', `/council/resolutions/${r.id}/cases`, { case_id: ids.case })).status, 409);
  // Another village's case: 404 for this cadre; a place outside the village: 422.
  assert.equal((await call('xinmin', 'POST', `/council/resolutions/${r.id}/cases`, { case_id: ids.otherCase })).status, 404);
  const away = await call('xinmin', 'POST', `/council/resolutions/${r.id}/cases`, { title: 'x', content: 'y', place_code: WENMIAO });
  assert.equal(away.status, 422);
  assert.equal(away.body.error.field, 'place_code');
  // The resolution shows its cases with their status.
  const view = await call('xinmin', 'GET', `/council/resolutions/${r.id}`);
  assert.equal(view.status, 200);
  // By the time they were linked, then by case number (both in the same second here).
  assert.deepEqual(view.body.cases.map((x) => [x.case_id, x.created, x.status]), [[made.body.case_id, true, 'submitted'], [ids.case, false, 'submitted']].sort((a, b) => a[0] - b[0]));
  assert.equal(view.body.cases_count, 2);
  assert.equal(view.body.meeting.id, r.meeting);
  assert.equal(view.body.board_entry, null);
  // The case shows the resolution it implements; another village's cadre gets 404.
  const back = await call('xinmin', 'GET', `/council/cases/${ids.case}/resolutions`);
  assert.equal(back.status, 200);
  assert.deepEqual(back.body.items.map((x) => x.id), [r.id]);
  assert.equal(back.body.items[0].meeting.id, r.meeting);
  assert.equal(back.body.items[0].cases_count, 2);
  assert.equal((await call('wenmiao', 'GET', `/council/cases/${ids.case}/resolutions`)).status, 404);
  assert.equal((await call('wenmiao', 'GET', `/council/resolutions/${r.id}`)).status, 404);
  assert.equal((await call('wenmiao', 'POST', `/council/resolutions/${r.id}/cases`, { case_id: ids.otherCase })).status, 404);
  // The meeting lists the resolution with its links.
  const m = await call('xinmin', 'GET', `/council/meetings/${r.meeting}`);
  assert.equal(m.body.resolutions[0].cases_count, 2);
  // Audit: the links name the resolution and the case.
  const admin = await login(srv.base, 'admin', 'admin-pass-123');
  const log = await api(srv.base, 'GET', '/api/v1/audit?limit=200', { token: admin });
  const rows = log.body.items.filter((x) => x.subject === `resolution:${r.id}` && x.action === 'resolution.case');
  assert.equal(rows.length, 2, JSON.stringify(log.body.items.slice(0, 3)));
});

test('a resolution that did not pass implements nothing and is not published', async () => {
  const r = await resolution('hall', XINMIN, 1, '拆除花坛');
  assert.equal(r.passed, false);
  assert.equal((await call('xinmin', 'POST', `/council/resolutions/${r.id}/cases`, { title: '拆除花坛', content: '按决议拆除' })).status, 409);
  assert.equal((await call('xinmin', 'POST', `/council/resolutions/${r.id}/publish`)).status, 409);
  assert.equal((await call('xinmin', 'POST', `/council/resolutions/${r.id}/result`, { text: '已拆除' })).status, 409);
  const c = await call('xinmin', 'GET', '/cases?q=拆除花坛');
  assert.equal(c.body.items.length, 0);
});

test('roles and bad input: 403 and 4xx, nothing written', async () => {
  const id = ids.res.id;
  assert.equal((await call('jiandu', 'POST', `/council/resolutions/${id}/cases`, { title: 'a', content: 'b' })).status, 403);
  assert.equal((await call('wangge', 'POST', `/council/resolutions/${id}/publish`)).status, 403);
  assert.equal((await call('jiandu', 'POST', `/council/resolutions/${id}/publish`)).status, 403);
  assert.equal((await call('xinmin', 'POST', `/council/resolutions/${id}/cases`, { title: 'a', content: 'b', extra: 1 })).status, 400);
  assert.equal((await call('xinmin', 'POST', `/council/resolutions/${id}/cases`, { case_id: ids.case, title: 'a' })).status, 422);
  assert.equal((await call('xinmin', 'POST', `/council/resolutions/${id}/cases`, { title: '', content: 'b' })).status, 422);
  assert.equal((await call('xinmin', 'POST', `/council/resolutions/${id}/cases`, { title: 'a', content: 'b', type: 'nonsense' })).status, 422);
  assert.equal((await call('xinmin', 'POST', `/council/resolutions/${id}/cases`, { case_id: 0 })).status, 404);
  assert.equal((await call('xinmin', 'POST', '/council/resolutions/999999/cases', { title: 'a', content: 'b' })).status, 404);
  assert.equal((await call('xinmin', 'POST', `/council/resolutions/${id}/result`, { text: 'x'.repeat(4001) })).status, 422);
  assert.equal((await call('xinmin', 'POST', `/council/resolutions/${id}/result`, {})).status, 400);
  assert.equal((await call('xinmin', 'GET', `/council/resolutions/${id}`)).body.cases.length, 2);
});

test('the resolution and its result on the board, linked both ways, in order, once each', async () => {
  const id = ids.res.id;
  // The result cannot come before the resolution is published.
  const early = await call('xinmin', 'POST', `/council/resolutions/${id}/result`, { text: '两盏路灯已装好' });
  assert.equal(early.status, 409);
  assert.match(early.body.error.message, /publish it first/);
  const pub = await call('xinmin', 'POST', `/council/resolutions/${id}/publish`);
  assert.equal(pub.status, 201, pub.text);
  const entryId = pub.body.board_entry.id;
  assert.ok(entryId > 0);
  assert.equal((await call('xinmin', 'POST', `/council/resolutions/${id}/publish`)).status, 409);
  // The entry names the resolution; the public reads it without an account.
  const en = await api(srv.base, 'GET', `/api/v1/public/board/entries/${entryId}`);
  assert.equal(en.status, 200);
  assert.equal(en.body.category, 'resolution');
  assert.equal(en.body.resolution_id, id);
  assert.equal(en.body.place_code, XINMIN);
  assert.match(en.body.title, /^【决议公开】/);
  assert.match(en.body.body, /修好路灯并增设两盏/);
  assert.match(en.body.body, /经到会人员过半数赞成/);
  assert.equal(en.body.hash, pub.body.board_entry.hash);
  // The result: the text and the cases with their status at that moment.
  const res = await call('xinmin', 'POST', `/council/resolutions/${id}/result`, { text: '两盏路灯已装好，原路灯已修复。' });
  assert.equal(res.status, 201, res.text);
  const rid = res.body.result_entry.id;
  assert.ok(rid > entryId);
  assert.equal((await call('xinmin', 'POST', `/council/resolutions/${id}/result`, { text: '再来一次' })).status, 409);
  const re = await api(srv.base, 'GET', `/api/v1/public/board/entries/${rid}`);
  assert.equal(re.body.resolution_id, id);
  assert.match(re.body.title, /^【实施结果公开】/);
  assert.match(re.body.body, /两盏路灯已装好/);
  assert.match(re.body.body, new RegExp(`公开栏第${pub.body.board_entry.seq}号`));
  assert.match(re.body.body, /增设两盏路灯（查询码 [2-9A-HJKMNP-Z]{12}）：待分流/);
  assert.match(re.body.body, /路灯不亮/);
  // The resolution shows both entries; the case's view too.
  const view = (await call('xinmin', 'GET', `/council/resolutions/${id}`)).body;
  assert.equal(view.board_entry.id, entryId);
  assert.equal(view.result_entry.id, rid);
  const back = (await call('xinmin', 'GET', `/council/cases/${ids.case}/resolutions`)).body.items[0];
  assert.equal(back.board_entry.id, entryId);
  assert.equal(back.result_entry.id, rid);
  // A correction through the board keeps naming the resolution.
  const cor = await call('xinmin', 'POST', `/board/entries/${rid}/corrections`, { title: '【实施结果公开】更正', body: '两盏路灯已装好。', reason: '原路灯修复另行公开' });
  assert.equal(cor.status, 201, cor.text);
  assert.equal(cor.body.resolution_id, id);
  // The publishing writes are audited with the entry's hash; the chain stays intact.
  const admin = await login(srv.base, 'admin', 'admin-pass-123');
  const log = await api(srv.base, 'GET', '/api/v1/audit?limit=200', { token: admin });
  const row = log.body.items.find((x) => x.subject === `resolution:${id}` && x.action === 'resolution.publish');
  assert.ok(row, 'audited');
  assert.match(JSON.stringify(row.detail), new RegExp(pub.body.board_entry.hash));
  const chain = await call('xinmin', 'GET', `/board/chain?under=${XINMIN}`);
  assert.equal(chain.body.intact, true, JSON.stringify(chain.body.problems));
  // Entries published by hand cannot name a resolution.
  const bad = await call('xinmin', 'POST', '/board/entries', { place_code: XINMIN, category: 'resolution', title: 't', body: 'b', resolution_id: id });
  assert.equal(bad.status, 400);
});

test('a grid meeting\'s resolution goes on its village\'s board', async () => {
  const r = await resolution('micro', ids.grid, 3, '楼道堆物清理');
  const pub = await call('xinmin', 'POST', `/council/resolutions/${r.id}/publish`);
  assert.equal(pub.status, 201, pub.text);
  const en = await api(srv.base, 'GET', `/api/v1/public/board/entries/${pub.body.board_entry.id}`);
  assert.equal(en.body.place_code, XINMIN);
  // 微协商 is not an intake channel: a case from it names its channel.
  const noch = await call('xinmin', 'POST', `/council/resolutions/${r.id}/cases`, { title: '清理楼道', content: '周六清理' });
  assert.equal(noch.status, 400);
  assert.equal(noch.body.error.field, 'channel');
  const ok = await call('xinmin', 'POST', `/council/resolutions/${r.id}/cases`, { title: '清理楼道', content: '周六清理', channel: 'grid_visit', place_code: ids.grid });
  assert.equal(ok.status, 201, ok.text);
  assert.equal(ok.body.place_code, ids.grid);
});
