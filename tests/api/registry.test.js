// registry.test.js — grids, buildings, households, residents over HTTP: every role against
// records inside and outside its scope, personal data masked by role and never stored in
// clear, bad input refused with the documented errors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, api, login, ADMIN_PASSWORD } from '../lib/server.js';

// A valid GB 11643 number from 17 digits, computed here independently of the server.
function citizenId(first17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * w[i], 0);
  return first17 + '10X98765432'[sum % 11];
}
const ID_ZHANG = citizenId('42280219800506001'); // male (17th digit 1), born 1980-05-06
const ID_LI = citizenId('42280219820314002'); // female, born 1982-03-14
const VILLAGE = '422802107213'; // 高峰村民委员会
const OTHER_VILLAGE = '421003003006'; // 新民社区

let srv;
const tok = {};
let grid, building, household, zhang;

before(async () => {
  srv = await startServer({
    places: 'fixture',
    users: [
      { name: 'gaofeng', role: 'cadre', scope: VILLAGE, password: 'cadre-pass-1' },
      { name: 'xinmin', role: 'cadre', scope: OTHER_VILLAGE, password: 'cadre-pass-2' },
      { name: 'lichuan', role: 'official', scope: '422802', password: 'official-pass-1' },
      { name: 'jianduer', role: 'supervisor', scope: VILLAGE, password: 'super-pass-1' },
      { name: 'jumin', role: 'resident', scope: VILLAGE, password: 'resident-pass-1' },
      { name: 'bumen', role: 'department', scope: '422802', password: 'dept-pass-1' },
    ],
  });
  tok.admin = await login(srv.base, 'admin', ADMIN_PASSWORD);
  tok.cadre = await login(srv.base, 'gaofeng', 'cadre-pass-1');
  tok.other = await login(srv.base, 'xinmin', 'cadre-pass-2');
  tok.official = await login(srv.base, 'lichuan', 'official-pass-1');
  tok.supervisor = await login(srv.base, 'jianduer', 'super-pass-1');
  tok.resident = await login(srv.base, 'jumin', 'resident-pass-1');
  tok.department = await login(srv.base, 'bumen', 'dept-pass-1');
});
after(async () => { await srv.stop(); });

const get = (who, path) => api(srv.base, 'GET', '/api/v1' + path, { token: tok[who] });
const post = (who, path, body) => api(srv.base, 'POST', '/api/v1' + path, { token: tok[who], body });
const patch = (who, path, body) => api(srv.base, 'PATCH', '/api/v1' + path, { token: tok[who], body });

test('a cadre lays out a grid and a building, and keeps a household file', async () => {
  let r = await post('cadre', '/grids', { village_code: VILLAGE, name: '一组网格', note: '村委会以东' });
  assert.equal(r.status, 201, r.text);
  grid = r.body;
  assert.equal(grid.code, VILLAGE + '001');
  assert.equal(grid.village_name, '高峰村民委员会');
  r = await post('cadre', '/buildings', { grid_code: grid.code, name: '1栋', kind: 'building', address: '高峰村一组' });
  assert.equal(r.status, 201, r.text);
  building = r.body;
  assert.equal(building.code, grid.code + '001');
  r = await post('cadre', '/households', { place_code: building.code, address: '高峰村一组1栋101', phone: '13812345678' });
  assert.equal(r.status, 201, r.text);
  household = r.body;
  r = await post('cadre', '/residents', { household_id: household.id, name: '张三', gender: 'male', birth_date: '1980-05-06',
    id_number: ID_ZHANG, phone: '13900001234', ethnicity: '土家族', hukou: 'local', political: '群众', relation: '户主', tags: ['老年人'] });
  assert.equal(r.status, 201, r.text);
  zhang = r.body;
  assert.equal(zhang.id_number, ID_ZHANG); // a cadre sees it in full
  r = await post('cadre', '/residents', { household_id: household.id, name: '李四', gender: 'female', birth_date: '1982-03-14',
    id_number: ID_LI, relation: '配偶', tags: ['低保'] });
  assert.equal(r.status, 201, r.text);
  const file = await get('cadre', `/households/${household.id}`);
  assert.equal(file.status, 200);
  assert.equal(file.body.head_name, '张三');
  assert.deepEqual(file.body.members.map((m) => m.name), ['张三', '李四']);
  assert.deepEqual(file.body.path.map((p) => p.name).slice(-3), ['高峰村民委员会', '一组网格', '1栋']);
  assert.equal(file.body.events.length, 2);
  // The grid overview counts what lies under it.
  const grids = await get('cadre', `/grids?under=${VILLAGE}`);
  assert.deepEqual(grids.body.items.map((g) => [g.code, g.buildings, g.households, g.residents, g.care]),
    [[grid.code, 1, 1, 2, 2]]);
  // And the grid is a place in the tree.
  const children = await get('cadre', `/places/${VILLAGE}/children`);
  assert.deepEqual(children.body.items.map((c) => c.level), ['grid']);
});

