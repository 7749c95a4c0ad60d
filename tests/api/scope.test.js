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
const OUT_VILLAGE = '421003003201'; // 红光村, the same township: 四议两公开 is a village's (a community: 422)
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
  // The board's outside records: its entry is public by design (the public routes show its title
  // and body); the publisher's account, the procedure and the vote rule's source are not.
  boardTitle: '境外公开标题', boardBody: '境外公开正文', publisher: 'o-publisher', procTitle: '境外议事标题',
  procDocument: '境外议事提议', ruleSource: '境外议事规则出处',
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
      { name: SECRET.publisher, role: 'official', scope: '421003', password: PASSWORD },
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
  // The board: an entry, a 四议两公开 at its proposal, the place's settings and a vote rule, inside
  // (高峰村, by its cadre) and outside (新民社区 and 红光村, by a 荆州区 official without a display
  // name: the public board must not show the account instead).
  const publisherOut = await login(srv.base, SECRET.publisher, PASSWORD);
  for (const [side, token, pvillage] of [['in', cadreIn, IN], ['out', publisherOut, OUT_VILLAGE]]) {
    const o = side === 'out';
    const r = rec[side];
    r.pvillage = pvillage;
    r.entry = (await c(token, 'POST', '/board/entries', { place_code: r.village, category: 'village', title: o ? SECRET.boardTitle : '境内公开', body: o ? SECRET.boardBody : '境内公开正文', period: '2025-Q1' })).id;
    r.proc = (await c(token, 'POST', '/board/procedures', { place_code: pvillage, title: o ? SECRET.procTitle : '境内议事', held_on: '2025-01-01', document: o ? SECRET.procDocument : '境内提议' })).id;
    await c(token, 'PUT', `/board-settings/${pvillage}`, { finance_frequent: true, major_days: 5 });
    await c(o ? publisherOut : national, 'PUT', `/board-rules/${pvillage}`, { meeting: 'committees', quorum_num: 1, quorum_den: 2, quorum_strict: true, pass_num: 1, pass_den: 2, pass_strict: true, pass_of: 'present', source: o ? SECRET.ruleSource : '境内议事规则' });
  }
  await c(national, 'POST', `/departments/${rec.in.department}/members`, { username: 's-department' });
  srv.cli(['user', 'add', 's-grid_worker', '--role', 'grid_worker', '--scope', rec.in.grid, '--password-stdin'], PASSWORD + '\n');
  srv.cli(['user', 'add', 's-resident', '--role', 'resident', '--scope', IN, '--household', String(rec.in.household), '--password-stdin'], PASSWORD + '\n');
  for (const r of ROLES) tok[r] = await login(srv.base, `s-${r}`, PASSWORD);
  tok.national = national;
  // The supervision committee publishes and corrects its own reports only (docs/modules/board.md).
  rec.in.supervision = (await c(tok.supervisor, 'POST', '/board/entries', { place_code: IN, category: 'supervision', title: '境内监督公开', body: '境内监督' })).id;
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

