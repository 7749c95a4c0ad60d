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
  // The board: an entry to correct and a 四议两公开 at its proposal, inside; outside the cadre's
  // scope an entry, a case and a procedure (红光村: a community runs none).
  ids.entry = (await c('POST', '/board/entries', { place_code: VILLAGE, category: 'village', title: '目录公开', body: '目录公开正文' })).id;
  ids.proc = (await c('POST', '/board/procedures', { place_code: VILLAGE, title: '目录议事', held_on: '2025-01-01', document: '党支部提议' })).id;
  ids.outsideEntry = (await c('POST', '/board/entries', { place_code: OTHER_VILLAGE, category: 'village', title: '外村公开', body: '外村' }, 'admin')).id;
  ids.outsideCase = (await c('POST', '/cases', { place_code: OTHER_VILLAGE, channel: 'phone', title: '外村诉求', content: '外村' }, 'admin')).id;
  ids.outsideProc = (await c('POST', '/board/procedures', { place_code: '421003003201', title: '外村议事', held_on: '2025-01-01', document: '外村提议' }, 'admin')).id;
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
    .replace('/board/entries/{id}', `/board/entries/${ids.entry}`)
    .replace('/board/procedures/{id}', `/board/procedures/${ids.proc}`)
    .replace('/board-settings/{code}', `/board-settings/${VILLAGE}`)
    .replace('/board-rules/{code}', `/board-rules/${VILLAGE}`)
    .replace(/^\/api\/v1\/council\/.*/, councilPath)
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
  // A board entry's body or a procedure's document: up to 10,000 characters, lines allowed.
  longtext: [['', [400, 422]], ['  \n ', [400, 422]], ['a\u0007b', [400, 422]], ['字'.repeat(10001), [413, 422]]],
  period: [['2025-13', [422]], ['2025-00', [422]], ['2025-Q0', [422]], ['2025-Q5', [422]], ['1899', [422]], ['25', [422]], ['2025-1', [422]], ["' OR 1", [422]]],
  // A quorum's numerator: 0 is a fraction (no quorum), above the denominator is not.
  share: [[-1, [422]], [101, [422]], [2147483648, [422]], [9007199254740991, [422]], [1.5, [400]]],
  // A meeting's record, against the valid {for 5, against 1, abstain 0, present 7, due 9}.
  votes: [
    [{ for: -1, against: 1, abstain: 0, present: 7, due: 9 }, [422]], [{ for: 5, against: 1, abstain: 0, present: -7, due: 9 }, [422]],
    [{ for: 5, against: 1, abstain: 0, present: 7, due: 10000001 }, [422]], [{ for: 5, against: 1, abstain: 0, present: 7, due: 9007199254740991 }, [422]],
    [{ for: 5, against: 1, abstain: 0, present: 10, due: 9 }, [422]], // present > due to attend
    [{ for: 5, against: 2, abstain: 1, present: 7, due: 9 }, [422]], // more votes than present
    [{ for: 0, against: 0, abstain: 0, present: 0, due: 0 }, [422]], // nobody due
    [{ for: 2, against: 0, abstain: 0, present: 4, due: 9 }, [422]], // below the quorum (quorum_not_met)
    [{ for: 5, against: 1, abstain: 0, present: 7 }, [400]], [{ for: '5', against: 1, abstain: 0, present: 7, due: 9 }, [400]],
    [{ for: 5.5, against: 1, abstain: 0, present: 7, due: 9 }, [400]], [{ for: 5, against: 1, abstain: 0, present: 7, due: 9, quorum: 1 }, [400]],
    [{}, [400]], [[5, 1, 0, 7, 9], [400]],
  ],
};
const WRONG_TYPE = { text: 12345, code: 42, id: '1', int: '5', date: 20240101, phone: 13800000000, citizen: 4228, word: 7, bool: 'yes', tags: {}, longtext: ['正文'], period: 2025, share: '1', votes: 'many' };
const tomorrow = () => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' }).format(new Date(Date.now() + 86400000));
// Text that looks like SQL: stored as text (2xx) or refused (4xx), never executed.
const INJECTION = ["'); DROP TABLE households; --", "1' OR '1'='1", '"; DELETE FROM audit_log; --'];

