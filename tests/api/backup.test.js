// backup.test.js — gongzhi backup while the server serves and writers write, gongzhi restore
// into a fresh data directory, then every table compared row by row with what was
// acknowledged before the backup began; restore refused while a server runs, without the key
// or with the wrong key, and for a damaged file.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync, writeFileSync, readFileSync, existsSync, readdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, api, login, BIN } from '../lib/server.js';

const run = promisify(execFile);
const env = { ...process.env, ASAN_OPTIONS: 'detect_leaks=1:abort_on_error=1' };
const VILLAGE = '422802107213';
const work = mkdtempSync(join(tmpdir(), 'gz-backup-'));
let srv, token;

// A valid GB 11643 number from 17 digits, computed here independently of the server.
function citizenId(first17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * w[i], 0);
  return first17 + '10X98765432'[sum % 11];
}

// Every row of every table (virtual tables aside: their shadow tables are compared) as one
// canonical text line per row, read with the sqlite3 CLI, not through gongzhi.
function dump(db) {
  const q = (sql) => execFileSync('sqlite3', ['-readonly', '-batch', '-noheader', '-separator', '\t', db, sql], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const cols = {};
  for (const line of q("SELECT m.name, p.name FROM sqlite_schema m JOIN pragma_table_info(m.name) p " +
    "WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY m.name, p.cid").split('\n')) {
    if (!line) continue;
    const [t, c] = line.split('\t');
    (cols[t] ||= []).push(c);
  }
  const tables = {};
  const enc = (c) => `replace(replace(quote("${c}"), char(13), '\\r'), char(10), '\\n')`;
  const sql = Object.entries(cols).map(([t, cs]) => `SELECT '${t}', ${cs.map(enc).join(" || ',' || ")} FROM "${t}";`).join('\n');
  for (const t of Object.keys(cols)) tables[t] = [];
  for (const line of q(sql).split('\n')) {
    if (!line) continue;
    const tab = line.indexOf('\t');
    tables[line.slice(0, tab)].push(line.slice(tab + 1));
  }
  return tables;
}
const hash = (rows) => createHash('sha256').update([...rows].sort().join('\n')).digest('hex');

before(async () => {
  srv = await startServer({ places: 'fixture', users: [{ name: 'gaofeng', role: 'cadre', scope: VILLAGE, password: 'cadre-pass-1' }] });
  token = await login(srv.base, 'gaofeng', 'cadre-pass-1');
});
after(async () => {
  await srv.stop();
  rmSync(work, { recursive: true, force: true });
});

const post = (path, body) => api(srv.base, 'POST', '/api/v1' + path, { token, body });

async function writer(tag, grid, acked, stop) {
  for (let n = 0; !stop.now; n++) {
    const r = await post('/households', { place_code: grid, address: `${tag}-${n}` });
    assert.equal(r.status, 201, r.text);
    acked.push(r.body.id);
  }
}

test('a backup made while writers write restores to everything acknowledged before it began', async () => {
  // The load: a grid, households with phones, residents with ID numbers, cases with phones.
  const grid = (await post('/grids', { village_code: VILLAGE, name: '备份网格' })).body.code;
  const ids = [];
  for (let i = 0; i < 30; i++) {
    const h = await post('/households', { place_code: grid, address: `备份村${i}号`, phone: `1380000${String(1000 + i)}` });
    assert.equal(h.status, 201, h.text);
    const idn = citizenId('42280219800101' + String(101 + 2 * i)); // male: an odd 17th digit
    const p = await post('/residents', { household_id: h.body.id, name: `住户${i}`, gender: 'male', birth_date: '1980-01-01', relation: '户主', id_number: idn, phone: `1390000${String(1000 + i)}` });
    assert.equal(p.status, 201, p.text);
    ids.push(idn);
    const c = await post('/cases', { place_code: VILLAGE, channel: 'spokesperson', type: 'problem', title: `路灯不亮${i}`, content: `第${i}组路灯坏了`, reporter_name: '王大妈', reporter_phone: `1371234${String(1000 + i)}` });
    assert.equal(c.status, 201, c.text);
  }
  const live = join(srv.dataDir, 'gongzhi.db');

  // What is acknowledged before the backup begins, read straight from the file.
  const before = dump(live);
  assert.ok(before.residents.length === 30 && before.cases.length === 30 && before.places.length > 50);

  const acked = [], stop = { now: false };
  const writers = [0, 1, 2, 3].map((w) => writer(`并发${w}`, grid, acked, stop));
  await new Promise((ok) => setTimeout(ok, 300));
  const ackedBefore = [...acked];
  const file = join(work, 'gongzhi-backup.db');
  const t0 = Date.now();
  // One page per step with a pause: the copy takes long enough for the writers to keep going.
  const out = await run(BIN, ['--data', srv.dataDir, 'backup', '--to', file, '--step', '1', '--pause', '4'], { env });
  const ackedDuring = acked.length - ackedBefore.length;
  const seconds = (Date.now() - t0) / 1000;
  await new Promise((ok) => setTimeout(ok, 200));
  stop.now = true;
  await Promise.all(writers);
  assert.match(out.stdout, /^backed up .* pages of 4096 bytes/);
  const sha = out.stdout.match(/sha256 ([0-9a-f]{64})/)[1];
  assert.equal(createHash('sha256').update(readFileSync(file)).digest('hex'), sha);
  assert.ok(ackedDuring > 0, `the server kept acknowledging writes during the ${seconds} s backup`);
  assert.ok(!existsSync(file + '-wal') && !existsSync(file + '.part'), 'the backup is one self-contained file');
  assert.equal(execFileSync('sqlite3', [file, 'PRAGMA integrity_check'], { encoding: 'utf8' }).trim(), 'ok');

  // Restore into a fresh data directory with the key kept from the live one.
  const fresh = join(work, 'fresh');
  const r = await run(BIN, ['--data', fresh, 'restore', '--from', file, '--key', join(srv.dataDir, 'secret.key')], { env });
  assert.match(r.stdout, /personal data: \d+ sealed values checked, all open/);
  const restoredDb = join(fresh, 'gongzhi.db');
  assert.equal(execFileSync('sqlite3', [restoredDb, 'PRAGMA integrity_check'], { encoding: 'utf8' }).trim(), 'ok');
  const restored = dump(restoredDb);
  const after = dump(live);

  // The restored audit log ends with the restore itself; the backup is in it (logged first).
  const restoreRows = restored.audit_log.filter((l) => l.includes("'backup.restore'"));
  assert.equal(restoreRows.length, 1);
  restored.audit_log = restored.audit_log.filter((l) => !l.includes("'backup.restore'"));
  assert.equal(restored.audit_log.filter((l) => l.includes("'backup.create'")).length, 1);

  assert.deepEqual(Object.keys(restored).sort(), Object.keys(before).sort());
  const changed = new Set(['households', 'audit_log', 'sqlite_sequence']);
  let rows = 0;
  for (const t of Object.keys(before)) {
    const have = new Set(restored[t]);
    const now = new Set(after[t]);
    // Everything acknowledged before the backup began is there, unchanged…
    for (const row of before[t]) assert.ok(have.has(row), `${t}: a row acknowledged before the backup is missing: ${row.slice(0, 120)}`);
    // …and nothing that the live database does not hold (no phantom, no torn row).
    for (const row of restored[t]) assert.ok(now.has(row) || t === 'sqlite_sequence', `${t}: a row not in the live database: ${row.slice(0, 120)}`);
    // Tables the writers did not touch are identical: same count, same content hash.
    if (!changed.has(t)) {
      assert.equal(restored[t].length, before[t].length, t);
      assert.equal(hash(restored[t]), hash(before[t]), t);
    }
    rows += restored[t].length;
  }
  const households = new Set(restored.households.map((l) => Number(l.split(',')[0])));
  for (const id of ackedBefore) assert.ok(households.has(id), `household ${id} acknowledged before the backup is missing`);
  // The copy is one snapshot: its households are exactly the first ones committed.
  const liveIds = after.households.map((l) => Number(l.split(',')[0])).sort((a, b) => a - b);
  assert.deepEqual([...households].sort((a, b) => a - b), liveIds.slice(0, households.size));
  console.log(`# backup: ${Object.keys(before).length} tables, ${rows} rows compared; ${ackedDuring} writes acknowledged during the ${seconds.toFixed(2)} s backup`);

  // The restored directory serves: personal data opens under the installed key.
  const again = await startServer({ dataDir: fresh });
  try {
    const t2 = await login(again.base, 'gaofeng', 'cadre-pass-1');
    const found = await api(again.base, 'GET', `/api/v1/residents?id_number=${ids[7]}`, { token: t2 });
    assert.equal(found.status, 200, found.text);
    assert.deepEqual(found.body.items.map((x) => x.name), ['住户7']);
    const one = await api(again.base, 'GET', `/api/v1/residents/${found.body.items[0].id}`, { token: t2 });
    assert.equal(one.body.id_number, ids[7]);
    assert.equal(one.body.phone, '13900001007');
  } finally {
    await again.stop({ keep: true });
  }

  // Restoring over the live data directory while its server runs is refused, nothing changed.
  const mtime = readdirSync(srv.dataDir).sort().join(',');
  await assert.rejects(run(BIN, ['--data', srv.dataDir, 'restore', '--from', file], { env }),
    (e) => e.code === 1 && /a server \(pid \d+\) is serving data directory/.test(e.stderr));
  assert.equal(readdirSync(srv.dataDir).sort().join(','), mtime);
  // So is a second server on it.
  await assert.rejects(run(BIN, ['--data', srv.dataDir, 'serve', '--listen', '127.0.0.1:0'], { env }),
    (e) => e.code === 1 && /is held by pid \d+: another server, or a restore under way/.test(e.stderr));
});

test('restore refuses a missing or wrong key and a damaged file, and keeps what it replaces', async () => {
  const file = join(work, 'gongzhi-backup.db');
  assert.ok(existsSync(file), 'made by the test above');
  // No key in the target directory.
  const bare = join(work, 'bare');
  await assert.rejects(run(BIN, ['--data', bare, 'restore', '--from', file], { env }),
    (e) => e.code === 1 && /no key file .*secret\.key": pass --key FILE/.test(e.stderr));
  assert.ok(!existsSync(join(bare, 'gongzhi.db')));
  // A directory of its own (init made a new key): that key opens none of the backup's values.
  const other = join(work, 'other');
  execFileSync(BIN, ['--data', other, 'init'], { env: { ...env, GONGZHI_ADMIN_PASSWORD: 'other-admin-1' } });
  const before = readFileSync(join(other, 'gongzhi.db'));
  await assert.rejects(run(BIN, ['--data', other, 'restore', '--from', file], { env }),
    (e) => e.code === 1 && /opens 0 of \d+ sealed values/.test(e.stderr));
  assert.ok(readFileSync(join(other, 'gongzhi.db')).equals(before), 'nothing changed');
  // With the right key: restored, and the database and key it replaced are kept.
  const r = await run(BIN, ['--data', other, 'restore', '--from', file, '--key', join(srv.dataDir, 'secret.key')], { env });
  assert.match(r.stdout, /the database it replaced is kept as .*gongzhi\.db\.before-restore-\d{8}T\d{6}Z/);
  assert.match(r.stdout, /the key it replaced is kept as .*secret\.key\.before-restore-/);
  const kept = readdirSync(other).filter((f) => f.startsWith('gongzhi.db.before-restore-'));
  assert.equal(kept.length, 1);
  assert.equal(execFileSync('sqlite3', [join(other, kept[0]), "SELECT count(*) FROM users"], { encoding: 'utf8' }).trim(), '1');
  assert.ok(readFileSync(join(other, 'secret.key')).equals(readFileSync(join(srv.dataDir, 'secret.key'))));
  // A damaged file is refused before anything is touched.
  const bad = join(work, 'damaged.db');
  const bytes = readFileSync(file);
  bytes.fill(0x55, 8192, 16384); // two pages of the b-trees overwritten
  writeFileSync(bad, bytes);
  const list = readdirSync(other).sort().join(',');
  await assert.rejects(run(BIN, ['--data', other, 'restore', '--from', bad], { env }),
    (e) => e.code === 1 && /nothing was changed/.test(e.stderr));
  assert.equal(readdirSync(other).sort().join(','), list);
  writeFileSync(bad, 'not a database at all, just text\n'.repeat(200));
  await assert.rejects(run(BIN, ['--data', other, 'restore', '--from', bad], { env }),
    (e) => e.code === 1 && /file is not a database/.test(e.stderr));
  // A backup to an existing file needs --force.
  await assert.rejects(run(BIN, ['--data', srv.dataDir, 'backup', '--to', file], { env }),
    (e) => e.code === 1 && /exists: choose another name/.test(e.stderr));
});
