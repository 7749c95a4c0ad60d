// registry-io.test.js — residents through spreadsheets: the template, an import with bad rows
// in both modes (every bad row named with its reason, never half a row), the export masked by
// role and audited, and the exported XLSX read back by the importer unchanged (round trip).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, login, ADMIN_PASSWORD } from '../lib/server.js';

function citizenId(first17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * w[i], 0);
  return first17 + '10X98765432'[sum % 11];
}
const VILLAGE = '422802107213';
const OTHER = '421003003006'; // for the round trip, imported by the admin
const HEAD = '姓名,性别,出生日期,公民身份号码,联系电话,民族,户籍类型,政治面貌,与户主关系,住址,网格或楼栋编码,关爱标签';

let srv, cadre, official, admin;
before(async () => {
  srv = await startServer({
    places: 'fixture',
    users: [
      { name: 'gaofeng', role: 'cadre', scope: VILLAGE, password: 'cadre-pass-1' },
      { name: 'lichuan', role: 'official', scope: '422802', password: 'official-pass-1' },
    ],
  });
  cadre = await login(srv.base, 'gaofeng', 'cadre-pass-1');
  official = await login(srv.base, 'lichuan', 'official-pass-1');
  admin = await login(srv.base, 'admin', ADMIN_PASSWORD);
});
after(async () => { await srv.stop(); });

async function upload(token, query, body) {
  const res = await fetch(`${srv.base}/api/v1/residents/import?${query}`, {
    method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/octet-stream' }, body,
  });
  return { status: res.status, body: await res.json() };
}

async function download(token, path) {
  const res = await fetch(`${srv.base}/api/v1${path}`, { headers: { Authorization: `Bearer ${token}` } });
  return { status: res.status, type: res.headers.get('content-type'), disposition: res.headers.get('content-disposition'), bytes: Buffer.from(await res.arrayBuffer()) };
}

const rows = [
  // row 2..: good, good (same household), bad check digit, birth contradicts ID, unknown place, duplicate of row 2, good
  ['王大山', '男', '1950-03-01', citizenId('42280219500301001'), '13811112222', '土家族', '本地', '群众', '户主', '高峰村一组3号', '', '老年人'],
  ['李秀英', '女', '1952-07-15', citizenId('42280219520715002'), '', '土家族', '本地', '群众', '配偶', '高峰村一组3号', '', '老年人、低保'],
  ['张错号', '男', '1980-01-01', citizenId('42280219800101001').slice(0, 17) + (citizenId('42280219800101001')[17] === '1' ? '2' : '1'), '', '汉族', '', '', '户主', '高峰村一组5号', '', ''],
  ['赵不符', '男', '1981-01-01', citizenId('42280219800101003'), '', '汉族', '', '', '户主', '高峰村一组6号', '', ''],
  ['钱无处', '女', '1990-02-02', '', '', '汉族', '', '', '户主', '别处', '999999999999001', ''],
  ['孙重复', '男', '1950-03-01', citizenId('42280219500301001'), '', '汉族', '', '', '子', '高峰村一组3号', '', ''],
  ['周小宝', '男', '2015-09-09', '', '', '土家族', '本地', '', '孙子女', '高峰村一组3号', '', '留守儿童'],
];
const csv = '\ufeff' + [HEAD, ...rows.map((r) => r.join(','))].join('\r\n') + '\r\n';

test('the template is a real XLSX with the Chinese header, and a CSV with a BOM', async () => {
  const x = await download(cadre, '/residents/template?format=xlsx');
  assert.equal(x.status, 200);
  assert.equal(x.type, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  assert.equal(x.bytes.subarray(0, 4).toString('latin1'), 'PK\u0003\u0004');
  assert.match(x.disposition, /attachment/);
  const c = await download(cadre, '/residents/template?format=csv');
  assert.equal(c.bytes.toString('utf8'), '\ufeff' + HEAD + '\r\n');
  // The template read back by the importer is an empty file, not an error.
  const r = await upload(cadre, `under=${VILLAGE}&mode=all`, x.bytes);
  assert.equal(r.status, 200);
  assert.deepEqual([r.body.rows, r.body.imported, r.body.rejected], [0, 0, 0]);
});

test('all-or-nothing: the report names every bad row and nothing is written', async () => {
  const r = await upload(cadre, `under=${VILLAGE}&mode=all`, Buffer.from(csv));
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.committed, false);
  assert.equal(r.body.imported, 0);
  assert.deepEqual(r.body.errors.map((x) => [x.row, x.field]),
    [[4, '公民身份号码'], [5, '公民身份号码'], [6, '网格或楼栋编码'], [7, '公民身份号码']]);
  assert.match(r.body.errors[0].message, /校验位/);
  assert.match(r.body.errors[1].message, /出生日期/);
  assert.match(r.body.errors[3].message, /第 2 行/);
  const all = await api(srv.base, 'GET', '/api/v1/residents', { token: cadre });
  assert.equal(all.body.items.length, 0);
});