test('search by name, last four phone digits, exact ID number and tag', async () => {
  const q = (s) => get('cadre', '/residents?' + s).then((r) => r.body.items.map((x) => x.name));
  assert.deepEqual(await q(`q=${encodeURIComponent('张')}`), ['张三']);
  assert.deepEqual(await q('phone4=1234'), ['张三']);
  assert.deepEqual(await q(`id_number=${ID_LI}`), ['李四']);
  assert.deepEqual(await q(`tag=${encodeURIComponent('低保')}`), ['李四']);
  assert.deepEqual(await q(`under=${grid.code}`), ['张三', '李四']);
  const tags = await get('cadre', '/care-tags');
  assert.equal(tags.body.items.find((t) => t.tag === '老年人').residents, 1);
  const bad = await get('cadre', '/residents?phone4=12a4');
  assert.equal(bad.status, 422);
});

test('personal data is masked for roles without need, full for cadres', async () => {
  const seen = {};
  for (const who of ['admin', 'cadre', 'official', 'supervisor']) {
    const r = await get(who, `/residents/${zhang.id}`);
    assert.equal(r.status, 200, `${who}: ${r.text}`);
    seen[who] = r.body;
  }
  assert.equal(seen.admin.id_number, ID_ZHANG);
  assert.equal(seen.cadre.phone, '13900001234');
  for (const who of ['official', 'supervisor']) {
    assert.equal(seen[who].id_number, ID_ZHANG.slice(0, 4) + '*'.repeat(10) + ID_ZHANG.slice(-4));
    assert.equal(seen[who].phone, '139****1234');
  }
});

test('each role against records inside and outside its scope', async () => {
  // Outside scope: 404, never data.
  for (const path of [`/households/${household.id}`, `/residents/${zhang.id}`, `/grids/${grid.code}`, `/residents?under=${VILLAGE}`]) {
    const r = await get('other', path);
    assert.equal(r.status, 404, path);
    assert.ok(!r.text.includes('张三'), path);
  }
  const mine = await get('other', '/residents');
  assert.equal(mine.status, 200);
  assert.equal(mine.body.items.length, 0);
  const hh = await get('other', '/households');
  assert.equal(hh.body.items.length, 0);
  let r = await post('other', '/residents', { household_id: household.id, name: '王五', gender: 'male', birth_date: '1990-01-01', relation: '子' });
  assert.equal(r.status, 404);
  r = await patch('other', `/residents/${zhang.id}`, { name: '改名' });
  assert.equal(r.status, 404);
  r = await post('other', '/grids', { village_code: VILLAGE, name: '越界' });
  assert.equal(r.status, 404);
  // Read-only roles may read within scope but not write.
  assert.equal((await get('official', `/households/${household.id}`)).status, 200);
  assert.equal((await post('official', '/grids', { village_code: VILLAGE, name: 'x' })).status, 403);
  assert.equal((await patch('supervisor', `/residents/${zhang.id}`, { name: 'x' })).status, 403);
  // Roles outside the registry.
  for (const who of ['resident', 'department']) {
    assert.equal((await get(who, '/residents')).status, 403, who);
    assert.equal((await get(who, `/households/${household.id}`)).status, 403, who);
  }
  // A grid worker sees their grid, with phones but masked ID numbers, and writes in it only.
  srv.cli(['user', 'add', 'wangge', '--role', 'grid_worker', '--scope', grid.code, '--password-stdin'], 'grid-pass-1\n');
  tok.grid = await login(srv.base, 'wangge', 'grid-pass-1');
  r = await get('grid', `/residents/${zhang.id}`);
  assert.equal(r.status, 200);
  assert.equal(r.body.phone, '13900001234');
  assert.notEqual(r.body.id_number, ID_ZHANG);
  assert.equal((await post('grid', '/households', { place_code: grid.code, address: '一组散居户' })).status, 201);
  assert.equal((await post('grid', '/households', { place_code: VILLAGE, address: '村委会' })).status, 404);
});

