// catalogue.test.js — the bad-input catalogue, generated from the route table (`gongzhi routes`):
// every write route gets invalid UTF-8, malformed JSON, a body that is not an object, duplicate
// keys, an oversized body, an unknown field, each required field missing, each field of the
// wrong JSON type, and per kind of field its own bad values (over-long and control-character
// text, SQL injection, huge, negative and fractional numbers, codes and ids that do not exist,
// bad check digits, impossible and out-of-range dates, bad phones, wrong words). Each must get
// the documented 4xx and leave the database exactly as it was (a hash of every table before and
// after, read with the sqlite3 CLI); then the route's valid body must succeed and change it, so a
// refusal is known to come from the bad field. A write route without an entry fails the test.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { startServer, api, login, BIN, ADMIN_PASSWORD } from '../lib/server.js';

const VILLAGE = '422802107213';
const OTHER_VILLAGE = '421003003006';
const routes = execFileSync(BIN, ['routes'], { encoding: 'utf8', env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=0' } })
  .trim().split('\n').map((l) => JSON.parse(l));
const ROLES = ['official', 'cadre', 'supervisor', 'spokesperson', 'department', 'resident'];
const PASSWORD = 'catalogue-pass-1';

function citizenId(first17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * w[i], 0);
  return first17 + '10X98765432'[sum % 11];
}
let serial = 0;
const uniq = (s) => `${s}${++serial}`;
const freshId = () => citizenId(`42280219900101${String(101 + 2 * ++serial).slice(-3)}`); // born 1990-01-01, male (odd 17th digit)
const badCheck = (id) => id.slice(0, 17) + (id[17] === '0' ? '1' : '0');

let srv;
const tok = {};
const ids = {};

// A hash of every table's content but the sessions (sign-ins are not writes of these routes).
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
    users: ROLES.map((r) => ({ name: `c-${r}`, role: r, scope: ['official', 'department'].includes(r) ? '422802' : VILLAGE, password: PASSWORD })),
  });
  tok.admin = await login(srv.base, 'admin', ADMIN_PASSWORD);
  for (const r of ROLES) tok[r] = await login(srv.base, `c-${r}`, PASSWORD);
  const c = async (m, p, b, who = 'cadre') => {
    const r = await api(srv.base, m, '/api/v1' + p, { token: tok[who], body: b });
    assert.ok(r.status < 300, `${m} ${p}: ${r.text}`);
    return r.body;
  };
  ids.grid = (await c('POST', '/grids', { village_code: VILLAGE, name: '目录网格' })).code;
  ids.grid2 = (await c('POST', '/grids', { village_code: VILLAGE, name: '目录二组' })).code;
  ids.building = (await c('POST', '/buildings', { grid_code: ids.grid, name: '1栋', kind: 'building' })).code;
  ids.mover = (await c('POST', '/buildings', { grid_code: ids.grid, name: '搬迁栋', kind: 'courtyard' })).code;
  ids.household = (await c('POST', '/households', { place_code: ids.building, address: '目录1号' })).id;
  ids.resident = (await c('POST', '/residents', { household_id: ids.household, name: '目录人', gender: 'male', birth_date: '1990-01-01', relation: '户主', id_number: freshId() })).id;
  ids.resident2 = (await c('POST', '/residents', { household_id: ids.household, name: '目录二', gender: 'female', birth_date: '1992-02-02', relation: '配偶' })).id;
  ids.resident3 = (await c('POST', '/residents', { household_id: ids.household, name: '目录三', gender: 'male', birth_date: '2015-03-03', relation: '子' })).id;
  ids.visit = (await c('POST', '/visits', { household_id: ids.household, visited_on: '2025-01-01', findings: '漏水', follow_up: true })).id;
  ids.case = await c('POST', '/cases', { place_code: VILLAGE, channel: 'phone', title: '目录诉求', content: '目录' });
  ids.department = (await c('POST', '/departments', { place_code: '422802', name: '目录部门' }, 'admin')).id;
  ids.resource = (await c('POST', '/case-resources', { place_code: VILLAGE, name: '目录志愿队', category: 'volunteers' })).id;
  ids.role = (await c('POST', '/grid-roles', { place_code: ids.grid, role: 'member', resident_id: ids.resident })).id;
  ids.outside = (await c('POST', '/grids', { village_code: OTHER_VILLAGE, name: '外村网格' }, 'admin')).code;
  // council: resolutions to work (issue 5) — two passed resolutions of a 居民议事堂: one to link
  // cases to and publish, one already published for its result.
  ids.meeting5 = (await c('POST', '/council/meetings', { place_code: VILLAGE, type: 'hall', title: '目录会议', venue: '议事堂', starts_at: '2026-12-01T09:00:00+08:00' })).id;
  await c('POST', `/council/meetings/${ids.meeting5}/items`, { title: '目录议题' });
  for (const action of ['fix', 'open']) await c('POST', `/council/meetings/${ids.meeting5}/actions`, { action });
  await c('POST', `/council/meetings/${ids.meeting5}/attendance`, { resident_id: ids.resident });
  for (const k of ['resolution', 'resolutionPublished']) {
    const v = (await c('POST', `/council/meetings/${ids.meeting5}/votes`, { question: k, method: 'open', yes: 1, no: 0, abstain: 0 })).id;
    ids[k] = (await c('POST', `/council/meetings/${ids.meeting5}/resolutions`, { vote_id: v, text: `目录决议${k}` })).id;
  }
  await c('POST', `/council/resolutions/${ids.resolutionPublished}/publish`);
  // council: recall (issue 5) — two committee members of the village, its voter list published
  // (two voters with hukou here), a petition against the second waiting for its count.
  const voters = []
  for (const name of ['罢免甲', '罢免乙']) voters.push((await c('POST', '/residents', { household_id: ids.household, name, gender: 'male', birth_date: '1970-01-01', relation: '其他', hukou: 'local' })).id);
  const day = new Date(Date.now() + 8 * 3600e3 + 30 * 86400e3).toISOString().slice(0, 10);
  const el = (await c('POST', '/council/elections', { place_code: VILLAGE, kind: 'committee', title: '目录换届', seats: 1, election_day: day })).id;
  await c('POST', `/council/elections/${el}/electors`, { from_registry: true });
  await c('POST', `/council/elections/${el}/actions`, { action: 'publish' });
  ids.committee = (await c('POST', '/council/members', { place_code: VILLAGE, resident_id: voters[0], kind: 'committee' })).id;
  const second = (await c('POST', '/council/members', { place_code: VILLAGE, resident_id: voters[1], kind: 'committee' })).id;
  ids.recall = (await c('POST', '/council/recalls', { member_id: second, reason: '目录理由', basis: 'voters', signers: 1 })).id;
});
after(async () => { await srv.stop(); });