// ---- council (议事协商) setup: on each side a member, a planned meeting with a case on its
// agenda, one ready to fix, an open one (minutes, the side's resident and a second adult of that household checked
// in, a third not; an open vote with its resolution, a closed one free for a resolution, a secret ballot open
// for ballots, one to close, one cast and closed), an election and a selection with an
// application — every title and text of the outside ones a marker none may see. Inside, the
// resident account casts the secret ballot for both adults of its household, one yes, one no.
Object.assign(SECRET, {
  meeting: '境外会议标题', venue: '境外会场', agenda: '境外议程', minutes: '境外会议记录', question: '境外表决事项',
  resolution: '境外决议文本', election: '境外选举名称', selection: '境外项目评审', application: '境外申报项目', spouse: '境外居民乙',
});
const COUNCIL_SUPERVISOR = { supervisor: 'a supervisor manages only 村情发布会 (docs/modules/council.md)' };
const council = { ready: false };
const councilDay = (n) => new Date(Date.now() + 8 * 3600e3 + n * 86400e3).toISOString().slice(0, 10);
before(async () => {
  // node 20 runs a file's top-level before hooks at once: wait for the main setup to finish.
  for (let i = 0; !tok.national; i++) {
    assert.ok(i < 1200, 'council setup: the main setup did not finish');
    await new Promise((r) => setTimeout(r, 50));
  }
  const c = async (token, m, p, b) => {
    const r = await api(srv.base, m, '/api/v1' + p, { token, body: b });
    assert.ok(r.status < 300, `council setup: ${m} ${p}: ${r.status} ${r.text}`);
    return r.body;
  };
  const cadres = { in: await login(srv.base, 's-cadre', PASSWORD), out: await login(srv.base, 'o-cadre', PASSWORD) };
  for (const side of ['in', 'out']) {
    const o = side === 'out';
    const r = rec[side];
    const t = cadres[side];
    const word = (k, inside) => (o ? SECRET[k] : inside);
    const x = (r.council = {});
    x.spouse = (await c(t, 'POST', '/residents', { household_id: r.household, name: word('spouse', '境内居民乙'), gender: 'female', birth_date: '1986-08-08', relation: '配偶', hukou: 'local' })).id;
    x.third = (await c(t, 'POST', '/residents', { household_id: r.household, name: word('spouse', '境内居民丙'), gender: 'male', birth_date: '2004-09-09', relation: '子', hukou: 'nonlocal' })).id;
    x.member = (await c(t, 'POST', '/council/members', { place_code: r.village, resident_id: r.resident, kind: 'representative' })).id;
    const meeting = (title) => c(t, 'POST', '/council/meetings', { place_code: r.village, type: 'yard', title, venue: word('venue', '境内会场'), starts_at: '2026-12-10T19:00:00+08:00' });
    x.plan = (await meeting(word('meeting', '境内筹备会议'))).id;
    x.item = (await c(t, 'POST', `/council/meetings/${x.plan}/items`, { title: word('agenda', '境内议程'), case_id: r.case.id })).id;
    x.ready = (await meeting(word('meeting', '境内待定会议'))).id;
    await c(t, 'POST', `/council/meetings/${x.ready}/items`, { title: word('agenda', '境内议程') });
    x.open = (await meeting(word('meeting', '境内议事会'))).id;
    await c(t, 'POST', `/council/meetings/${x.open}/items`, { title: word('agenda', '境内议程') });
    for (const action of ['fix', 'open']) await c(t, 'POST', `/council/meetings/${x.open}/actions`, { action });
    x.token = new URL((await c(t, 'GET', `/council/meetings/${x.open}`)).checkin_url).searchParams.get('t');
    await c(t, 'PATCH', `/council/meetings/${x.open}`, { minutes: word('minutes', '境内会议记录') });
    for (const rid of [r.resident, x.spouse]) await c(t, 'POST', `/council/meetings/${x.open}/attendance`, { resident_id: rid });
    const vote = (method, counts = {}) => c(t, 'POST', `/council/meetings/${x.open}/votes`, { question: word('question', '境内表决事项'), method, ...counts });
    const decided = await vote('open', { yes: 2, no: 0, abstain: 0 });
    await c(t, 'POST', `/council/meetings/${x.open}/resolutions`, { vote_id: decided.id, text: word('resolution', '境内决议文本') });
    x.freeVote = (await vote('open', { yes: 1, no: 1, abstain: 0 })).id;
    x.ballotVote = (await vote('secret')).id;
    x.closeVote = (await vote('secret')).id;
    x.castVote = (await vote('secret')).id;
    if (!o) {
      x.cast = { [r.resident]: 'yes', [x.spouse]: 'no' };
      for (const [rid, choice] of Object.entries(x.cast)) {
        const b = await api(srv.base, 'POST', `/api/v1/council/votes/${x.castVote}/ballots`, { token: tok.resident, body: { resident_id: Number(rid), choice } });
        assert.equal(b.status, 201, b.text);
        x.castReplies = (x.castReplies || []).concat(b.text);
      }
    }
    await c(t, 'POST', `/council/votes/${x.castVote}/close`);
    x.election = (await c(t, 'POST', '/council/elections', { place_code: r.village, kind: 'committee', title: word('election', '境内选举名称'), seats: 1, election_day: councilDay(30) })).id;
    await c(t, 'POST', `/council/elections/${x.election}/electors`, { from_registry: true });
    x.selection = (await c(tok.national, 'POST', '/council/selections', { place_code: o ? '421003' : '422802', title: word('selection', '境内项目评审'), picks: 1 })).id;
    x.application = (await c(tok.national, 'POST', `/council/selections/${x.selection}/applications`, { place_code: r.village, title: word('application', '境内申报项目') })).id;
  }
  rec.in.council.topic = (await c(tok.national, 'POST', '/council/topics', { category_id: 4, name: '矩阵议题' })).id;
  // An election voted in secret inside: its day is 20 days on, so the same data is served with
  // the clock there to open the voting, then at today's date again, every account signed in afresh.
  const x = rec.in.council;
  await c(cadres.in, 'PATCH', `/residents/${rec.in.resident}`, { hukou: 'local' }); // a voter from the registry (Art. 13 (1))
  x.poll = (await c(cadres.in, 'POST', '/council/elections', { place_code: IN, kind: 'committee', title: '境内投票选举', seats: 1, election_day: councilDay(20) })).id;
  await c(cadres.in, 'POST', `/council/elections/${x.poll}/electors`, { from_registry: true });
  await c(cadres.in, 'POST', `/council/elections/${x.poll}/actions`, { action: 'publish' });
  x.pollFor = {};
  for (const rid of [rec.in.resident, x.spouse]) x.pollFor[rid] = (await c(cadres.in, 'POST', `/council/elections/${x.poll}/candidates`, { resident_id: rid })).id;
  const env = { GONGZHI_INTAKE_LIMIT: '100000,100000' };
  await srv.stop({ keep: true });
  srv = await startServer({ dataDir: srv.dataDir, env: { ...env, GONGZHI_CLOCK_OFFSET: String(20 * 86400) } });
  await c(await login(srv.base, 's-cadre', PASSWORD), 'POST', `/council/elections/${x.poll}/actions`, { action: 'open' });
  await srv.stop({ keep: true });
  srv = await startServer({ dataDir: srv.dataDir, env });
  tok.national = await login(srv.base, 'admin', ADMIN_PASSWORD);
  for (const r of ROLES) tok[r] = await login(srv.base, `s-${r}`, PASSWORD);
  // Each votes for the other.
  x.pollCast = { [rec.in.resident]: x.pollFor[x.spouse], [x.spouse]: x.pollFor[rec.in.resident] };
  for (const [rid, cand] of Object.entries(x.pollCast)) {
    const b = await api(srv.base, 'POST', `/api/v1/council/elections/${x.poll}/ballots`, { token: tok.resident, body: { resident_id: Number(rid), choices: [cand] } });
    assert.equal(b.status, 201, b.text);
    x.castReplies.push(b.text);
  }
  council.ready = true; // the server was restarted twice above: another setup hook must wait for this
});