// One entry per write route: who calls it, a valid body (a function: values must be fresh), the
// kind of each field, the required ones, the status of the valid call (null: the valid call
// cannot be repeated here, with why), values: more bad values of one field that only the route
// has ({ field: () => [[value, allowed statuses], …] }), and extra: bad inputs only the route has
// (values wrong together, records outside the caller's scope): { what, body, allowed, path?, who? }.
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
  'POST /api/v1/board/entries': {
    body: () => ({ place_code: VILLAGE, category: 'village', title: uniq('村务公开'), body: '一、村道硬化\n二、低保评定', period: '2025-Q2', attachment: '2025-村务-01.pdf' }),
    fields: { place_code: 'code', category: 'word', title: 'text', body: 'longtext', period: 'period', attachment: 'text', case_id: 'id' },
    required: ['place_code', 'category', 'title', 'body'], ok: 201,
    extra: () => {
      const v = catalogue['POST /api/v1/board/entries'].body();
      return [
        { what: 'category procedure (only a procedure\'s 公开 steps publish it)', body: { ...v, category: 'procedure' }, allowed: [422] },
        { what: 'category supervision by the committees', body: { ...v, category: 'supervision' }, allowed: [403] },
        { what: 'a township\'s code', body: { ...v, place_code: '422802107' }, allowed: [404, 422] },
        { what: 'a case outside the caller\'s scope', body: { ...v, category: 'briefing', case_id: ids.outsideCase }, allowed: [404] },
        { what: 'a reason without a correction', body: { ...v, reason: '无' }, allowed: [400] },
        { what: 'a corrects field (a correction has its own route)', body: { ...v, corrects: ids.entry }, allowed: [400] },
      ];
    },
  },
  'POST /api/v1/board/entries/{id}/corrections': {
    body: () => ({ title: uniq('更正'), body: '更正后的内容', reason: '原公开金额有误', period: '2025-Q2' }),
    fields: { title: 'text', body: 'longtext', reason: 'text', period: 'period', attachment: 'text' },
    required: ['title', 'body', 'reason'], ok: 201, // once: after it the entry is corrected (409; board.test.js)
    extra: () => {
      const v = catalogue['POST /api/v1/board/entries/{id}/corrections'].body();
      return [
        { what: 'an entry outside the caller\'s scope', body: v, allowed: [404], path: `/board/entries/${ids.outsideEntry}/corrections` },
        { what: 'an entry that does not exist', body: v, allowed: [404], path: '/board/entries/99999999/corrections' },
        { what: 'an id that is not a number', body: v, allowed: [404], path: '/board/entries/1x/corrections' },
        { what: 'an id past 64 bits', body: v, allowed: [404], path: '/board/entries/99999999999999999999/corrections' },
        { what: 'another category (a correction keeps it)', body: { ...v, category: 'finance' }, allowed: [400] },
      ];
    },
  },
  'POST /api/v1/board/procedures': {
    body: () => ({ place_code: VILLAGE, title: uniq('村道硬化'), held_on: '2025-03-01', document: '党支部提议硬化一组村道', attachment: '提议书.pdf' }),
    fields: { place_code: 'code', title: 'text', held_on: 'date', document: 'longtext', attachment: 'text' },
    required: ['place_code', 'title', 'held_on', 'document'], ok: 201,
    extra: () => {
      const v = catalogue['POST /api/v1/board/procedures'].body();
      return [
        { what: 'held_on tomorrow', body: { ...v, held_on: tomorrow() }, allowed: [422] },
        { what: 'a proposal with votes', body: { ...v, votes: { for: 5, against: 1, abstain: 0, present: 7, due: 9 } }, allowed: [400] },
        { what: 'a community (a village\'s procedure)', body: { ...v, place_code: OTHER_VILLAGE }, allowed: [422], who: 'admin' },
        { what: 'a village outside the caller\'s scope', body: { ...v, place_code: '421003003201' }, allowed: [404] },
      ];
    },
  },
  'POST /api/v1/board/procedures/{id}/steps': {
    body: () => ({ step: 'consultation', held_on: '2025-01-05', document: uniq('两委联席会议商议'), votes: { for: 5, against: 1, abstain: 0, present: 7, due: 9 } }),
    fields: { step: 'word', held_on: 'date', document: 'longtext', attachment: 'text', meeting: 'word', votes: 'votes' },
    required: ['step', 'held_on', 'document', 'votes'], ok: 200, // steps out of order are 409 (board.test.js): after the valid one, the repeats below get it
    extra: () => {
      const v = catalogue['POST /api/v1/board/procedures/{id}/steps'].body();
      return [
        { what: 'held_on before the proposal', body: { ...v, held_on: '2024-12-31' }, allowed: [422] },
        { what: 'held_on tomorrow', body: { ...v, held_on: tomorrow() }, allowed: [422] },
        { what: 'a meeting named at a step that names none', body: { ...v, meeting: 'villagers' }, allowed: [422] },
        { what: 'a procedure outside the caller\'s scope', body: v, allowed: [404], path: `/board/procedures/${ids.outsideProc}/steps` },
        { what: 'a procedure that does not exist', body: v, allowed: [404], path: '/board/procedures/99999999/steps' },
        { what: 'a nested field too many', body: { ...v, votes: { ...v.votes, for: 99999999999 } }, allowed: [422] },
      ];
    },
  },
  'PUT /api/v1/board-settings/{code}': {
    body: () => ({ art30: true, finance_frequent: serial % 2 === 0, general_months: 1 + (serial++ % 3), major_days: 1 + (serial % 30) }),
    fields: { art30: 'bool', finance_frequent: 'bool', general_months: 'int', major_days: 'int' }, ok: 200,
    extra: () => {
      const v = catalogue['PUT /api/v1/board-settings/{code}'].body();
      return [
        { what: 'general_months 4 (Art. 30: at least quarterly)', body: { ...v, general_months: 4 }, allowed: [422] },
        { what: 'general_months 13', body: { ...v, general_months: 13 }, allowed: [422] },
        { what: 'major_days 31', body: { ...v, major_days: 31 }, allowed: [422] },
        { what: 'a place outside the caller\'s scope', body: v, allowed: [404], path: `/board-settings/${OTHER_VILLAGE}` },
        { what: 'the county above the caller\'s scope', body: v, allowed: [404], path: '/board-settings/422802' },
        { what: 'a code that is no place', body: v, allowed: [404], path: '/board-settings/42a802' },
        { what: 'a place that does not exist', body: v, allowed: [404], path: '/board-settings/422802107999' },
      ];
    },
  },
  'PUT /api/v1/board-rules/{code}': {
    body: () => ({ meeting: 'party', quorum_num: 2, quorum_den: 3, quorum_strict: false, pass_num: 1, pass_den: 2, pass_strict: true, pass_of: 'due', source: uniq('本县党员大会议事规则第') }),
    fields: { meeting: 'word', quorum_num: 'share', quorum_den: 'int', quorum_strict: 'bool', pass_num: 'int', pass_den: 'int', pass_strict: 'bool', pass_of: 'word', source: 'text' },
    required: ['meeting', 'quorum_num', 'quorum_den', 'quorum_strict', 'pass_num', 'pass_den', 'pass_strict', 'pass_of', 'source'], ok: 200,
    extra: () => {
      const v = catalogue['PUT /api/v1/board-rules/{code}'].body();
      return [
        { what: 'a quorum above 1 (3/2)', body: { ...v, quorum_num: 3, quorum_den: 2 }, allowed: [422] },
        { what: 'a majority above 1 (2/1)', body: { ...v, pass_num: 2, pass_den: 1 }, allowed: [422] },
        { what: 'a denominator of 101', body: { ...v, quorum_num: 1, quorum_den: 101 }, allowed: [422] },
        { what: 'a pass denominator of 101', body: { ...v, pass_den: 101 }, allowed: [422] },
        { what: 'pass_of in capitals', body: { ...v, pass_of: 'DUE' }, allowed: [422] },
        { what: 'a place outside an official\'s scope', body: v, allowed: [404], path: `/board-rules/${OTHER_VILLAGE}`, who: 'official' },
        { what: 'a place that does not exist', body: v, allowed: [404], path: '/board-rules/422802107999' },
        { what: 'the whole country\'s default (by code)', body: v, allowed: [404], path: '/board-rules/CN' },
      ];
    },
  },
  'POST /api/v1/public/cases': { who: null, body: () => ({ place_code: VILLAGE, type: 'problem', title: uniq('垃圾'), content: '村口垃圾没人清', reporter_name: '匿名', reporter_phone: '13700000000' }), fields: { place_code: 'code', type: 'word', title: 'text', content: 'text', reporter_name: 'text', reporter_phone: 'phone' }, required: ['place_code', 'title', 'content'], anyPlace: true, ok: 201 }, // a QR poster may hang in any village
  'POST /api/v1/public/cases/{tracking}/evaluate': { who: null, body: () => ({ rating: 'satisfied', note: '很快' }), fields: { rating: 'word', note: 'text' }, required: ['rating'], also: [409], ok: null, why: 'a case is evaluated once it is resolved (tests/api/cases.test.js)' },
  'POST /api/v1/public/cases/{tracking}/files': { who: null, raw: true, ok: null, why: 'tests/api/cases.test.js uploads valid images' },
  // council (议事协商): the records they need are made by the council setup block below; their
  // `values` are [value, statuses] tried on top of a kind's own (the rule a field breaks by its value).
  'POST /api/v1/council/topics': { who: 'admin', body: () => ({ category_id: 4, name: uniq('议题'), source: '村规民约' }), fields: { category_id: 'id', name: 'text', source: 'text' }, required: ['category_id', 'name'], values: { name: () => [[LONG101, [422]]], source: () => [['字'.repeat(201), [422]]] }, ok: 201 }, // one past the limits (100, 200)
  'PATCH /api/v1/council/topics/{id}': { who: 'admin', body: () => ({ name: uniq('改名议题') }), fields: { name: 'text', retired: 'bool' }, ok: 200 },
  'POST /api/v1/council/members': { body: () => ({ place_code: VILLAGE, resident_id: cn.pick('member'), kind: 'representative' }), fields: { place_code: 'code', resident_id: 'id', kind: 'word' }, required: ['place_code', 'resident_id', 'kind'], values: { resident_id: () => [[cn.child, [422]], [cn.member, [409]]] }, ok: 201 },
  'DELETE /api/v1/council/members/{id}': { nobody: true, ok: 200 },
  'POST /api/v1/council/meetings': {
    body: () => ({ place_code: VILLAGE, type: 'village_assembly', title: uniq('村民会议'), venue: '村委会议室', starts_at: '2026-12-20T09:00:00+08:00' }),
    fields: { place_code: 'code', type: 'word', title: 'text', venue: 'text', starts_at: 'time' }, required: ['place_code', 'type', 'title', 'venue', 'starts_at'],
    values: { type: () => [['group_meeting', [422]], ['micro', [422]]], title: () => [[LONG101, [422]]], venue: () => [[LONG101, [422]]] }, ok: 201, // a group's meeting, a 微协商: held at a grid or below, not at the village
  },
  'PATCH /api/v1/council/meetings/{id}': { body: () => ({ title: uniq('改题会议'), venue: '新会场', starts_at: '2026-12-21T09:30:00+08:00' }), fields: { title: 'text', venue: 'text', starts_at: 'time', minutes: 'minutes' }, values: { minutes: () => [['会议记录', [409]]] }, ok: 200 }, // minutes only while open
  'POST /api/v1/council/meetings/{id}/actions': { body: () => ({ action: 'fix' }), fields: { action: 'word' }, required: ['action'], values: { action: () => [['close', [409]], ['open', [409]]] }, ok: 200 },
  'POST /api/v1/council/meetings/{id}/items': { body: () => ({ title: uniq('议程'), topic_id: cn.topic, case_id: ids.case.id }), fields: { title: 'text', topic_id: 'id', case_id: 'id' }, values: { topic_id: () => [[cn.retired, [409, 422]]] }, ok: 201 },
  'DELETE /api/v1/council/meetings/{id}/items/{item}': { nobody: true, ok: 200 },
  'POST /api/v1/council/meetings/{id}/attendance': { who: 'voter', body: () => ({ resident_id: cn.pick('attend'), token: cn.token }), fields: { resident_id: 'id', token: 'token' }, required: ['resident_id'], values: { resident_id: () => [[cn.child, [422]], [cn.others[9], [404]], [cn.home[2], [409]]] }, ok: 201 }, // a minor; another household's member; one already in
  'POST /api/v1/council/meetings/{id}/votes': {
    body: () => ({ question: uniq('表决事项'), method: 'open', yes: 2, no: 1, abstain: 0, item_id: cn.openItem }),
    fields: { question: 'text', method: 'word', item_id: 'id', yes: 'count', no: 'count', abstain: 'count' }, required: ['question', 'method'],
    values: { item_id: () => [[cn.planItem, [404, 422]]], yes: () => [[cn.present, [422]]], method: () => [['secret', [422]]], question: () => [[LONG101, [422]]] }, ok: 201, // an item of another meeting; yes = present with no = 1 is more than present; a secret ballot given counts
  },
  'POST /api/v1/council/meetings/{id}/resolutions': { body: () => ({ vote_id: cn.pick('vote'), text: uniq('决议：同意') }), fields: { vote_id: 'id', text: 'text' }, required: ['vote_id', 'text'], values: { vote_id: () => [[cn.resolved, [409]], [cn.ballotVote, [404, 409, 422]]], text: () => [['字'.repeat(2001), [422]]] }, ok: 201 }, // one resolution per vote; a vote of another meeting
  'POST /api/v1/council/votes/{id}/close': { nobody: true, ok: 200 },
  'POST /api/v1/council/votes/{id}/ballots': { who: 'voter', body: () => ({ resident_id: cn.pick('ballot'), choice: 'yes' }), fields: { resident_id: 'voter', choice: 'word' }, required: ['resident_id', 'choice'], values: { resident_id: () => [[cn.home[2], [409]], [cn.home[5], [403, 404, 409, 422]], [cn.others[0], [403, 404]]] }, ok: 201 }, // voted already; not checked in; not of the household
  'POST /api/v1/council/elections': {
    body: () => ({ place_code: VILLAGE, kind: 'committee', title: uniq('村委会换届选举'), seats: 3, election_day: cn.day(40) }),
    fields: { place_code: 'code', kind: 'word', title: 'text', seats: 'seats', election_day: 'eday' }, required: ['place_code', 'kind', 'title', 'seats', 'election_day'], values: { title: () => [[LONG101, [422]]], election_day: () => [[cn.day(-1), [422]]] }, ok: 201, // yesterday
  },
  'POST /api/v1/council/elections/{id}/electors': { body: () => ({ resident_id: cn.pick('elector'), basis: 'hukou_away', note: '外出务工' }), fields: { resident_id: 'id', basis: 'word', note: 'text', from_registry: 'bool' }, values: { resident_id: () => [[cn.child, [422]], [cn.elector, [409]]], from_registry: () => [[true, [422]]] }, ok: 201 }, // a minor; registered twice; the registry and a resident at once
  'POST /api/v1/council/elections/{id}/candidates': { body: () => ({ resident_id: cn.pick('candidate') }), fields: { resident_id: 'id' }, required: ['resident_id'], values: { resident_id: () => [[cn.child, [422]], [cn.candidate, [409]]] }, ok: 201 },
  'POST /api/v1/council/elections/{id}/actions': { body: () => ({ action: 'publish' }), fields: { action: 'word' }, required: ['action'], values: { action: () => [['open', [409]], ['count', [409]], ['runoff', [409]]] }, ok: 200 },
  'POST /api/v1/council/selections': { who: 'official', body: () => ({ place_code: '422802', title: uniq('治理创新项目评审'), picks: 2 }), fields: { place_code: 'code', title: 'text', picks: 'int' }, required: ['place_code', 'title', 'picks'], ok: 201 },
  'POST /api/v1/council/selections/{id}/applications': { who: 'official', body: () => ({ place_code: VILLAGE, title: uniq('项目申报') }), fields: { place_code: 'code', title: 'text' }, required: ['place_code', 'title'], ok: 201 },
  'PUT /api/v1/council/selections/{id}/applications/{app}/score': { who: 'official', body: () => ({ score: 60 + (++serial % 40) }), fields: { score: 'score' }, required: ['score'], ok: 200 },
  'POST /api/v1/council/selections/{id}/close': { who: 'official', nobody: true, ok: 200 },
  'POST /api/v1/council/elections/{id}/ballots': {
    who: 'voter', body: () => ({ resident_id: cn.pick('evote'), choices: [cn.cands[0]] }), fields: { resident_id: 'voter', choices: 'choices' }, required: ['resident_id', 'choices'],
    values: { resident_id: () => [[cn.home[2], [409]], [cn.child, [403, 404, 422]], [cn.others[0], [403, 404]]], choices: () => [[[cn.cands[0], cn.cands[1]], [422]], [[cn.cands[0], cn.cands[0]], [422]], [[999999], [422]]] }, ok: 201, // voted; a minor; another household; two for one seat; twice the same; not a candidate
  },
  // council: paper ballots (issue 5) — the clerk checks voters off in the open election; a station's
  // count (valid: a fresh station with no ballot issued, so it never outruns the voters checked off)
  'POST /api/v1/council/elections/{id}/paper-voters': { body: () => ({ resident_id: cn.pick('paper') }), fields: { resident_id: 'id' }, required: ['resident_id'], values: { resident_id: () => [[cn.home[2], [409]], [cn.paperVoter, [409]], [cn.child, [422]]] }, ok: 201 }, // voted online; checked off already; not on the list
  'POST /api/v1/council/elections/{id}/paper-counts': {
    body: () => ({ station: uniq('目录投票站'), issued: 0, returned: 0, invalid: 0, votes: [] }),
    fields: { station: 'text', issued: 'count', returned: 'count', invalid: 'count', votes: 'tally', reason: 'text' }, required: ['station', 'issued', 'returned', 'invalid', 'votes'],
    values: { station: () => [[cn.station, [409]]], issued: () => [[999, [422]]], votes: () => [[[{ candidate_id: cn.cands[0], votes: 1 }], [422]], [[{ candidate_id: 999999, votes: 0 }], [422]], [[{ candidate_id: cn.cands[0], votes: 0 }, { candidate_id: cn.cands[0], votes: 0 }], [422]]] }, ok: 201, // counted already, no reason; more issued than checked off; a vote with no valid ballot; not a candidate; twice the same
  },
  // council: resolutions to work (issue 5)
  'POST /api/v1/council/resolutions/{id}/cases': { body: () => ({ title: uniq('落实事项'), content: '按议事决议办理', type: 'problem', channel: 'hall', place_code: VILLAGE }), fields: { title: 'text', content: 'text', type: 'word', channel: 'word', place_code: 'code', case_id: 'id' }, required: [], ok: 201 },
  'POST /api/v1/council/resolutions/{id}/publish': { nobody: true, ok: 201 },
  'POST /api/v1/council/resolutions/{id}/result': { body: () => ({ text: '已按决议落实' }), fields: { text: 'text' }, required: ['text'], also: [409], ok: 201 },
  // council: recall (issue 5) — approve is not listed: 0 approvals is a valid count
  'POST /api/v1/council/recalls': { body: () => ({ member_id: ids.committee, reason: uniq('罢免理由'), basis: 'voters', signers: ids.recallSigners }), fields: { member_id: 'id', reason: 'text', basis: 'word', signers: 'int' }, required: ['member_id', 'reason', 'basis', 'signers'], also: [409], ok: 201 },
  'POST /api/v1/council/recalls/{id}/count': { body: () => ({ cast: 1, approve: 1 }), fields: { cast: 'int' }, required: ['cast', 'approve'], also: [409], ok: 200 },
};

