// scope.test.js — the scope matrix, generated from the route table (`gongzhi routes`): every
// route × every role × a record inside and a record outside the caller's scope. Outside: 403
// for a role the route does not allow, else 404 — never the record, and no reply of any call
// carries a word of the outside records (names, addresses, phones, titles, ID numbers). Writes
// aimed outside change nothing (a hash of every table before and after). Without a session: 401.
// A route without an entry in `entries` fails the test.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { startServer, api, login, BIN, ADMIN_PASSWORD } from '../lib/server.js';

const IN = '422802107213'; // 高峰村 (county 422802)
const OUT = '421003003006'; // 新民社区 (county 421003, another city)
const routes = execFileSync(BIN, ['routes'], { encoding: 'utf8', env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=0' } })
  .trim().split('\n').map((l) => JSON.parse(l));
const ROLES = ['admin', 'official', 'cadre', 'supervisor', 'grid_worker', 'spokesperson', 'department', 'resident'];
const PASSWORD = 'scope-pass-1';

function citizenId(first17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * w[i], 0);
  return first17 + '10X98765432'[sum % 11];
}
// What only the outside records hold: none of it may reach a caller scoped inside.
const SECRET = {
  resident: '境外居民甲', address: '新民社区境外楼101', phone: '13599990001', id: citizenId('42100319850707001'),
  title: '境外诉求标题', content: '境外诉求内容', reporter: '境外反映人', reporterPhone: '13599990002',
  findings: '境外走访发现', resource: '境外志愿资源', department: '境外部门局', tag: '境外关爱',
};

let srv;
const tok = {};
const rec = { in: {}, out: {} };

function fingerprint() {
  const db = join(srv.dataDir, 'gongzhi.db');
  const q = (sql) => execFileSync('sqlite3', ['-readonly', '-batch', '-noheader', db, sql], { encoding: 'utf8' }).trim();
  const tables = q("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT IN ('sessions') AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name").split('\n');
  return q(`SELECT hex(sha3_query('${tables.map((t) => `SELECT * FROM "${t}"`).join(';')}'))`);
}

before(async () => {
  srv = await startServer({
    places: 'fixture',
    env: { GONGZHI_INTAKE_LIMIT: '100000,100000' },
    users: [
      { name: 's-admin', role: 'admin', scope: '422802', password: PASSWORD },
      { name: 's-official', role: 'official', scope: '422802', password: PASSWORD },
      { name: 's-cadre', role: 'cadre', scope: IN, password: PASSWORD },
      { name: 's-supervisor', role: 'supervisor', scope: IN, password: PASSWORD },
      { name: 's-spokesperson', role: 'spokesperson', scope: IN, password: PASSWORD },
      { name: 's-department', role: 'department', scope: '422802', password: PASSWORD },
      { name: 'o-cadre', role: 'cadre', scope: OUT, password: PASSWORD },
    ],
  });
  const national = await login(srv.base, 'admin', ADMIN_PASSWORD);
  const cadreIn = await login(srv.base, 's-cadre', PASSWORD);
  const cadreOut = await login(srv.base, 'o-cadre', PASSWORD);
  const c = async (token, m, p, b) => {
    const r = await api(srv.base, m, '/api/v1' + p, { token, body: b });
    assert.ok(r.status < 300, `${m} ${p}: ${r.text}`);
    return r.body;
  };
  for (const [side, village, token, county] of [['in', IN, cadreIn, '422802'], ['out', OUT, cadreOut, '421003']]) {
    const o = side === 'out';
    const r = rec[side];
    r.village = village;
    r.grid = (await c(token, 'POST', '/grids', { village_code: village, name: o ? '外网格' : '内网格' })).code;
    r.building = (await c(token, 'POST', '/buildings', { grid_code: r.grid, name: '1栋', kind: 'building' })).code;
    r.household = (await c(token, 'POST', '/households', { place_code: r.building, address: o ? SECRET.address : '高峰村内1号', phone: o ? SECRET.phone : '13800001111' })).id;
    r.resident = (await c(token, 'POST', '/residents', { household_id: r.household, name: o ? SECRET.resident : '境内居民', gender: 'male', birth_date: '1985-07-07', relation: '户主', id_number: o ? SECRET.id : citizenId('42280219850707001'), phone: o ? SECRET.phone : '13800001112' })).id;
    r.role = (await c(token, 'POST', '/grid-roles', { place_code: r.grid, role: 'member', resident_id: r.resident })).id;
    r.visit = (await c(token, 'POST', '/visits', { household_id: r.household, visited_on: '2025-01-01', findings: o ? SECRET.findings : '境内走访', follow_up: true })).id;
    r.case = await c(token, 'POST', '/cases', { place_code: village, channel: 'phone', title: o ? SECRET.title : '境内诉求', content: o ? SECRET.content : '境内内容', reporter_name: o ? SECRET.reporter : '境内人', reporter_phone: o ? SECRET.reporterPhone : '13800001113' });
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
    r.file = (await api(srv.base, 'POST', `/api/v1/cases/${r.case.id}/files`, { token, raw: png, headers: { 'content-type': 'image/png' } })).body.id;
    r.department = (await c(national, 'POST', '/departments', { place_code: county, name: o ? SECRET.department : '境内部门局' })).id;
    r.resource = (await c(token, 'POST', '/case-resources', { place_code: village, name: o ? SECRET.resource : '境内志愿资源', category: 'volunteers' })).id;
  }
  await c(national, 'POST', `/departments/${rec.in.department}/members`, { username: 's-department' });
  srv.cli(['user', 'add', 's-grid_worker', '--role', 'grid_worker', '--scope', rec.in.grid, '--password-stdin'], PASSWORD + '\n');
  srv.cli(['user', 'add', 's-resident', '--role', 'resident', '--scope', IN, '--household', String(rec.in.household), '--password-stdin'], PASSWORD + '\n');
  for (const r of ROLES) tok[r] = await login(srv.base, `s-${r}`, PASSWORD);
  tok.national = national;
  // council: resolutions to work (issue 5) — a passed resolution of a 居民议事堂 on each side.
  for (const [side, token] of [['in', cadreIn], ['out', cadreOut]]) {
    const r = rec[side];
    const m = (await c(token, 'POST', '/council/meetings', { place_code: r.village, type: 'hall', title: side === 'out' ? SECRET.title : '境内会议', venue: '议事堂', starts_at: '2026-12-01T09:00:00+08:00' })).id;
    await c(token, 'POST', `/council/meetings/${m}/items`, { title: '矩阵议题' });
    for (const action of ['fix', 'open']) await c(token, 'POST', `/council/meetings/${m}/actions`, { action });
    await c(token, 'POST', `/council/meetings/${m}/attendance`, { resident_id: r.resident });
    const v = (await c(token, 'POST', `/council/meetings/${m}/votes`, { question: '矩阵表决', method: 'open', yes: 1, no: 0, abstain: 0 })).id;
    r.resolution = (await c(token, 'POST', `/council/meetings/${m}/resolutions`, { vote_id: v, text: side === 'out' ? SECRET.content : '境内决议' })).id;
  }
  // council: recall (issue 5) — a committee member of a village on each side (the outside one in a
  // village of 421003: a community has no recall), its voter list published, a petition waiting.
  for (const [side, village] of [['in', IN], ['out', '421003003201']]) {
    const grid = (await c(national, 'POST', '/grids', { village_code: village, name: '罢免矩阵组' })).code;
    const h = (await c(national, 'POST', '/households', { place_code: grid, address: side === 'out' ? SECRET.address : '罢免矩阵1号' })).id;
    const p = (await c(national, 'POST', '/residents', { household_id: h, name: side === 'out' ? SECRET.resident : '境内委员', gender: 'male', birth_date: '1970-01-01', relation: '户主', hukou: 'local' })).id;
    const day = new Date(Date.now() + (8 * 3600e3) + 30 * 86400e3).toISOString().slice(0, 10);
    const el = (await c(national, 'POST', '/council/elections', { place_code: village, kind: 'committee', title: '矩阵换届', seats: 1, election_day: day })).id;
    await c(national, 'POST', `/council/elections/${el}/electors`, { from_registry: true });
    await c(national, 'POST', `/council/elections/${el}/actions`, { action: 'publish' });
    rec[side].committee = (await c(national, 'POST', '/council/members', { place_code: village, resident_id: p, kind: 'committee' })).id;
    rec[side].recall = (await c(national, 'POST', '/council/recalls', { member_id: rec[side].committee, reason: side === 'out' ? SECRET.content : '矩阵理由', basis: 'voters', signers: 1 })).id;
  }
});
after(async () => { await srv.stop(); });

// Per route: which record its path names (rec), its query (q), a valid body aimed at a side
// (body), and what the outside call must get when the role may use the route (404 unless said).
const onGrid = (s) => rec[s].grid;
const entries = {
  'GET /api/v1/health': { none: 'no record: the server\'s state' },
  'GET /api/v1/places': { none: 'the tree of places is public reference data (docs/modules/places.md)', q: (s) => `q=${encodeURIComponent('社区')}` },
  'GET /api/v1/places/{code}': { path: (s) => `/places/${rec[s].village}`, public: 'places are public reference data' },
  'GET /api/v1/places/{code}/children': { path: (s) => `/places/${rec[s].village}/children`, public: 'places are public reference data' },
  'POST /api/v1/auth/login': { none: 'no record: signing in' },
  'POST /api/v1/auth/logout': { none: 'the caller\'s own session', skip: 'logout ends the token this matrix uses (auth.test.js)' },
  'GET /api/v1/auth/me': { none: 'the caller itself' },
  'GET /api/v1/audit': { q: (s) => `under=${rec[s].village}` },
  'GET /api/v1/grids': { q: (s) => `under=${rec[s].village}` },
  'POST /api/v1/grids': { body: (s) => ({ village_code: rec[s].village, name: '矩阵网格' }) },
  'GET /api/v1/grids/{code}': { path: (s) => `/grids/${rec[s].grid}` },
  'PATCH /api/v1/grids/{code}': { path: (s) => `/grids/${rec[s].grid}`, body: () => ({ note: '矩阵改' }) },
  'GET /api/v1/buildings': { q: (s) => `under=${rec[s].grid}` },
  'POST /api/v1/buildings': { body: (s) => ({ grid_code: onGrid(s), name: '矩阵栋', kind: 'building' }) },
  'POST /api/v1/buildings/{code}/move': { path: (s) => `/buildings/${rec[s].building}/move`, body: (s) => ({ grid_code: rec.in.grid }) },
  'GET /api/v1/households': { q: (s) => `under=${rec[s].village}` },
  'POST /api/v1/households': { body: (s) => ({ place_code: rec[s].building, address: '矩阵户' }) },
  'GET /api/v1/households/{id}': { path: (s) => `/households/${rec[s].household}` },
  'PATCH /api/v1/households/{id}': { path: (s) => `/households/${rec[s].household}`, body: () => ({ phone: '13800002222' }) },
  'GET /api/v1/residents': { q: (s) => `under=${rec[s].village}` },
  'POST /api/v1/residents': { body: (s) => ({ household_id: rec[s].household, name: '矩阵人', gender: 'female', birth_date: '2000-01-01', relation: '女' }) },
  'GET /api/v1/residents/template': { none: 'a blank form' },
  'GET /api/v1/residents/export': { q: (s) => `under=${rec[s].village}&format=csv` },
  'POST /api/v1/residents/import': { raw: (s) => `户号,姓名,性别,出生日期,与户主关系\n${rec[s].household},矩阵导入,男,1990-01-01,子\n` , q: (s) => `under=${rec[s].village}` },
  'GET /api/v1/residents/{id}': { path: (s) => `/residents/${rec[s].resident}` },
  'PATCH /api/v1/residents/{id}': { path: (s) => `/residents/${rec[s].resident}`, body: () => ({ phone: '13800003333' }) },
  'POST /api/v1/residents/{id}/events': { path: (s) => `/residents/${rec[s].resident}/events`, body: () => ({ kind: 'move_out', date: '2025-06-01' }) },
  'GET /api/v1/grid-roles': { q: (s) => `under=${rec[s].village}` },
  'POST /api/v1/grid-roles': { body: (s) => ({ place_code: rec[s].grid, role: 'leader', resident_id: rec[s].resident }) },
  'POST /api/v1/grid-roles/{id}/end': { path: (s) => `/grid-roles/${rec[s].role}/end` },
  'GET /api/v1/visits': { q: (s) => `under=${rec[s].village}` },
  'POST /api/v1/visits': { body: (s) => ({ household_id: rec[s].household, visited_on: '2025-02-02', findings: '矩阵走访' }) },
  'GET /api/v1/visits/overdue': { q: (s) => `under=${rec[s].village}` },
  'POST /api/v1/visits/{id}/resolve': { path: (s) => `/visits/${rec[s].visit}/resolve`, body: () => ({ resolution: '矩阵处理' }) },
  'GET /api/v1/care-tags': { none: 'the list of tags is shared; its counts are the caller\'s', q: () => '' },
  'POST /api/v1/care-tags': { none: 'tags are shared words, not records of a place', body: () => ({ tag: SECRET.tag }), skipIn: true },
  'GET /api/v1/cases': { q: (s) => `under=${rec[s].village}` },
  'POST /api/v1/cases': { body: (s) => ({ place_code: rec[s].village, channel: 'phone', title: '矩阵诉求', content: '矩阵' }) },
  'GET /api/v1/cases/figures': { q: (s) => `under=${rec[s].village}` },
  'POST /api/v1/cases/carry-over': { body: (s) => ({ under: rec[s].village, year: 2025 }) },
  'GET /api/v1/cases/poster': { q: (s) => `place=${rec[s].village}&format=svg` },
  'GET /api/v1/cases/{id}': { path: (s) => `/cases/${rec[s].case.id}` },
  'POST /api/v1/cases/{id}/actions': { path: (s) => `/cases/${rec[s].case.id}/actions`, body: () => ({ action: 'note', note: '矩阵备注' }) },
  'POST /api/v1/cases/{id}/files': { path: (s) => `/cases/${rec[s].case.id}/files`, raw: () => Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex'), type: 'image/png' },
  'GET /api/v1/cases/{id}/files/{file}': { path: (s) => `/cases/${rec[s].case.id}/files/${rec[s].file}` },
  'GET /api/v1/case-settings/{code}': { path: (s) => `/case-settings/${rec[s].village}` },
  'PUT /api/v1/case-settings/{code}': { path: (s) => `/case-settings/${rec[s].village}`, body: () => ({ due_days: 6 }) },
  'GET /api/v1/departments': { q: (s) => `under=${s === 'in' ? '422802' : '421003'}` },
  'POST /api/v1/departments': { body: (s) => ({ place_code: s === 'in' ? '422802' : '421003', name: `矩阵局${s}` }) },
  'POST /api/v1/departments/{id}/members': { path: (s) => `/departments/${rec[s].department}/members`, body: () => ({ username: 's-cadre' }) },
  'GET /api/v1/case-resources': { q: (s) => `under=${rec[s].village}` },
  'POST /api/v1/case-resources': { body: (s) => ({ place_code: rec[s].village, name: '矩阵资源', category: 'other' }) },
  'DELETE /api/v1/case-resources/{id}': { path: (s) => `/case-resources/${rec[s].resource}` },
  'GET /api/v1/public/places/{code}': { path: (s) => `/public/places/${rec[s].village}`, public: 'the QR poster\'s place: public' },
  'POST /api/v1/public/cases': { none: 'anyone may report at any place (QR poster)', skip: 'tests/api/cases.test.js' },
  'GET /api/v1/public/cases/{tracking}': { path: (s) => `/public/cases/${rec[s].case.tracking_code}`, public: 'the tracking code is the reporter\'s key', shows: ['title', 'content'] },
  'POST /api/v1/public/cases/{tracking}/evaluate': { none: 'the tracking code is the reporter\'s key', skip: 'tests/api/cases.test.js' },
  'POST /api/v1/public/cases/{tracking}/files': { none: 'the tracking code is the reporter\'s key', skip: 'tests/api/cases.test.js' },
  'GET /api/v1/public/cases/{tracking}/files/{file}': { path: (s) => `/public/cases/${rec[s].case.tracking_code}/files/${rec[s].file}`, public: 'the tracking code is the reporter\'s key' },
  // council: resolutions to work (issue 5)
  'GET /api/v1/council/resolutions/{id}': { path: (s) => `/council/resolutions/${rec[s].resolution}` },
  'POST /api/v1/council/resolutions/{id}/cases': { path: (s) => `/council/resolutions/${rec[s].resolution}/cases`, body: (s) => ({ case_id: rec[s].case.id }) },
  'POST /api/v1/council/resolutions/{id}/publish': { path: (s) => `/council/resolutions/${rec[s].resolution}/publish` },
  'POST /api/v1/council/resolutions/{id}/result': { path: (s) => `/council/resolutions/${rec[s].resolution}/result`, body: () => ({ text: '矩阵落实结果' }) },
  'GET /api/v1/council/cases/{id}/resolutions': { path: (s) => `/council/cases/${rec[s].case.id}/resolutions` },
  // council: recall (issue 5)
  'GET /api/v1/council/recalls': { q: (s) => `under=${s === 'in' ? IN : '421003003201'}` },
  'POST /api/v1/council/recalls': { body: (s) => ({ member_id: rec[s].committee, reason: '矩阵罢免', basis: 'voters', signers: 1 }) },
  'GET /api/v1/council/recalls/{id}': { path: (s) => `/council/recalls/${rec[s].recall}` },
  'POST /api/v1/council/recalls/{id}/count': { path: (s) => `/council/recalls/${rec[s].recall}/count`, body: () => ({ cast: 1, approve: 0 }) },
};

function request(r, e, side, token) {
  let path = '/api/v1' + (e.path ? e.path(side) : r.pattern.slice('/api/v1'.length));
  const q = e.q ? e.q(side) : '';
  if (q) path += '?' + q;
  const opts = { token };
  if (e.body) opts.body = e.body(side);
  else if (e.raw) { opts.raw = typeof e.raw === 'function' ? Buffer.from(e.raw(side)) : e.raw; opts.headers = { 'content-type': e.type || 'text/csv' }; }
  return api(srv.base, r.method, path, opts);
}

// e.shows: the outside words a route shows by design (a reporter's own case by its tracking
// code shows its title and content — never the reporter's name or phone).
const leaks = (text, e = {}) => Object.entries(SECRET).filter(([k, m]) => !(e.shows || []).includes(k) && text.includes(m)).map(([, m]) => m);
let calls = 0, outside = 0;

test('every route has an entry in the scope matrix', () => {
  const missing = routes.map((r) => `${r.method} ${r.pattern}`).filter((k) => !entries[k]);
  assert.deepEqual(missing, [], 'add these routes to entries in tests/api/scope.test.js');
  const stale = Object.keys(entries).filter((k) => !routes.some((r) => `${r.method} ${r.pattern}` === k));
  assert.deepEqual(stale, []);
  for (const [k, e] of Object.entries(entries)) {
    const pattern = k.split(' ')[1];
    if (pattern.includes('{') && !e.path && !e.skip) assert.fail(`${k}: an entry with a path parameter needs path()`);
  }
});

test('the outside records are what the test thinks they are', async () => {
  // The national admin sees them: so the markers do appear where scope allows.
  const r = await api(srv.base, 'GET', `/api/v1/residents/${rec.out.resident}`, { token: tok.national });
  assert.equal(r.status, 200);
  assert.ok(r.text.includes(SECRET.resident) && r.text.includes(SECRET.id));
  const c = await api(srv.base, 'GET', `/api/v1/cases/${rec.out.case.id}`, { token: tok.national });
  assert.ok(c.text.includes(SECRET.title) && c.text.includes(SECRET.reporterPhone));
});

test('reads: every route × every role × inside and outside', async () => {
  for (const r of routes.filter((x) => x.method === 'GET')) {
    const e = entries[`${r.method} ${r.pattern}`];
    if (e.skip) continue;
    for (const role of ROLES) {
      for (const side of ['in', 'out']) {
        const res = await request(r, e, side, tok[role]);
        calls++;
        const where = `${role} ${side} ${r.method} ${r.pattern}: ${res.status} ${res.text.slice(0, 160)}`;
        assert.ok(res.status < 500, where);
        if (!r.public && !r.roles.includes(role)) assert.equal(res.status, 403, where);
        else if (side === 'out' && !e.none && !e.public) { assert.equal(res.status, 404, where); outside++; }
        assert.deepEqual(leaks(res.text, e), [], `outside data in ${where}`);
      }
    }
    // Without a session.
    if (!r.public) assert.equal((await request(r, e, 'in', undefined)).status, 401, r.pattern);
  }
});

test('writes aimed outside: 403 or 404, and nothing changes', async () => {
  const before = fingerprint();
  for (const r of routes.filter((x) => x.method !== 'GET')) {
    const e = entries[`${r.method} ${r.pattern}`];
    if (e.skip || e.none) continue;
    for (const role of ROLES) {
      const res = await request(r, e, 'out', tok[role]);
      calls++;
      const where = `${role} out ${r.method} ${r.pattern}: ${res.status} ${res.text.slice(0, 160)}`;
      if (!r.roles.includes(role)) assert.equal(res.status, 403, where);
      else { assert.equal(res.status, 404, where); outside++; }
      assert.deepEqual(leaks(res.text, e), [], `outside data in ${where}`);
    }
    if (!r.public) assert.equal((await request(r, e, 'out', undefined)).status, 401, r.pattern);
  }
  assert.equal(fingerprint(), before, 'a write aimed outside the caller\'s scope changed the database');
});

test('writes inside: allowed roles reach the handler, never a 500 or outside data', async () => {
  for (const r of routes.filter((x) => x.method !== 'GET')) {
    const e = entries[`${r.method} ${r.pattern}`];
    if (e.skip || e.skipIn || e.none) continue;
    for (const role of ROLES) {
      const res = await request(r, e, 'in', tok[role]);
      calls++;
      const where = `${role} in ${r.method} ${r.pattern}: ${res.status} ${res.text.slice(0, 160)}`;
      assert.ok(res.status < 500, where);
      if (!r.roles.includes(role)) assert.equal(res.status, 403, where);
      else assert.ok(![401, 403].includes(res.status), where);
      assert.deepEqual(leaks(res.text, e), [], `outside data in ${where}`);
    }
  }
  console.log(`# scope matrix: ${calls} calls over ${routes.length} routes × ${ROLES.length} roles × inside/outside; ${outside} outside calls answered 404`);
  assert.ok(srv.alive());
});