test('bad input: check digits, contradictions, duplicates, types, unknown fields', async () => {
  const base = { household_id: household.id, name: '赵六', gender: 'male', birth_date: '1980-05-06', relation: '子' };
  let r = await post('cadre', '/residents', { ...base, id_number: ID_ZHANG.slice(0, 17) + (ID_ZHANG[17] === '0' ? '1' : '0') });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'id_number');
  assert.match(r.body.error.message, /check digit/);
  assert.ok(!r.body.error.message.includes(ID_ZHANG.slice(0, 10)), 'the number is not echoed');
  r = await post('cadre', '/residents', { ...base, birth_date: '1980-05-07', id_number: citizenId('42280219800506003') });
  assert.equal(r.status, 422);
  assert.match(r.body.error.message, /birth date/);
  r = await post('cadre', '/residents', { ...base, id_number: ID_ZHANG });
  assert.equal(r.status, 409);
  r = await post('cadre', '/residents', { ...base, birth_date: '2999-01-01' });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'birth_date');
  r = await post('cadre', '/residents', { ...base, household_id: '7' });
  assert.equal(r.status, 400);
  assert.equal(r.body.error.code, 'invalid_type');
  r = await post('cadre', '/residents', { ...base, salary: 1 });
  assert.equal(r.body.error.code, 'unknown_field');
  r = await post('cadre', '/residents', { ...base, household_id: 999999 });
  assert.equal(r.status, 404);
  r = await post('cadre', '/residents', { ...base, relation: '朋友' });
  assert.equal(r.status, 422);
  r = await post('cadre', '/residents', { ...base, name: '长'.repeat(51) });
  assert.equal(r.status, 422);
  r = await post('cadre', '/residents', { ...base, name: "'; DROP TABLE residents; --" });
  assert.equal(r.status, 201);
  r = await post('cadre', '/households', { place_code: '422802107', address: '乡政府' });
  assert.equal(r.status, 422);
  assert.equal((await get('cadre', '/residents/abc')).status, 404);
  assert.equal((await get('cadre', '/residents/99999999999999999999')).status, 404);
  // Nothing half-written: still exactly the residents created above plus the one odd name.
  const all = await get('cadre', '/residents');
  assert.equal(all.body.items.length, 3);
});

test('every write is audited; the database file holds no ID number or phone in clear', async () => {
  const audit = await get('admin', '/audit?limit=500');
  const actions = audit.body.items.map((e) => e.action);
  for (const a of ['grid.create', 'building.create', 'household.create', 'resident.create']) assert.ok(actions.includes(a), a);
  assert.ok(!audit.text.includes(ID_ZHANG));
  for (const f of ['gongzhi.db', 'gongzhi.db-wal']) {
    const p = join(srv.dataDir, f);
    if (!existsSync(p)) continue;
    const bytes = readFileSync(p);
    for (const secret of [ID_ZHANG, ID_LI, '13900001234', '13812345678']) {
      assert.equal(bytes.indexOf(Buffer.from(secret)), -1, `${secret} found in ${f}`);
    }
  }
});