// A secret ballot: no reply to anyone says who cast which. The inside household cast one yes and
// one no in a vote, and in an election each of its two voters chose the other; every GET route
// (as every role, inside), the election before and after its count, the casts' own replies and
// the audit log are searched for a choice beside a voter, a ballot's random key, or any field
// naming a choice.
test('council: no reply tells who cast which secret ballot', async () => {
  const x = rec.in.council;
  const db = join(srv.dataDir, 'gongzhi.db');
  assert.ok(council.ready);
  const keys = execFileSync('sqlite3', ['-readonly', '-batch', '-noheader', db, `SELECT hex(ballot_key) FROM council_ballots WHERE vote_id = ${x.castVote};`
    + ` SELECT hex(ballot_key) FROM council_election_ballots WHERE election_id = ${x.poll}`], { encoding: 'utf8' }).trim().split('\n');
  assert.equal(keys.length, 4, 'two ballots were cast in the vote, two in the election');
  const voters = new Set(Object.keys(x.cast).map(Number));
  const problems = [];
  const walk = (v, where, path = '') => {
    if (Array.isArray(v)) return v.forEach((y, i) => walk(y, where, `${path}[${i}]`));
    if (!v || typeof v !== 'object') return;
    const names = Object.keys(v);
    if (names.some((k) => /^(choice|choices|ballot|ballots|ballot_key)$/.test(k))) problems.push(`${where}: ${path} has ${names.join(',')}`);
    const voter = Object.values(v).some((y) => voters.has(y) || y === '境内居民' || y === '境内居民乙');
    if (voter && Object.values(v).some((y) => ['yes', 'no', 'abstain'].includes(y))) problems.push(`${where}: ${path} pairs a voter with a choice`);
    for (const k of names) walk(v[k], where, `${path}.${k}`);
  };
  const look = (text, where) => {
    if (keys.some((k) => text.toUpperCase().includes(k))) problems.push(`${where}: a ballot key`);
    try { walk(JSON.parse(text), where); } catch { /* not JSON: an SVG or a file */ }
  };
  x.castReplies.forEach((t, i) => look(t, `cast reply ${i}`));
  let n = 0;
  for (const r of routes.filter((y) => y.method === 'GET')) {
    const e = entries[`${r.method} ${r.pattern}`];
    if (!e || e.skip) continue;
    for (const role of [...ROLES, 'national']) {
      const res = await request(r, e, 'in', tok[role]);
      look(res.text, `${role} GET ${r.pattern}`);
      n++;
    }
  }
  // The vote itself, the election as every role before and after its count, and the audit rows of the casts.
  const v = await api(srv.base, 'GET', `/api/v1/council/votes/${x.castVote}`, { token: tok.national });
  assert.deepEqual([v.body.result.yes, v.body.result.no, v.body.result.cast], [1, 1, 2], v.text);
  look(v.text, 'the closed vote');
  const seen = async (when) => {
    for (const role of [...ROLES, 'national']) look((await api(srv.base, 'GET', `/api/v1/council/elections/${x.poll}`, { token: tok[role] })).text, `${role} the election ${when}`);
  };
  await seen('while voting');
  const mine = await api(srv.base, 'GET', `/api/v1/council/elections/${x.poll}`, { token: tok.resident });
  assert.equal(mine.status, 200, mine.text); // the household's view: each voter has voted, nothing more
  const counted = await api(srv.base, 'POST', `/api/v1/council/elections/${x.poll}/actions`, { token: tok.national, body: { action: 'count' } });
  assert.equal(counted.status, 200, counted.text);
  look(counted.text, 'the count');
  await seen('counted');
  const audit = await api(srv.base, 'GET', '/api/v1/audit?under=422802&limit=500', { token: tok.national });
  assert.equal(audit.status, 200, audit.text);
  look(audit.text, 'the audit log');
  assert.ok(n > 100);
  assert.deepEqual(problems, []);
});
// ---- end of the council setup ----