function fill(pattern, key) {
  return pattern
    .replace('/grids/{code}', `/grids/${ids.grid}`)
    .replace('/buildings/{code}', `/buildings/${ids.mover}`)
    .replace('/households/{id}', `/households/${ids.household}`)
    .replace('/residents/{id}', `/residents/${key === 'events' ? ids.resident2 : ids.resident}`)
    .replace('/grid-roles/{id}', `/grid-roles/${ids.role}`)
    .replace('/visits/{id}', `/visits/${ids.visit}`)
    .replace('/cases/{id}', `/cases/${ids.case.id}`)
    .replace('/cases/{tracking}', `/cases/${ids.case.tracking_code}`)
    .replace('/case-settings/{code}', `/case-settings/${VILLAGE}`)
    .replace('/departments/{id}', `/departments/${ids.department}`)
    .replace('/case-resources/{id}', `/case-resources/${ids.resource}`)
    // council: resolutions to work (issue 5)
    .replace('/council/resolutions/{id}/result', `/council/resolutions/${ids.resolutionPublished}/result`)
    .replace('/council/resolutions/{id}', `/council/resolutions/${ids.resolution}`)
    .replace('/council/recalls/{id}', `/council/recalls/${ids.recall}`);
}

// Kinds of field and their bad values: [value, allowed statuses].
const BAD = {
  text: [['', [400, 422]], ['  \t ', [400, 422]], ['a\u0007b', [400, 401, 422]], ['字'.repeat(5000), [413, 422]]],
  code: [['', [400, 404, 422]], ['999999999999', [404, 422]], ['4228021072130019999', [404, 422]], ['42a802', [404, 422]],
    ["' OR '1'='1", [404, 422]], [OTHER_VILLAGE, [404, 409, 422]], ['-1', [404, 422]]],
  id: [[0, [400, 404, 422]], [-1, [404, 422]], [9007199254740991, [404, 422]], [999999, [404, 422]], [1.5, [400]]],
  int: [[-1, [400, 422]], [0, [400, 422]], [2147483648, [400, 422]], [9007199254740991, [400, 422]], [1.5, [400]]],
  date: [['2024-02-30', [422]], ['2024-13-01', [422]], ['1899-12-31', [422]], ['2999-01-01', [422]], ['20240101', [422]], ['yesterday', [422]], ['', [400, 422]]],
  phone: [['abc', [422]], ['12', [422]], ['1'.repeat(21), [422]], ["13800000000' --", [422]]],
  citizen: [['badcheck', [422]], ['12345', [422]], ['42280219900230001X', [422]], ['42280229990101001X', [422]]],
  word: [['nonsense', [400, 404, 409, 422]], ["x' OR 1=1 --", [400, 404, 409, 422]], ['', [400, 404, 422]]],
  bool: [['true', [400]], [1, [400]]],
  tags: [['老年人', [400]], [[1], [400, 422]], [['不存在的标签'], [404, 422]]],
};
const WRONG_TYPE = { text: 12345, code: 42, id: '1', int: '5', date: 20240101, phone: 13800000000, citizen: 4228, word: 7, bool: 'yes', tags: {} };
// Text that looks like SQL: stored as text (2xx) or refused (4xx), never executed.
const INJECTION = ["'); DROP TABLE households; --", "1' OR '1'='1", '"; DELETE FROM audit_log; --'];

