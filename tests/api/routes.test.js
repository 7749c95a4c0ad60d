// routes.test.js — every route of the route table (`gongzhi routes`) × every role: the role
// check answers 403 before anything else, a missing session 401, and no combination produces a
// 500 or a reply that is not the documented JSON. New routes are covered as soon as they exist.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, api, login, BIN, ADMIN_PASSWORD } from '../lib/server.js';

const VILLAGE = '422802107213';
const routes = execFileSync(BIN, ['routes'], { encoding: 'utf8', env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=0' } })
  .trim().split('\n').map((l) => JSON.parse(l));
const ROLES = ['admin', 'official', 'cadre', 'supervisor', 'grid_worker', 'spokesperson', 'department', 'resident'];

let srv;
const tok = {};
const ids = {};

before(async () => {
  srv = await startServer({
    places: 'fixture',
    users: [
      { name: 'r-official', role: 'official', scope: '422802', password: 'route-pass-1' },
      { name: 'r-cadre', role: 'cadre', scope: VILLAGE, password: 'route-pass-1' },
      { name: 'r-supervisor', role: 'supervisor', scope: VILLAGE, password: 'route-pass-1' },
      { name: 'r-spokesperson', role: 'spokesperson', scope: VILLAGE, password: 'route-pass-1' },
      { name: 'r-department', role: 'department', scope: '422802', password: 'route-pass-1' },
      { name: 'r-resident', role: 'resident', scope: VILLAGE, password: 'route-pass-1' },
    ],
  });
  tok.admin = await login(srv.base, 'admin', ADMIN_PASSWORD);
  for (const r of ROLES.filter((x) => !['admin', 'grid_worker'].includes(x))) tok[r] = await login(srv.base, `r-${r}`, 'route-pass-1');
  // Records for the path parameters.
  const c = (m, p, b) => api(srv.base, m, '/api/v1' + p, { token: tok.cadre, body: b });
  ids.grid = (await c('POST', '/grids', { village_code: VILLAGE, name: '路由网格' })).body.code;
  ids.building = (await c('POST', '/buildings', { grid_code: ids.grid, name: '1栋', kind: 'building' })).body.code;
  ids.household = (await c('POST', '/households', { place_code: ids.building, address: '路由1号' })).body.id;
  ids.resident = (await c('POST', '/residents', { household_id: ids.household, name: '路由人', gender: 'male', birth_date: '1990-01-01', relation: '户主' })).body.id;
  ids.role = (await c('POST', '/grid-roles', { place_code: ids.grid, role: 'member', resident_id: ids.resident })).body.id;
  ids.visit = (await c('POST', '/visits', { household_id: ids.household, visited_on: '2025-01-01', findings: '正常', follow_up: true })).body.id;
  ids.case = (await c('POST', '/cases', { place_code: ids.grid, channel: 'grid_visit', title: '路由诉求', content: '路由' })).body;
  const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
  ids.file = (await api(srv.base, 'POST', `/api/v1/cases/${ids.case.id}/files`, { token: tok.cadre, raw: png, headers: { 'content-type': 'image/png' } })).body.id;
  ids.department = (await api(srv.base, 'POST', '/api/v1/departments', { token: tok.admin, body: { place_code: '422802', name: '路由部门' } })).body.id;
  ids.resource = (await c('POST', '/case-resources', { place_code: VILLAGE, name: '路由志愿队', category: 'volunteers' })).body.id;
  ids.entry = (await c('POST', '/board/entries', { place_code: VILLAGE, category: 'village', title: '路由公开', body: '路由' })).body.id;
  ids.procedure = (await c('POST', '/board/procedures', { place_code: VILLAGE, title: '路由事项', held_on: '2025-01-01', document: '提议' })).body.id;
  assert.ok(ids.entry && ids.procedure, 'board records for the path parameters');
  ids.meeting = (await c('POST', '/council/meetings', { place_code: VILLAGE, type: 'hall', title: '路由会议', venue: '议事堂', starts_at: '2026-12-01T09:00:00+08:00' })).body.id;
  ids.item = (await c('POST', `/council/meetings/${ids.meeting}/items`, { title: '路由议题' })).body.id;
  ids.election = (await c('POST', '/council/elections', { place_code: VILLAGE, kind: 'committee', title: '路由换届', seats: 3, election_day: '2099-01-01' })).body.id;
  const o = (m, p, b) => api(srv.base, m, '/api/v1' + p, { token: tok.official, body: b });
  ids.selection = (await o('POST', '/council/selections', { place_code: '422802', title: '路由评审', picks: 1 })).body.id;
  ids.application = (await o('POST', `/council/selections/${ids.selection}/applications`, { place_code: VILLAGE, title: '路由项目' })).body.id;
  ids.member = (await c('POST', '/council/members', { place_code: VILLAGE, resident_id: ids.resident, kind: 'representative' })).body.id;
  srv.cli(['user', 'add', 'r-grid', '--role', 'grid_worker', '--scope', ids.grid, '--password-stdin'], 'route-pass-1\n');
  tok.grid_worker = await login(srv.base, 'r-grid', 'route-pass-1');
});
after(async () => { await srv.stop(); });

function fill(pattern) {
  return pattern
    .replace('/grids/{code}', `/grids/${ids.grid}`)
    .replace('/buildings/{code}', `/buildings/${ids.building}`)
    .replace('/places/{code}', `/places/${VILLAGE}`)
    .replace('/households/{id}', `/households/${ids.household}`)
    .replace('/residents/{id}', `/residents/${ids.resident}`)
    .replace('/grid-roles/{id}', `/grid-roles/${ids.role}`)
    .replace('/visits/{id}', `/visits/${ids.visit}`)
    .replace('/cases/{id}', `/cases/${ids.case.id}`)
    .replace('/cases/{tracking}', `/cases/${ids.case.tracking_code}`)
    .replace('/files/{file}', `/files/${ids.file}`)
    .replace('/case-settings/{code}', `/case-settings/${VILLAGE}`)
    .replace('/departments/{id}', `/departments/${ids.department}`)
    .replace('/case-resources/{id}', `/case-resources/${ids.resource}`)
    .replace('/board/entries/{id}', `/board/entries/${ids.entry}`)
    .replace('/board/procedures/{id}', `/board/procedures/${ids.procedure}`)
    .replace('/board-settings/{code}', `/board-settings/${VILLAGE}`)
    .replace('/board-rules/{code}', `/board-rules/${VILLAGE}`)
    .replace('/board/poster/{code}', `/board/poster/${VILLAGE}`)
    .replace('/public/board/{code}', `/public/board/${VILLAGE}`)
    .replace('/council/topics/{id}', '/council/topics/1')
    .replace('/council/members/{id}', `/council/members/${ids.member}`)
    .replace('/council/meetings/{id}', `/council/meetings/${ids.meeting}`)
    .replace('/items/{item}', `/items/${ids.item}`)
    .replace('/council/votes/{id}', '/council/votes/1')
    .replace('/council/elections/{id}', `/council/elections/${ids.election}`)
    .replace('/council/selections/{id}', `/council/selections/${ids.selection}`)
    .replace('/applications/{app}', `/applications/${ids.application}`)
    // council: resolutions to work (issue 5) — no resolution exists here: the handlers answer 404
    .replace('/council/resolutions/{id}', '/council/resolutions/1')
    .replace('/council/recalls/{id}', '/council/recalls/1');
}

function isErrorShape(r) {
  return r.body && r.body.error && typeof r.body.error.code === 'string' && typeof r.body.error.message === 'string';
}

test('the route table is what the server serves', () => {
  assert.ok(routes.length >= 30);
  for (const r of routes) assert.ok(!/\{/.test(fill(r.pattern)), `no test value for ${r.pattern}: add one to fill()`);
});

test('no session: 401 on every route that needs one', async () => {
  for (const r of routes.filter((x) => !x.public)) {
    const res = await api(srv.base, r.method, fill(r.pattern), r.json_body ? { body: {} } : {});
    assert.equal(res.status, 401, `${r.method} ${r.pattern}`);
    assert.ok(isErrorShape(res));
  }
});

test('every route × every role: 403 outside the route\'s roles, never a 500, always the JSON error shape', async () => {
  let calls = 0;
  for (const r of routes) {
    if (r.public || r.pattern === '/api/v1/auth/logout') continue; // logout has its own tests
    for (const role of ROLES) {
      // An empty object: enough to reach each handler's own validation without writing.
      const res = await api(srv.base, r.method, fill(r.pattern), r.json_body ? { token: tok[role], body: {} } : { token: tok[role] });
      calls++;
      const where = `${role} ${r.method} ${r.pattern}: ${res.status} ${res.text.slice(0, 160)}`;
      assert.ok(res.status < 500, where);
      if (!r.roles.includes(role)) assert.equal(res.status, 403, where);
      if (res.status >= 400) assert.ok(isErrorShape(res), where);
      else assert.ok(res.body !== null || /spreadsheet|csv|image\//.test(res.headers.get('content-type') || ''), where);
    }
  }
  console.log(`# routes × roles: ${calls} calls over ${routes.length} routes and ${ROLES.length} roles`);
  assert.ok(srv.alive());
});
