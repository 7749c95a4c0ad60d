// tests/e2e/serve.js — run the browser tests against a real server: the national tree of
// places imported, a cadre account for 恩施州, the console built in web/dist. Exits with the
// test runner's status.
import { spawnSync } from 'node:child_process';
import { startServer } from '../lib/server.js';
import { resolve } from 'node:path';

const srv = await startServer({
  places: 'national',
  users: [{ name: 'tester', role: 'cadre', scope: '4228', password: 'tester-pass-1' }],
});
let status = 1;
try {
  const r = spawnSync(process.execPath, ['--test', resolve(import.meta.dirname)], {
    stdio: 'inherit',
    env: { ...process.env, GZ_BASE_URL: srv.base, GZ_USER: 'tester', GZ_PASSWORD: 'tester-pass-1' },
  });
  status = r.status ?? 1;
} finally {
  await srv.stop();
}
process.exit(status);