// Per route: which record its path names (rec), its query (q), a valid body aimed at a side
// (body), and what the outside call must get when the role may use the route (404 unless said).
// path and body also get the role, for a route whose valid call differs by role.
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
  'GET /api/v1/board/entries': { q: (s) => `under=${rec[s].village}` },
  'POST /api/v1/board/entries': { body: (s, role) => ({ place_code: rec[s].village, category: role === 'supervisor' ? 'supervision' : 'village', title: '矩阵公开', body: '矩阵' }) },
  'GET /api/v1/board/entries/{id}': { path: (s) => `/board/entries/${rec[s].entry}` },
  'POST /api/v1/board/entries/{id}/corrections': { path: (s, role) => `/board/entries/${s === 'in' && role === 'supervisor' ? rec.in.supervision : rec[s].entry}/corrections`, body: () => ({ title: '矩阵更正', body: '矩阵', reason: '矩阵原因' }) },
  'GET /api/v1/board/chain': { q: (s) => `under=${rec[s].village}` },
  'GET /api/v1/board/poster/{code}': { path: (s) => `/board/poster/${rec[s].village}`, q: () => 'format=svg' },
  'GET /api/v1/board/schedule': { q: (s) => `under=${rec[s].pvillage}` },
  'GET /api/v1/board/procedures': { q: (s) => `under=${rec[s].pvillage}` },
  'POST /api/v1/board/procedures': { body: (s) => ({ place_code: rec[s].pvillage, title: '矩阵议事', held_on: '2025-02-01', document: '矩阵提议' }) },
  'GET /api/v1/board/procedures/{id}': { path: (s) => `/board/procedures/${rec[s].proc}` },
  'POST /api/v1/board/procedures/{id}/steps': { path: (s) => `/board/procedures/${rec[s].proc}/steps`, body: () => ({ step: 'consultation', held_on: '2025-01-02', document: '矩阵商议', votes: { for: 5, against: 1, abstain: 0, present: 7, due: 9 } }) },
  'GET /api/v1/board-settings/{code}': { path: (s) => `/board-settings/${rec[s].pvillage}` },
  'PUT /api/v1/board-settings/{code}': { path: (s) => `/board-settings/${rec[s].pvillage}`, body: () => ({ major_days: 7 }) },
  'GET /api/v1/board-rules/{code}': { path: (s) => `/board-rules/${rec[s].pvillage}` },
  'PUT /api/v1/board-rules/{code}': { path: (s) => `/board-rules/${rec[s].pvillage}`, body: () => ({ meeting: 'party', quorum_num: 2, quorum_den: 3, quorum_strict: false, pass_num: 1, pass_den: 2, pass_strict: true, pass_of: 'due', source: '矩阵规则' }) },
  'GET /api/v1/public/board/{code}': { path: (s) => `/public/board/${rec[s].village}`, public: 'the public board (公开栏) is read without an account', shows: ['boardTitle', 'boardBody'] },
  'GET /api/v1/public/board/entries/{id}': { path: (s) => `/public/board/entries/${rec[s].entry}`, public: 'the public board (公开栏) is read without an account', shows: ['boardTitle', 'boardBody'] },
  // A case's answers on the board: staff as the case itself; the public through the tracking code.
  'GET /api/v1/board/cases/{id}': { path: (s) => `/board/cases/${rec[s].case.id}` },
  'GET /api/v1/public/board/cases/{tracking}': { path: (s) => `/public/board/cases/${rec[s].case.tracking_code}`, public: 'the tracking code is the reporter\'s key' },
  'GET /api/v1/public/places/{code}': { path: (s) => `/public/places/${rec[s].village}`, public: 'the QR poster\'s place: public' },
  'POST /api/v1/public/cases': { none: 'anyone may report at any place (QR poster)', skip: 'tests/api/cases.test.js' },
  'GET /api/v1/public/cases/{tracking}': { path: (s) => `/public/cases/${rec[s].case.tracking_code}`, public: 'the tracking code is the reporter\'s key', shows: ['title', 'content'] },
  'POST /api/v1/public/cases/{tracking}/evaluate': { none: 'the tracking code is the reporter\'s key', skip: 'tests/api/cases.test.js' },
  'POST /api/v1/public/cases/{tracking}/files': { none: 'the tracking code is the reporter\'s key', skip: 'tests/api/cases.test.js' },
  'GET /api/v1/public/cases/{tracking}/files/{file}': { path: (s) => `/public/cases/${rec[s].case.tracking_code}/files/${rec[s].file}`, public: 'the tracking code is the reporter\'s key' },
  // council (议事协商): records from the council setup block (rec[side].council); `refuse`: roles
  // the route admits whose inside call the domain refuses with 403 by the meeting's type.
  'GET /api/v1/council/rules': { none: 'the rules table is the law\'s, the same for everyone' },
  'GET /api/v1/council/topics': { none: 'the consultation catalogue is shared reference data (docs/modules/council.md)' },
  'POST /api/v1/council/topics': { none: 'the catalogue is shared, not records of a place (catalogue.test.js writes it)' },
  'PATCH /api/v1/council/topics/{id}': { none: 'the catalogue is shared', path: () => `/council/topics/${rec.in.council.topic}` },
  'GET /api/v1/council/members': { q: (s) => `under=${rec[s].village}` },
  'POST /api/v1/council/members': { body: (s) => ({ place_code: rec[s].village, resident_id: rec[s].council.spouse, kind: 'committee' }) },
  'DELETE /api/v1/council/members/{id}': { path: (s) => `/council/members/${rec[s].council.member}` },
  'GET /api/v1/council/meetings': { q: (s) => `under=${rec[s].village}&from=2026-01-01&to=2027-12-31` },
  'POST /api/v1/council/meetings': { body: (s) => ({ place_code: rec[s].village, type: 'briefing', title: '矩阵村情发布会', venue: '矩阵会场', starts_at: '2026-12-30T09:00:00+08:00' }) },
  'GET /api/v1/council/meetings/{id}': { path: (s) => `/council/meetings/${rec[s].council.open}` },
  'PATCH /api/v1/council/meetings/{id}': { path: (s) => `/council/meetings/${rec[s].council.plan}`, body: () => ({ venue: '矩阵改会场' }), refuse: COUNCIL_SUPERVISOR },
  'POST /api/v1/council/meetings/{id}/actions': { path: (s) => `/council/meetings/${rec[s].council.ready}/actions`, body: () => ({ action: 'fix' }), refuse: COUNCIL_SUPERVISOR },
  'POST /api/v1/council/meetings/{id}/items': { path: (s) => `/council/meetings/${rec[s].council.plan}/items`, body: (s) => ({ case_id: rec[s].case.id }), refuse: COUNCIL_SUPERVISOR },
  'DELETE /api/v1/council/meetings/{id}/items/{item}': { path: (s) => `/council/meetings/${rec[s].council.plan}/items/${rec[s].council.item}`, refuse: COUNCIL_SUPERVISOR },
  'POST /api/v1/council/meetings/{id}/attendance': { path: (s) => `/council/meetings/${rec[s].council.open}/attendance`, body: (s) => ({ resident_id: rec[s].council.third, token: rec[s].council.token }) },
  'GET /api/v1/council/meetings/{id}/qr': { path: (s) => `/council/meetings/${rec[s].council.open}/qr` },
  'POST /api/v1/council/meetings/{id}/votes': { path: (s) => `/council/meetings/${rec[s].council.open}/votes`, body: () => ({ question: '矩阵表决', method: 'open', yes: 1, no: 0, abstain: 0 }), refuse: COUNCIL_SUPERVISOR },
  'POST /api/v1/council/meetings/{id}/resolutions': { path: (s) => `/council/meetings/${rec[s].council.open}/resolutions`, body: (s) => ({ vote_id: rec[s].council.freeVote, text: '矩阵决议' }), refuse: COUNCIL_SUPERVISOR },
  'GET /api/v1/council/votes/{id}': { path: (s) => `/council/votes/${rec[s].council.castVote}` },
  'POST /api/v1/council/votes/{id}/close': { path: (s) => `/council/votes/${rec[s].council.closeVote}/close`, refuse: COUNCIL_SUPERVISOR },
  'POST /api/v1/council/votes/{id}/ballots': { path: (s) => `/council/votes/${rec[s].council.ballotVote}/ballots`, body: (s) => ({ resident_id: rec[s].resident, choice: 'abstain' }) },
  'GET /api/v1/council/cases/{id}/meetings': { path: (s) => `/council/cases/${rec[s].case.id}/meetings` },
  'GET /api/v1/council/elections': { q: (s) => `under=${rec[s].village}` },
  'POST /api/v1/council/elections': { body: (s) => ({ place_code: rec[s].village, kind: 'spokesperson', title: '矩阵选举', seats: 1, election_day: councilDay(40) }) },
  'GET /api/v1/council/elections/{id}': { path: (s) => `/council/elections/${rec[s].council.election}` },
  'POST /api/v1/council/elections/{id}/electors': { path: (s) => `/council/elections/${rec[s].council.election}/electors`, body: (s) => ({ resident_id: rec[s].council.third, basis: 'resident_approved', note: '村民会议同意登记' }) },
  'POST /api/v1/council/elections/{id}/candidates': { path: (s) => `/council/elections/${rec[s].council.election}/candidates`, body: (s) => ({ resident_id: rec[s].council.spouse }) },
  'POST /api/v1/council/elections/{id}/actions': { path: (s) => `/council/elections/${rec[s].council.election}/actions`, body: () => ({ action: 'publish' }) },
  'GET /api/v1/council/selections': { q: (s) => `under=${s === 'in' ? '422802' : '421003'}` },
  'POST /api/v1/council/selections': { body: (s) => ({ place_code: s === 'in' ? '422802' : '421003', title: '矩阵评审', picks: 1 }) },
  'GET /api/v1/council/selections/{id}': { path: (s) => `/council/selections/${rec[s].council.selection}` },
  'POST /api/v1/council/selections/{id}/applications': { path: (s) => `/council/selections/${rec[s].council.selection}/applications`, body: (s) => ({ place_code: rec[s].village, title: '矩阵申报' }) },
  'PUT /api/v1/council/selections/{id}/applications/{app}/score': { path: (s) => `/council/selections/${rec[s].council.selection}/applications/${rec[s].council.application}/score`, body: () => ({ score: 77 }) },
  'POST /api/v1/council/selections/{id}/close': { path: (s) => `/council/selections/${rec[s].council.selection}/close` },
  'POST /api/v1/council/elections/{id}/ballots': { path: (s) => `/council/elections/${rec[s].council.election}/ballots`, body: (s) => ({ resident_id: rec[s].resident, choices: [] }) },
  // council: paper ballots (issue 5)
  'POST /api/v1/council/elections/{id}/paper-voters': { path: (s) => `/council/elections/${rec[s].council.election}/paper-voters`, body: (s) => ({ resident_id: rec[s].resident }) },
  'POST /api/v1/council/elections/{id}/paper-counts': { path: (s) => `/council/elections/${rec[s].council.election}/paper-counts`, body: () => ({ station: '矩阵投票站', issued: 0, returned: 0, invalid: 0, votes: [] }) },
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

function request(r, e, side, token, role) {
  let path = '/api/v1' + (e.path ? e.path(side, role) : r.pattern.slice('/api/v1'.length));
  const q = e.q ? e.q(side) : '';
  if (q) path += '?' + q;
  const opts = { token };
  if (e.body) opts.body = e.body(side, role);
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
        const res = await request(r, e, side, tok[role], role);
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
      const res = await request(r, e, 'out', tok[role], role);
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
      const res = await request(r, e, 'in', tok[role], role);
      calls++;
      const where = `${role} in ${r.method} ${r.pattern}: ${res.status} ${res.text.slice(0, 160)}`;
      assert.ok(res.status < 500, where);
      if (!r.roles.includes(role) || (e.refuse && e.refuse[role])) assert.equal(res.status, 403, where);
      else assert.ok(![401, 403].includes(res.status), where);
      assert.deepEqual(leaks(res.text, e), [], `outside data in ${where}`);
    }
  }
  console.log(`# scope matrix: ${calls} calls over ${routes.length} routes × ${ROLES.length} roles × inside/outside; ${outside} outside calls answered 404`);
  assert.ok(srv.alive());
});
