// durability.test.js — what is acknowledged is never lost: concurrent writers, the server
// killed with SIGKILL at random moments (20 times), restarted, every acknowledged write still
// there and the database intact; and 64 concurrent writers get no error at all.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { startServer, api, login, BIN } from '../lib/server.js';

const VILLAGE = '422802107213';
let srv, token, grid;

before(async () => {
  srv = await startServer({ places: 'fixture', users: [{ name: 'gaofeng', role: 'cadre', scope: VILLAGE, password: 'cadre-pass-1' }] });
  token = await login(srv.base, 'gaofeng', 'cadre-pass-1');
  grid = (await api(srv.base, 'POST', '/api/v1/grids', { token, body: { village_code: VILLAGE, name: '耐久网格' } })).body.code;
});
after(async () => { await srv.stop(); });

// Start the server binary by hand on the same data directory (startServer owns its own).
function serve(dataDir) {
  const child = spawn(BIN, ['--data', dataDir, 'serve', '--listen', '127.0.0.1:0'], {
    env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=0' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise((ok) => child.on('exit', ok));
  let err = '';
  child.stderr.on('data', (d) => { err += d; });
  return new Promise((ok, fail) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/serving (http:\/\/127\.0\.0\.1:\d+)/);
      if (m) ok({ child, base: m[1], exited });
    });
    exited.then((code) => fail(new Error(`server exited ${code}: ${err}`)));
  });
}

async function writer(base, tag, acked, stop) {
  for (let n = 0; !stop.now; n++) {
    const address = `${tag}-${n}`;
    try {
      const r = await api(base, 'POST', '/api/v1/households', { token, body: { place_code: grid, address } });
      if (r.status === 201) acked.push({ id: r.body.id, address });
      else if (!stop.now) throw new Error(`write refused: ${r.status} ${r.text}`);
    } catch (e) {
      if (!stop.now) throw e;
      return; // the server was killed under us: this write was never acknowledged
    }
  }
}

// make test kills 20 times; make bench sets GZ_KILLS for a longer run (bench/run).
const KILLS = Number(process.env.GZ_KILLS || 20);

test(`${KILLS} kills at random moments lose no acknowledged write`, async () => {
  await srv.stop({ keep: true }); // take the data directory over
  const dataDir = srv.dataDir;
  srv.stop = async () => {}; // already stopped; the directory is removed below
  let seed = 7;
  const rnd = () => { seed = (seed * 48271) % 2147483647; return seed / 2147483647; };
  const acked = [];
  for (let round = 0; round < KILLS; round++) {
    const { child, base, exited } = await serve(dataDir);
    const stop = { now: false };
    const writers = Array.from({ length: 8 }, (_, w) => writer(base, `k${round}-${w}`, acked, stop));
    await new Promise((ok) => setTimeout(ok, 150 + rnd() * 600));
    stop.now = true;
    child.kill('SIGKILL');
    await Promise.allSettled(writers);
    await exited;
  }
  assert.ok(acked.length > 100, `only ${acked.length} writes were acknowledged`);
  const { child, base, exited } = await serve(dataDir);
  try {
    // Every acknowledged household is there, with its own address.
    const seen = new Map();
    let cursor = null;
    do {
      const r = await api(base, 'GET', `/api/v1/households?under=${grid}&limit=500${cursor ? '&cursor=' + cursor : ''}`, { token });
      for (const h of r.body.items) seen.set(h.id, h.address);
      cursor = r.body.next_cursor;
    } while (cursor);
    const lost = acked.filter((a) => seen.get(a.id) !== a.address);
    assert.deepEqual(lost, []);
    const check = execFileSync('sqlite3', [join(dataDir, 'gongzhi.db'), 'PRAGMA integrity_check'], { encoding: 'utf8' }).trim();
    assert.equal(check, 'ok');
    // Each acknowledged write has its audit row.
    const audited = execFileSync('sqlite3', [join(dataDir, 'gongzhi.db'), "SELECT count(*) FROM audit_log WHERE action='household.create'"], { encoding: 'utf8' }).trim();
    assert.ok(Number(audited) >= acked.length);
    console.log(`# durability: ${acked.length} acknowledged writes across ${KILLS} kills, none lost`);
  } finally {
    child.kill('SIGTERM');
    await exited;
    execFileSync('rm', ['-rf', dataDir]);
  }
});

test('64 concurrent writers: every write succeeds', async () => {
  const fresh = await startServer({ places: 'fixture', users: [{ name: 'gaofeng', role: 'cadre', scope: VILLAGE, password: 'cadre-pass-1' }] });
  try {
    const t = await login(fresh.base, 'gaofeng', 'cadre-pass-1');
    const g = (await api(fresh.base, 'POST', '/api/v1/grids', { token: t, body: { village_code: VILLAGE, name: '并发网格' } })).body.code;
    const statuses = [];
    await Promise.all(Array.from({ length: 64 }, async (_, w) => {
      for (let n = 0; n < 10; n++) {
        const r = await api(fresh.base, 'POST', '/api/v1/households', { token: t, body: { place_code: g, address: `c${w}-${n}` } });
        statuses.push(r.status);
      }
    }));
    assert.equal(statuses.length, 640);
    assert.deepEqual([...new Set(statuses)], [201]);
    const all = await api(fresh.base, 'GET', `/api/v1/households?under=${g}&limit=500`, { token: t });
    const more = await api(fresh.base, 'GET', `/api/v1/households?under=${g}&limit=500&cursor=${all.body.next_cursor}`, { token: t });
    assert.equal(all.body.items.length + more.body.items.length, 640);
  } finally {
    await fresh.stop();
  }
});