test('grid roles: the five roles at their levels, residents or staff, ended not erased', async () => {
  let r = await post('cadre', '/grid-roles', { place_code: grid.code, role: 'leader', resident_id: zhang.id });
  assert.equal(r.status, 201, r.text);
  const leader = r.body;
  assert.equal(leader.holder_name, '张三');
  r = await post('cadre', '/grid-roles', { place_code: building.code, role: 'building_leader', resident_id: zhang.id });
  assert.equal(r.status, 201);
  const me = await get('cadre', '/auth/me');
  r = await post('cadre', '/grid-roles', { place_code: VILLAGE, role: 'instructor', user_id: me.body.user.id });
  assert.equal(r.status, 201, r.text);
  // Wrong level, both holders, a resident of another village, a role outside the list.
  assert.equal((await post('cadre', '/grid-roles', { place_code: VILLAGE, role: 'member', resident_id: zhang.id })).status, 422);
  assert.equal((await post('cadre', '/grid-roles', { place_code: grid.code, role: 'member', resident_id: zhang.id, user_id: 1 })).status, 422);
  assert.equal((await post('cadre', '/grid-roles', { place_code: grid.code, role: 'mayor', resident_id: zhang.id })).status, 422);
  assert.equal((await post('grid', '/grid-roles', { place_code: grid.code, role: 'member', resident_id: zhang.id })).status, 403);
  r = await post('cadre', `/grid-roles/${leader.id}/end`);
  assert.equal(r.status, 200);
  assert.ok(r.body.until);
  assert.equal((await post('cadre', `/grid-roles/${leader.id}/end`)).status, 409);
  const now = await get('cadre', `/grid-roles?under=${VILLAGE}`);
  assert.deepEqual(now.body.items.map((x) => x.role).sort(), ['building_leader', 'instructor']);
  const all = await get('cadre', `/grid-roles?under=${VILLAGE}&history=1`);
  assert.equal(all.body.items.length, 3);
  assert.equal((await get('other', `/grid-roles?under=${VILLAGE}`)).status, 404);
});

test('home visits: recorded on the household file, and households not visited in N days', async () => {
  const extra = await post('cadre', '/households', { place_code: grid.code, address: '一组2号' });
  let r = await post('grid', '/visits', { household_id: household.id, visited_on: new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10), findings: '老人独居，屋顶漏水', follow_up: true });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.visitor, 'wangge');
  assert.equal((await post('grid', '/visits', { household_id: household.id, visited_on: '2999-01-01', findings: 'x' })).status, 422);
  assert.equal((await post('grid', '/visits', { household_id: household.id, visited_on: '2024-01-01', findings: '' })).status, 422);
  assert.equal((await post('other', '/visits', { household_id: household.id, visited_on: '2024-01-01', findings: 'x' })).status, 404);
  const file = await get('cadre', `/households/${household.id}`);
  assert.equal(file.body.visits.length, 1);
  assert.equal(file.body.visits[0].findings, '老人独居，屋顶漏水');
  const follow = await get('cadre', '/visits?follow_up=1');
  assert.equal(follow.body.items.length, 1);
  const overdue = await get('cadre', `/visits/overdue?under=${grid.code}&days=30`);
  const ids = overdue.body.items.map((h) => h.id);
  assert.ok(ids.includes(extra.body.id));
  assert.ok(!ids.includes(household.id));
  assert.equal(overdue.body.items.find((h) => h.id === extra.body.id).last_visit, null);
  assert.equal((await get('cadre', `/visits/overdue?days=0`)).status, 422);
});

