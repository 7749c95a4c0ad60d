// tests/e2e/serve.js — run the browser tests against a real server: the national tree of
// places imported, a cadre account for 恩施州 (GZ_USER) and a 职能部门 account (GZ_DEPT_USER, not
// yet in any department: a test adds it to one with the admin account, GZ_ADMIN_PASSWORD), the
// console built in web/dist. Exits with the test runner's status.
//   node tests/e2e/serve.js                  every *.test.js here
//   node tests/e2e/serve.js cases-console    only cases-console.test.js (names without .test.js)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { ADMIN_PASSWORD, startServer } from '../lib/server.js';
import { resolve } from 'node:path';

const here = import.meta.dirname;
const only = process.argv.slice(2).map((name) => resolve(here, name.endsWith('.js') ? name : `${name}.test.js`));
for (const file of only) {
  if (!existsSync(file)) {
    console.error(`no such test file: ${file}`);
    process.exit(2);
  }
}

const srv = await startServer({
  places: 'national',
  users: [
    { name: 'tester', role: 'cadre', scope: '4228', password: 'tester-pass-1' },
    { name: 'dept-tester', role: 'department', scope: '4228', password: 'dept-pass-1' },
  ],
});
let status = 1;
try {
  const r = spawnSync(process.execPath, ['--test', ...(only.length ? only : [here])], {
    stdio: 'inherit',
    env: {
      ...process.env,
      GZ_BASE_URL: srv.base,
      GZ_USER: 'tester',
      GZ_PASSWORD: 'tester-pass-1',
      GZ_DEPT_USER: 'dept-tester',
      GZ_DEPT_PASSWORD: 'dept-pass-1',
      GZ_ADMIN_PASSWORD: ADMIN_PASSWORD,
      GZ_DATA_DIR: srv.dataDir, // for tests that need the CLI (a resident account linked to its household)
    },
  });
  status = r.status ?? 1;
} finally {
  await srv.stop();
}
process.exit(status);