// ---- council (议事协商) setup: the records the council entries above act on, all in 高峰村 ----
// A household of six adults and a child with a resident account (c-voter), a household of ten
// other adults, and: meetings planned / ready to fix / open (QR check-in, a secret ballot, one
// to close) / open for open votes / open with closed votes to resolve; topics; a member; an
// election drafting its list, one published, one voting (opened on a server whose clock is
// moved to election day, then served again at today's date), one ready to publish; selections.
// Each `pick(pool)` gives a record the route has not used yet, so a valid body is fresh.
Object.assign(BAD, {
  time: [['2026-02-30T09:00:00+08:00', [422]], ['2026-13-01T09:00:00+08:00', [422]], ['2026-12-20T24:00:00+08:00', [422]], ['1969-12-31T23:59:59Z', [422]],
    ['2999-01-01T09:00:00+08:00', [422]], ['2026-12-20', [422]], ['2026-12-20 09:00', [422]], ['tomorrow', [422]], ['', [400, 422]]],
  eday: [['2026-02-30', [422]], ['2026-13-01', [422]], ['20261220', [422]], ['2020-01-01', [422]], ['2999-01-01', [422]], ['yesterday', [422]], ['', [400, 422]]],
  minutes: [['字'.repeat(20001), [413, 422]], ['a\u0007b', [400, 409, 422]]],
  token: [['not-the-token', [403]], ['字'.repeat(65), [422]], ["' OR '1'='1", [403]]],
  count: [[-1, [422]], [999999, [422]], [1000000, [422]], [2147483648, [422]], [9007199254740991, [422]], [1.5, [400]]],
  seats: [[0, [422]], [-1, [422]], [31, [422]], [2147483648, [422]], [9007199254740991, [422]], [1.5, [400]]],
  score: [[-1, [422]], [101, [422]], [2147483648, [422]], [9007199254740991, [422]], [1.5, [400]]],
  // A ballot names a voter of the caller's household: anyone else, known or not, is 403 (nothing told).
  voter: [[0, [404]], [-1, [404]], [9007199254740991, [403]], [999999, [403]], [1.5, [400]]],
  choices: [[['1'], [400]], [[1.5], [400]], [[-1], [422]], [Array(31).fill(1), [422]]],
  // council: paper ballots (issue 5) — a station's votes per candidate
  tally: [[['1'], [400]], [[{ candidate_id: '1', votes: 0 }], [400]], [[{ candidate_id: 1, votes: 1.5 }], [400]], [[{ votes: 0 }], [400]], [Array(101).fill({ candidate_id: 1, votes: 0 }), [422]]],
});
const LONG101 = '字'.repeat(101); // one character past a council title's limit
Object.assign(WRONG_TYPE, { voter: '1', time: 20261220, eday: 20261220, minutes: 1, token: 1, count: '5', seats: '3', score: '80', choices: {}, tally: {} });
const cn = { pools: {} };
cn.pick = (pool) => {
  assert.ok(cn.pools[pool].length, `council setup: pool ${pool} is used up`);
  return cn.pools[pool].shift();
};
cn.day = (n) => new Date(Date.now() + 8 * 3600e3 + n * 86400e3).toISOString().slice(0, 10); // Beijing's date n days on
// The record each council write route acts on: [{id}, {item} or {app}].
function councilPath(p) {
  const at = {
    '/api/v1/council/topics/{id}': [cn.topicEdit], '/api/v1/council/members/{id}': [cn.memberRow],
    '/api/v1/council/meetings/{id}': [cn.mPlan], '/api/v1/council/meetings/{id}/actions': [cn.mFix],
    '/api/v1/council/meetings/{id}/items': [cn.mPlan], '/api/v1/council/meetings/{id}/items/{item}': [cn.mPlan, cn.delItem],
    '/api/v1/council/meetings/{id}/attendance': [cn.mOpen], '/api/v1/council/meetings/{id}/votes': [cn.mVote],
    '/api/v1/council/meetings/{id}/resolutions': [cn.mRes], '/api/v1/council/votes/{id}/close': [cn.closeVote],
    '/api/v1/council/votes/{id}/ballots': [cn.ballotVote], '/api/v1/council/elections/{id}/electors': [cn.eDraft],
    '/api/v1/council/elections/{id}/candidates': [cn.ePub], '/api/v1/council/elections/{id}/actions': [cn.eReady],
    '/api/v1/council/elections/{id}/ballots': [cn.eOpen],
    '/api/v1/council/selections/{id}/applications': [cn.sel],
    '/api/v1/council/elections/{id}/paper-voters': [cn.eOpen], '/api/v1/council/elections/{id}/paper-counts': [cn.eOpen], // council: paper ballots (issue 5)
    '/api/v1/council/selections/{id}/applications/{app}/score': [cn.sel, cn.app], '/api/v1/council/selections/{id}/close': [cn.selClose],
  }[p];
  if (!at) return p;
  assert.ok(at.every((x) => x), `council setup: no record for ${p}`);
  return p.replace('{id}', at[0]).replace(/\{(item|app)\}/, at[1]);
}
before(async () => {
  // node 20 runs a file's top-level before hooks at once: wait for the main setup to finish.
  for (let i = 0; !ids.outside; i++) {
    assert.ok(i < 1200, 'council setup: the main setup did not finish');
    await new Promise((r) => setTimeout(r, 50));
  }
  const c = async (m, p, b, who = 'cadre') => {
    const r = await api(srv.base, m, '/api/v1' + p, { token: tok[who], body: b });
    assert.ok(r.status < 300, `council setup: ${m} ${p}: ${r.status} ${r.text}`);
    return r.body;
  };
  const person = async (household, name, birth) => (await c('POST', '/residents', { household_id: household, name, gender: 'female', birth_date: birth, relation: '其他', hukou: 'local' })).id;
  const home = (await c('POST', '/households', { place_code: ids.building, address: '议事巷1号' })).id;
  const away = (await c('POST', '/households', { place_code: ids.building, address: '议事巷2号' })).id;
  cn.home = [];
  for (let i = 0; i < 6; i++) cn.home.push(await person(home, `议事甲${i}`, `197${i}-04-04`));
  cn.child = await person(home, '议事童', '2016-06-06');
  cn.others = [];
  for (let i = 0; i < 10; i++) cn.others.push(await person(away, `议事乙${i}`, `198${i}-05-05`));
  srv.cli(['user', 'add', 'c-voter', '--role', 'resident', '--scope', VILLAGE, '--household', String(home), '--password-stdin'], PASSWORD + '\n');
  tok.voter = await login(srv.base, 'c-voter', PASSWORD);
  const [h, o] = [cn.home, cn.others];
  // Topics and a member.
  cn.topicEdit = (await c('POST', '/council/topics', { category_id: 2, name: '目录改名议题' }, 'admin')).id;
  cn.topic = (await c('POST', '/council/topics', { category_id: 2, name: '目录议题' }, 'admin')).id;
  cn.retired = (await c('POST', '/council/topics', { category_id: 3, name: '目录停用议题' }, 'admin')).id;
  await c('PATCH', `/council/topics/${cn.retired}`, { retired: true }, 'admin');
  cn.member = o[2];
  cn.memberRow = (await c('POST', '/council/members', { place_code: VILLAGE, resident_id: o[2], kind: 'committee' })).id;
  // Meetings.
  const meeting = async (type, title) => (await c('POST', '/council/meetings', { place_code: VILLAGE, type, title, venue: '村委会', starts_at: '2026-12-10T09:00:00+08:00' })).id;
  const item = async (m, title) => (await c('POST', `/council/meetings/${m}/items`, { title })).id;
  const open = async (m) => { await item(m, '议题'); await c('POST', `/council/meetings/${m}/actions`, { action: 'fix' }); await c('POST', `/council/meetings/${m}/actions`, { action: 'open' }); };
  const checkin = (m, rid) => c('POST', `/council/meetings/${m}/attendance`, { resident_id: rid });
  cn.mPlan = await meeting('village_assembly', '目录筹备会议');
  cn.planItem = await item(cn.mPlan, '筹备议题');
  cn.delItem = await item(cn.mPlan, '待删议题');
  cn.mFix = await meeting('villager_council', '目录待定会议');
  await item(cn.mFix, '定稿议题');
  cn.mOpen = await meeting('villager_council', '目录签到会议');
  await open(cn.mOpen);
  cn.token = new URL((await c('GET', `/council/meetings/${cn.mOpen}`)).checkin_url).searchParams.get('t');
  assert.ok(cn.token, 'council setup: the check-in link carries a token');
  for (const rid of [h[2], h[3], h[4]]) await checkin(cn.mOpen, rid);
  cn.ballotVote = (await c('POST', `/council/meetings/${cn.mOpen}/votes`, { question: '无记名表决', method: 'secret' })).id;
  cn.closeVote = (await c('POST', `/council/meetings/${cn.mOpen}/votes`, { question: '待结束表决', method: 'secret' })).id;
  await c('POST', `/council/votes/${cn.ballotVote}/ballots`, { resident_id: h[2], choice: 'no' }, 'voter');
  cn.mVote = await meeting('villager_council', '目录表决会议');
  await open(cn.mVote);
  cn.openItem = (await c('GET', `/council/meetings/${cn.mVote}`)).items[0].id;
  for (const rid of [o[5], o[6], o[7]]) await checkin(cn.mVote, rid);
  cn.present = 3;
  cn.mRes = await meeting('villager_council', '目录决议会议');
  await open(cn.mRes);
  await checkin(cn.mRes, o[8]);
  const votes = [];
  for (let i = 0; i < 6; i++) votes.push((await c('POST', `/council/meetings/${cn.mRes}/votes`, { question: `决议表决${i}`, method: 'open', yes: 1, no: 0, abstain: 0 })).id);
  cn.resolved = votes.pop();
  await c('POST', `/council/meetings/${cn.mRes}/resolutions`, { vote_id: cn.resolved, text: '已形成的决议' });
  // Elections.
  const election = async (title, days) => (await c('POST', '/council/elections', { place_code: VILLAGE, kind: 'committee', title, seats: 1, election_day: cn.day(days) })).id;
  cn.eDraft = await election('目录登记选举', 40);
  cn.elector = o[8];
  await c('POST', `/council/elections/${cn.eDraft}/electors`, { resident_id: o[8], basis: 'hukou_away' });
  cn.ePub = await election('目录提名选举', 25);
  await c('POST', `/council/elections/${cn.ePub}/electors`, { from_registry: true });
  await c('POST', `/council/elections/${cn.ePub}/actions`, { action: 'publish' });
  cn.candidate = o[9];
  await c('POST', `/council/elections/${cn.ePub}/candidates`, { resident_id: o[9] });
  cn.eReady = await election('目录待公布选举', 30);
  await c('POST', `/council/elections/${cn.eReady}/electors`, { resident_id: o[9], basis: 'hukou_away' });
  cn.eOpen = await election('目录投票选举', 20);
  await c('POST', `/council/elections/${cn.eOpen}/electors`, { from_registry: true });
  await c('POST', `/council/elections/${cn.eOpen}/actions`, { action: 'publish' });
  cn.cands = [];
  for (const rid of [o[2], o[3]]) cn.cands.push((await c('POST', `/council/elections/${cn.eOpen}/candidates`, { resident_id: rid })).id);
  // Election day is 20 days on: the same data served with the clock there opens the voting…
  const env = { GONGZHI_INTAKE_LIMIT: '100000,100000' };
  await srv.stop({ keep: true });
  srv = await startServer({ dataDir: srv.dataDir, env: { ...env, GONGZHI_CLOCK_OFFSET: String(20 * 86400) } });
  tok.cadre = await login(srv.base, 'c-cadre', PASSWORD);
  await c('POST', `/council/elections/${cn.eOpen}/actions`, { action: 'open' });
  // …and then served at today's date again, every account signed in afresh.
  await srv.stop({ keep: true });
  srv = await startServer({ dataDir: srv.dataDir, env });
  tok.admin = await login(srv.base, 'admin', ADMIN_PASSWORD);
  for (const r of ROLES) tok[r] = await login(srv.base, `c-${r}`, PASSWORD);
  tok.voter = await login(srv.base, 'c-voter', PASSWORD);
  await c('POST', `/council/elections/${cn.eOpen}/ballots`, { resident_id: h[2], choices: [cn.cands[1]] }, 'voter');
  // council: paper ballots (issue 5) — one voter checked off and one station counted.
  cn.paperVoter = o[9];
  await c('POST', `/council/elections/${cn.eOpen}/paper-voters`, { resident_id: o[9] });
  cn.station = '目录一站';
  await c('POST', `/council/elections/${cn.eOpen}/paper-counts`, { station: cn.station, issued: 1, returned: 1, invalid: 0, votes: [{ candidate_id: cn.cands[0], votes: 1 }] });
  // Selections.
  cn.sel = (await c('POST', '/council/selections', { place_code: '422802', title: '目录项目评审', picks: 1 }, 'official')).id;
  cn.app = (await c('POST', `/council/selections/${cn.sel}/applications`, { place_code: VILLAGE, title: '目录申报' }, 'official')).id;
  cn.selClose = (await c('POST', '/council/selections', { place_code: '422802', title: '目录待结项评审', picks: 1 }, 'official')).id;
  for (const [title, score] of [['甲项目', 90], ['乙项目', 70]]) {
    const a = (await c('POST', `/council/selections/${cn.selClose}/applications`, { place_code: VILLAGE, title }, 'official')).id;
    await c('PUT', `/council/selections/${cn.selClose}/applications/${a}/score`, { score }, 'official');
  }
  cn.pools = {
    member: [o[0], o[1]], attend: [h[0], h[1]], ballot: [h[3], h[4]], evote: [h[0], h[1]],
    elector: [o[3], o[4], o[5], o[6], o[7]], candidate: [o[0], o[1]], vote: votes,
    paper: [o[4], o[5], o[6]], // council: paper ballots (issue 5)
  };
  cn.ready = true; // the server was restarted twice above: another setup hook must wait for this
});