test('moves, deaths, returns and transfers are history; the status follows and the head steps down', async () => {
  const hh2 = (await post('cadre', '/households', { place_code: grid.code, address: '一组8号' })).body;
  const baby = await post('cadre', '/residents', { household_id: household.id, name: '张小宝', gender: 'female', birth_date: '2024-02-02', relation: '孙子女', arrival: 'birth' });
  assert.equal(baby.status, 201, baby.text);
  // Transfer the baby to the other household (分户), then Zhang San moves out and returns.
  let r = await post('cadre', `/residents/${baby.body.id}/events`, { kind: 'transfer', date: '2024-06-01', to_household_id: hh2.id });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.household_id, hh2.id);
  r = await post('cadre', `/residents/${zhang.id}/events`, { kind: 'move_out', date: '2025-01-10', note: '迁往恩施市' });
  assert.equal(r.body.status, 'moved_out');
  let file = await get('cadre', `/households/${household.id}`);
  assert.equal(file.body.head_id, null); // the head who left is no longer the head
  assert.equal((await post('cadre', `/residents/${zhang.id}/events`, { kind: 'death', date: '2025-02-01' })).status, 409);
  r = await post('cadre', `/residents/${zhang.id}/events`, { kind: 'return', date: '2025-03-01' });
  assert.equal(r.body.status, 'present');
  assert.equal((await post('cadre', `/residents/${zhang.id}/events`, { kind: 'return', date: '2025-03-02' })).status, 409);
  assert.equal((await post('cadre', `/residents/${zhang.id}/events`, { kind: 'move_out', date: '2999-01-01' })).status, 422);
  assert.equal((await post('cadre', `/residents/${zhang.id}/events`, { kind: 'move_out', date: '1970-01-01' })).status, 422); // before birth
  assert.equal((await post('cadre', `/residents/${zhang.id}/events`, { kind: 'vanish', date: '2025-03-02' })).status, 422);
  assert.equal((await post('other', `/residents/${zhang.id}/events`, { kind: 'move_out', date: '2025-03-02' })).status, 404);
  file = await get('cadre', `/households/${household.id}`);
  const kinds = file.body.events.map((e) => e.kind);
  for (const k of ['born', 'transferred', 'moved_out', 'returned']) assert.ok(kinds.includes(k), k);
  const moved = file.body.events.find((e) => e.kind === 'moved_out');
  assert.equal(moved.detail.note, '迁往恩施市');
  const hh2file = await get('cadre', `/households/${hh2.id}`);
  assert.deepEqual(hh2file.body.members.map((m) => m.name), ['张小宝']);
});

test('a building moves between grids of its village, and its households follow', async () => {
  const g2 = (await post('cadre', '/grids', { village_code: VILLAGE, name: '二组网格' })).body;
  const b = (await post('cadre', '/buildings', { grid_code: grid.code, name: '临时院落', kind: 'courtyard' })).body;
  const h = (await post('cadre', '/households', { place_code: b.code, address: '临时院落1号' })).body;
  const r = await post('cadre', `/buildings/${b.code}/move`, { grid_code: g2.code });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.moved_from, b.code);
  assert.ok(r.body.code.startsWith(g2.code));
  const moved = await get('cadre', `/households/${h.id}`);
  assert.equal(moved.body.place_code, r.body.code);
  assert.equal((await get('cadre', `/places/${b.code}`)).status, 404);
  assert.equal((await post('cadre', `/buildings/${r.body.code}/move`, { grid_code: g2.code })).status, 409);
  assert.equal((await post('cadre', `/buildings/${r.body.code}/move`, { grid_code: '421003003006001' })).status, 404);
  assert.equal((await post('grid', `/buildings/${r.body.code}/move`, { grid_code: grid.code })).status, 403);
});