test('good rows: the three good residents land in one household, the four bad are reported', async () => {
  const r = await upload(cadre, `under=${VILLAGE}&mode=good`, Buffer.from(csv));
  assert.equal(r.status, 200);
  assert.equal(r.body.committed, true);
  assert.deepEqual([r.body.rows, r.body.imported, r.body.rejected, r.body.households_created], [7, 3, 4, 1]);
  const all = await api(srv.base, 'GET', '/api/v1/residents', { token: cadre });
  assert.deepEqual(all.body.items.map((x) => x.name), ['王大山', '李秀英', '周小宝']);
  assert.deepEqual(all.body.items[1].tags, ['老年人', '低保']);
  const hh = await api(srv.base, 'GET', `/api/v1/households/${all.body.items[0].household_id}`, { token: cadre });
  assert.equal(hh.body.head_name, '王大山');
  // Importing the same file again rejects what is already registered.
  const again = await upload(cadre, `under=${VILLAGE}&mode=good`, Buffer.from(csv));
  assert.equal(again.body.imported, 1); // 周小宝 has no ID number: a second record
  assert.ok(again.body.errors.some((x) => x.row === 2 && /已登记/.test(x.message)));
});

test('export: masked for an official, full for a cadre, audited with the row count', async () => {
  const o = await download(official, `/residents/export?under=${VILLAGE}&format=csv`);
  assert.equal(o.status, 200);
  const text = o.bytes.toString('utf8');
  assert.ok(text.startsWith('\ufeff' + HEAD));
  assert.ok(!text.includes(citizenId('42280219500301001')));
  assert.ok(text.includes('4228**********'));
  assert.ok(text.includes('138****2222'));
  const c = await download(cadre, `/residents/export?under=${VILLAGE}&format=csv`);
  assert.ok(c.bytes.toString('utf8').includes(citizenId('42280219500301001')));
  const audit = await api(srv.base, 'GET', '/api/v1/audit?action=resident.export', { token: admin });
  assert.equal(audit.body.items.length, 2);
  assert.equal(audit.body.items[0].detail.rows, 4);
  assert.equal(audit.body.items[1].detail.masked, true);
  assert.equal((await download(official, `/residents/export?under=${OTHER}`)).status, 404);
});

test('round trip: the exported XLSX, imported into a fresh registry, exports the same register', async () => {
  const x = await download(cadre, `/residents/export?under=${VILLAGE}&format=xlsx`);
  assert.equal(x.status, 200);
  const before = (await download(cadre, `/residents/export?under=${VILLAGE}&format=csv`)).bytes.toString('utf8');
  const fresh = await startServer({ places: 'fixture', users: [{ name: 'gaofeng', role: 'cadre', scope: VILLAGE, password: 'cadre-pass-1' }] });
  try {
    const t = await login(fresh.base, 'gaofeng', 'cadre-pass-1');
    const res = await fetch(`${fresh.base}/api/v1/residents/import?under=${VILLAGE}&mode=all`, {
      method: 'POST', headers: { Authorization: `Bearer ${t}` }, body: x.bytes,
    });
    const rep = await res.json();
    assert.equal(res.status, 200);
    assert.deepEqual([rep.committed, rep.rejected, rep.imported], [true, 0, before.trim().split('\r\n').length - 1]);
    const after = await fetch(`${fresh.base}/api/v1/residents/export?under=${VILLAGE}&format=csv`, { headers: { Authorization: `Bearer ${t}` } });
    assert.equal(Buffer.from(await after.arrayBuffer()).toString('utf8'), before);
  } finally {
    await fresh.stop();
  }
});