// One entry per write route: who calls it, a valid body (a function: values must be fresh), the
// kind of each field, the required ones, and the status of the valid call (null: the valid
// call cannot be repeated here, with why).
const catalogue = {
  'POST /api/v1/auth/login': { who: null, body: () => ({ username: 'c-cadre', password: PASSWORD }), fields: { username: 'word', password: 'word' }, required: ['username', 'password'], also: [401], ok: 200 },
  'POST /api/v1/auth/logout': { who: 'spare', nobody: true, ok: 200 },
  'POST /api/v1/grids': { body: () => ({ village_code: VILLAGE, name: uniq('网格'), note: '说明' }), fields: { village_code: 'code', name: 'text', note: 'text' }, required: ['village_code', 'name'], ok: 201 },
  'PATCH /api/v1/grids/{code}': { body: () => ({ name: uniq('改名网格'), note: '改' }), fields: { name: 'text', note: 'text' }, ok: 200 },
  'POST /api/v1/buildings': { body: () => ({ grid_code: ids.grid, name: uniq('栋'), kind: 'building', address: '高峰村' }), fields: { grid_code: 'code', name: 'text', kind: 'word', address: 'text' }, required: ['grid_code', 'name', 'kind'], ok: 201 },
  'POST /api/v1/buildings/{code}/move': { body: () => ({ grid_code: ids.grid2 }), fields: { grid_code: 'code' }, required: ['grid_code'], ok: 200 },
  'POST /api/v1/households': { body: () => ({ place_code: ids.building, address: uniq('目录户'), phone: '13812345678' }), fields: { place_code: 'code', address: 'text', phone: 'phone' }, required: ['place_code', 'address'], ok: 201 },
  'PATCH /api/v1/households/{id}': { body: () => ({ address: uniq('改址'), phone: '13812345679' }), fields: { address: 'text', phone: 'phone', head_id: 'id' }, ok: 200 },
  'POST /api/v1/residents': {
    body: () => ({ household_id: ids.household, name: uniq('住户'), gender: 'male', birth_date: '1990-01-01', relation: '子', id_number: freshId(), phone: '13900001234', ethnicity: '汉族', hukou: 'local', political: '群众' }),
    fields: { household_id: 'id', name: 'text', gender: 'word', birth_date: 'date', relation: 'word', id_number: 'citizen', phone: 'phone', ethnicity: 'text', hukou: 'word', political: 'text', tags: 'tags', arrival: 'date' },
    required: ['household_id', 'name', 'gender', 'birth_date', 'relation'], ok: 201,
  },
  'POST /api/v1/residents/import': { raw: true, ok: null, why: 'tests/api/registry-io.test.js imports valid files' },
  'PATCH /api/v1/residents/{id}': { body: () => ({ name: uniq('改名'), phone: '13900004321' }), fields: { name: 'text', phone: 'phone', birth_date: 'date', id_number: 'citizen', gender: 'word', tags: 'tags' }, ok: 200 },
  'POST /api/v1/residents/{id}/events': { key: 'events', body: () => ({ kind: 'move_out', date: '2025-03-02', note: '外出务工' }), fields: { kind: 'word', date: 'date', note: 'text' }, required: ['kind', 'date'], ok: 200 },
  'POST /api/v1/grid-roles': { body: () => ({ place_code: ids.grid, role: 'member', resident_id: ids.resident3 }), fields: { place_code: 'code', role: 'word', resident_id: 'id' }, required: ['place_code', 'role'], ok: 201 }, // user_id 0 counts as absent (registry.test.js checks a user alongside a resident)
  'POST /api/v1/grid-roles/{id}/end': { nobody: true, ok: 200 },
  'POST /api/v1/visits': { body: () => ({ household_id: ids.household, visited_on: '2025-05-06', findings: '一切正常', follow_up: true }), fields: { household_id: 'id', visited_on: 'date', findings: 'text', follow_up: 'bool' }, required: ['household_id', 'visited_on', 'findings'], ok: 201 },
  'POST /api/v1/visits/{id}/resolve': { body: () => ({ resolution: '已联系家属' }), fields: { resolution: 'text' }, required: ['resolution'], ok: 200 },
  'POST /api/v1/care-tags': { body: () => ({ tag: uniq('标签') }), fields: { tag: 'text' }, required: ['tag'], ok: 201 },
  'POST /api/v1/cases': {
    body: () => ({ place_code: VILLAGE, channel: 'phone', type: 'problem', title: uniq('路灯'), content: '一组路灯坏了', reporter_name: '王大妈', reporter_phone: '13712345678', household_id: ids.household }),
    fields: { place_code: 'code', channel: 'word', type: 'word', title: 'text', content: 'text', reporter_name: 'text', reporter_phone: 'phone', household_id: 'id' },
    required: ['place_code', 'channel', 'title', 'content'], ok: 201,
  },
  'POST /api/v1/cases/carry-over': { body: () => ({ under: VILLAGE, year: 2025 }), fields: { under: 'code', year: 'int' }, required: ['under', 'year'], ok: 200 }, // an "under" above the caller's scope narrows to it (scope_intersect): not bad
  'POST /api/v1/cases/{id}/actions': { body: () => ({ action: 'note', note: uniq('跟进') }), fields: { action: 'word', note: 'text' }, required: ['action'], ok: 200 },
  'POST /api/v1/cases/{id}/files': { raw: true, ok: null, why: 'tests/api/cases.test.js uploads valid images' },
  'PUT /api/v1/case-settings/{code}': { body: () => ({ due_days: 5 + (serial++ % 3) }), fields: { due_days: 'int' }, required: ['due_days'], ok: 200 },
  'POST /api/v1/departments': { who: 'admin', body: () => ({ place_code: '422802', name: uniq('县局') }), fields: { place_code: 'code', name: 'text' }, required: ['place_code', 'name'], ok: 201 },
  'POST /api/v1/departments/{id}/members': { who: 'admin', body: () => ({ username: 'c-department' }), fields: { username: 'word' }, required: ['username'], ok: 200 },
  'POST /api/v1/case-resources': { body: () => ({ place_code: VILLAGE, name: uniq('志愿队'), category: 'volunteers', contact: '13800000000', note: '周末' }), fields: { place_code: 'code', name: 'text', category: 'word', contact: 'text', note: 'text' }, required: ['place_code', 'name', 'category'], ok: 201 },
  'DELETE /api/v1/case-resources/{id}': { nobody: true, ok: 200 },
  'POST /api/v1/public/cases': { who: null, body: () => ({ place_code: VILLAGE, type: 'problem', title: uniq('垃圾'), content: '村口垃圾没人清', reporter_name: '匿名', reporter_phone: '13700000000' }), fields: { place_code: 'code', type: 'word', title: 'text', content: 'text', reporter_name: 'text', reporter_phone: 'phone' }, required: ['place_code', 'title', 'content'], anyPlace: true, ok: 201 }, // a QR poster may hang in any village
  'POST /api/v1/public/cases/{tracking}/evaluate': { who: null, body: () => ({ rating: 'satisfied', note: '很快' }), fields: { rating: 'word', note: 'text' }, required: ['rating'], also: [409], ok: null, why: 'a case is evaluated once it is resolved (tests/api/cases.test.js)' },
  'POST /api/v1/public/cases/{tracking}/files': { who: null, raw: true, ok: null, why: 'tests/api/cases.test.js uploads valid images' },
  // council: resolutions to work (issue 5)
  'POST /api/v1/council/resolutions/{id}/cases': { body: () => ({ title: uniq('落实事项'), content: '按议事决议办理', type: 'problem', channel: 'hall', place_code: VILLAGE }), fields: { title: 'text', content: 'text', type: 'word', channel: 'word', place_code: 'code', case_id: 'id' }, required: [], ok: 201 },
  'POST /api/v1/council/resolutions/{id}/publish': { nobody: true, ok: 201 },
  'POST /api/v1/council/resolutions/{id}/result': { body: () => ({ text: '已按决议落实' }), fields: { text: 'text' }, required: ['text'], also: [409], ok: 201 },
  // council: recall (issue 5) — approve is not listed: 0 approvals is a valid count
  'POST /api/v1/council/recalls': { body: () => ({ member_id: ids.committee, reason: uniq('罢免理由'), basis: 'voters', signers: 1 }), fields: { member_id: 'id', reason: 'text', basis: 'word', signers: 'int' }, required: ['member_id', 'reason', 'basis', 'signers'], also: [409], ok: 201 },
  'POST /api/v1/council/recalls/{id}/count': { body: () => ({ cast: 1, approve: 1 }), fields: { cast: 'int' }, required: ['cast', 'approve'], also: [409], ok: 200 },
};