test('a resident account sees its own household only, without staff notes', async () => {
  srv.cli(['user', 'add', 'zhangjia', '--role', 'resident', '--scope', VILLAGE, '--household', String(household.id), '--password-stdin'], 'home-pass-1\n');
  tok.home = await login(srv.base, 'zhangjia', 'home-pass-1');
  const mine = await get('home', `/households/${household.id}`);
  assert.equal(mine.status, 200, mine.text);
  assert.ok(mine.body.members.length >= 1);
  assert.equal(mine.body.visits, undefined); // visit notes stay with the staff
  assert.equal(mine.body.events, undefined);
  assert.ok(mine.body.members.every((m) => !m.id_number || m.id_number.includes('*')));
  const list = await get('home', '/households');
  assert.deepEqual(list.body.items.map((h) => h.id), [household.id]);
  const people = await get('home', '/residents');
  assert.ok(people.body.items.length >= 1 && people.body.items.every((p) => p.household_id === household.id));
  const others = (await get('cadre', `/households?under=${grid.code}`)).body.items.filter((h) => h.id !== household.id);
  assert.ok(others.length > 0);
  assert.equal((await get('home', `/households/${others[0].id}`)).status, 404);
  assert.equal((await get('home', `/grids?under=${VILLAGE}`)).status, 403);
  assert.equal((await post('home', '/residents', { household_id: household.id, name: 'x', gender: 'male', birth_date: '2000-01-01', relation: '子' })).status, 403);
  assert.equal((await get('home', '/residents/export')).status, 403);
});

test('one 网格长 per grid at a time, no double assignment, no blank findings', async () => {
  const g3 = (await post('cadre', '/grids', { village_code: VILLAGE, name: '三组网格' })).body;
  const first = await post('cadre', '/grid-roles', { place_code: g3.code, role: 'leader', resident_id: zhang.id });
  assert.equal(first.status, 201);
  const second = await post('cadre', '/grid-roles', { place_code: g3.code, role: 'leader', resident_id: zhang.id + 1 });
  assert.equal(second.status, 409);
  assert.match(second.body.error.message, /张三/);
  assert.equal((await post('cadre', '/grid-roles', { place_code: g3.code, role: 'member', resident_id: zhang.id })).status, 201);
  assert.equal((await post('cadre', '/grid-roles', { place_code: g3.code, role: 'member', resident_id: zhang.id })).status, 409);
  await post('cadre', `/grid-roles/${first.body.id}/end`);
  assert.equal((await post('cadre', '/grid-roles', { place_code: g3.code, role: 'leader', resident_id: zhang.id })).status, 201);
  assert.equal((await post('cadre', '/visits', { household_id: household.id, visited_on: '2024-01-01', findings: '   ' })).status, 422);
});

test('a follow-up is closed by saying what was done, and leaves the follow-up list', async () => {
  const v = await post('grid', '/visits', { household_id: household.id, visited_on: '2025-05-05', findings: '屋顶漏水', follow_up: true });
  assert.equal(v.status, 201);
  let open = await get('cadre', `/visits?under=${VILLAGE}&follow_up=1`);
  assert.ok(open.body.items.some((x) => x.id === v.body.id));
  assert.equal((await post('cadre', `/visits/${v.body.id}/resolve`, { resolution: '' })).status, 422);
  const r = await post('cadre', `/visits/${v.body.id}/resolve`, { resolution: '已联系维修，屋顶已修好' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.resolved_by, 'gaofeng');
  assert.equal((await post('cadre', `/visits/${v.body.id}/resolve`, { resolution: '再次' })).status, 409);
  open = await get('cadre', `/visits?under=${VILLAGE}&follow_up=1`);
  assert.ok(!open.body.items.some((x) => x.id === v.body.id));
  const plain = await post('grid', '/visits', { household_id: household.id, visited_on: '2025-05-06', findings: '一切正常' });
  assert.equal((await post('cadre', `/visits/${plain.body.id}/resolve`, { resolution: 'x' })).status, 409);
  assert.equal((await post('other', `/visits/${v.body.id}/resolve`, { resolution: 'x' })).status, 404);
});

test('grid roles page by cursor like every list', async () => {
  const all = await get('cadre', `/grid-roles?under=${VILLAGE}&history=1&limit=500`);
  assert.ok(all.body.items.length >= 3);
  const seen = [];
  let cursor = null;
  do {
    const r = await get('cadre', `/grid-roles?under=${VILLAGE}&history=1&limit=2${cursor ? '&cursor=' + cursor : ''}`);
    seen.push(...r.body.items.map((x) => x.id));
    cursor = r.body.next_cursor;
  } while (cursor);
  assert.deepEqual(seen, all.body.items.map((x) => x.id));
});