// council: recall (issue 5) — two committee members of the village, its voter list published
// last (after the council setup, which registers more residents and restarts the server), and a
// petition against the second signed by every registered voter, waiting for its count. A petition
// needs 1/5 of the voters of the latest published list: `recallSigners` is that list's size.
before(async () => {
  for (let i = 0; !cn.ready; i++) {
    assert.ok(i < 2400, 'recall setup: the council setup did not finish');
    await new Promise((r) => setTimeout(r, 50));
  }
  const c = async (m, p, b) => {
    const r = await api(srv.base, m, '/api/v1' + p, { token: tok.cadre, body: b });
    assert.ok(r.status < 300, `recall setup: ${m} ${p}: ${r.text}`);
    return r.body;
  };
  const voters = [];
  for (const name of ['罢免甲', '罢免乙']) voters.push((await c('POST', '/residents', { household_id: ids.household, name, gender: 'male', birth_date: '1970-01-01', relation: '其他', hukou: 'local' })).id);
  const day = new Date(Date.now() + 8 * 3600e3 + 30 * 86400e3).toISOString().slice(0, 10);
  const el = (await c('POST', '/council/elections', { place_code: VILLAGE, kind: 'committee', title: '目录换届', seats: 1, election_day: day })).id;
  await c('POST', `/council/elections/${el}/electors`, { from_registry: true });
  ids.recallSigners = (await c('POST', `/council/elections/${el}/actions`, { action: 'publish' })).electors;
  assert.ok(ids.recallSigners >= 2, `recall setup: ${ids.recallSigners} registered voters`);
  ids.committee = (await c('POST', '/council/members', { place_code: VILLAGE, resident_id: voters[0], kind: 'committee' })).id;
  const second = (await c('POST', '/council/members', { place_code: VILLAGE, resident_id: voters[1], kind: 'committee' })).id;
  ids.recall = (await c('POST', '/council/recalls', { member_id: second, reason: '目录理由', basis: 'voters', signers: ids.recallSigners })).id;
});
// ---- end of the council setup ----

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
        for (const [value, allowed] of entry.values && entry.values[f] ? entry.values[f]() : []) {
          res = await call({ body: { ...valid, [f]: value } });
          expectStatus(res, allowed, `${key} ${f}=${JSON.stringify(value).slice(0, 40)}`);
        }
      }
      for (const x of entry.extra ? entry.extra() : []) {
        const t = x.who ? tok[x.who] : token;
        res = await (x.path ? api(srv.base, r.method, '/api/v1' + x.path, { token: t, body: x.body }) : api(srv.base, r.method, path, { token: t, body: x.body }));
        expectStatus(res, x.allowed, `${key} ${x.what}`);
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