const writeRoutes = routes.filter((r) => r.write || r.method !== 'GET');

test('every write route has an entry in the catalogue', () => {
  const missing = writeRoutes.map((r) => `${r.method} ${r.pattern}`).filter((k) => !catalogue[k]);
  assert.deepEqual(missing, [], 'add these routes to the catalogue in tests/api/catalogue.test.js');
  const stale = Object.keys(catalogue).filter((k) => !writeRoutes.some((r) => `${r.method} ${r.pattern}` === k));
  assert.deepEqual(stale, [], 'entries for routes that no longer exist');
});

let tried = 0, injected = 0;
const families = {};

function expectStatus(res, allowed, what) {
  const where = `${what}: ${res.status} ${res.text.slice(0, 200)}`;
  assert.ok(allowed.includes(res.status), where);
  assert.ok(res.body && res.body.error && typeof res.body.error.code === 'string' && res.body.error.message, where);
  tried++;
}

for (const r of writeRoutes) {
  const key = `${r.method} ${r.pattern}`;
  const entry = catalogue[key];
  if (!entry) continue;
  test(`bad input: ${key}`, async () => {
    const who = entry.who === undefined ? (r.roles.includes('cadre') ? 'cadre' : 'admin') : entry.who;
    let token = who && tok[who];
    if (who === 'spare') token = await login(srv.base, 'c-cadre', PASSWORD);
    const path = fill(r.pattern, entry.key);
    const call = (opts) => api(srv.base, r.method, path, { token, ...opts });
    const json = (raw) => call({ raw, headers: { 'Content-Type': 'application/json' } });
    const start = tried;
    const before = fingerprint();

    if (entry.nobody) {
      expectStatus(await call({ body: { any: 1 } }), [400], `${key} with a body`);
      expectStatus(await json('{"a":'), [400], `${key} with a malformed body`);
    } else if (entry.raw) {
      for (const raw of [Buffer.alloc(0), Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x02]), Buffer.from('PK\x03\x04broken zip'), Buffer.from('a,b\n\xff\xfe,\n')]) {
        const res = await call({ raw, headers: { 'Content-Type': 'application/octet-stream' } });
        expectStatus(res, [400, 404, 409, 413, 415, 422], `${key} with ${raw.length} junk bytes`);
      }
    } else {
      const valid = entry.body();
      const field = Object.keys(entry.fields)[0];
      // The body as a whole.
      expectStatus(await json(Buffer.concat([Buffer.from(`{"${field}":"`), Buffer.from([0xff, 0xfe]), Buffer.from('"}')])), [400], `${key} invalid utf-8`);
      const utf8 = await json(Buffer.concat([Buffer.from(`{"${field}":"`), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')])); // a UTF-16 surrogate
      expectStatus(utf8, [400], `${key} surrogate`);
      assert.equal(utf8.body.error.code, 'invalid_utf8');
      // …and numbers past what JSON parsing holds (jansson refuses them: no silent wrap-around).
      for (const raw of ['{', 'null', '[]', '"text"', '12', `{"${field}":1,"${field}":2}`, '{"a":1}{"b":2}',
        `{"${field}":99999999999999999999}`, `{"${field}":-99999999999999999999}`, `{"${field}":1e400}`]) {
        expectStatus(await json(raw), [400], `${key} body ${raw}`);
      }
      const big = JSON.stringify({ ...valid, note: 'x'.repeat(r.body_max) });
      expectStatus(await json(big), [413], `${key} body of ${big.length} bytes`);
      let res = await call({ body: { ...valid, zz_unknown: 1 } });
      expectStatus(res, [400], `${key} unknown field`);
      assert.deepEqual([res.body.error.code, res.body.error.field], ['unknown_field', 'zz_unknown']);
      for (const f of entry.required || []) {
        const b = { ...valid };
        delete b[f];
        res = await call({ body: b });
        expectStatus(res, [400], `${key} without ${f}`);
        assert.equal(res.body.error.code, 'missing_field', `${key} without ${f}`);
        res = await call({ body: { ...valid, [f]: null } });
        expectStatus(res, [400], `${key} with ${f} null`);
      }
      // Field by field.
      for (const [f, kind] of Object.entries(entry.fields)) {
        res = await call({ body: { ...valid, [f]: WRONG_TYPE[kind] } });
        expectStatus(res, [400], `${key} ${f} of the wrong type`);
        assert.deepEqual([res.body.error.code, res.body.error.field], ['invalid_type', f], `${key} ${f} of the wrong type`);
        const required = (entry.required || []).includes(f);
        for (const [v, allowed] of BAD[kind]) {
          // An empty or blank optional field means "none": bad only where the field is required.
          if (!required && typeof v === 'string' && !v.trim()) continue;
          if (entry.anyPlace && v === OTHER_VILLAGE) continue;
          let value = v;
          if (kind === 'citizen' && v === 'badcheck') value = badCheck(freshId());
          res = await call({ body: { ...valid, [f]: value } });
          expectStatus(res, allowed.concat(entry.also || []), `${key} ${f}=${JSON.stringify(value).slice(0, 40)}`);
        }
      }
    }
    const after = fingerprint();
    assert.equal(after, before, `${key}: a refused request changed the database`);
    families[key] = tried - start;

    // The valid request succeeds and writes: the refusals came from the bad fields.
    if (entry.ok !== null) {
      const mark = fingerprint();
      const res = entry.nobody ? await call({}) : await call({ body: entry.body() });
      assert.equal(res.status, entry.ok, `${key} valid: ${res.text.slice(0, 300)}`);
      if (key !== 'POST /api/v1/auth/login' && key !== 'POST /api/v1/auth/logout') assert.notEqual(fingerprint(), mark, `${key}: the valid write changed nothing`);
    } else {
      assert.ok(entry.why, `${key}: say why the valid call is not made here`);
    }
    // Text that looks like SQL is data: stored verbatim or refused, the tables intact.
    if (!entry.raw && !entry.nobody) {
      for (const [f, kind] of Object.entries(entry.fields)) {
        if (kind !== 'text') continue;
        for (const s of INJECTION) {
          const res = await call({ body: { ...entry.body(), [f]: s } });
          assert.ok(res.status < 500, `${key} ${f}: ${res.status} ${res.text}`);
          if (res.status < 300 && res.body && typeof res.body[f] === 'string') assert.equal(res.body[f], s, `${key} ${f} stored verbatim`);
          injected++;
        }
        break; // one text field per route is enough for this
      }
      const q = execFileSync('sqlite3', ['-readonly', join(srv.dataDir, 'gongzhi.db'), 'SELECT count(*) FROM households; SELECT count(*) FROM audit_log;'], { encoding: 'utf8' });
      assert.match(q, /^\d+\n\d+\n$/, 'the tables are still there');
    }

  });
}

test('the figures', () => {
  const covered = Object.keys(families).length;
  assert.equal(covered, writeRoutes.length);
  console.log(`# bad-input catalogue: ${tried} bad requests over ${covered} write routes, every one refused with its 4xx and nothing written; ${injected} SQL-looking texts stored verbatim or refused`);
  assert.ok(srv.alive());
});
