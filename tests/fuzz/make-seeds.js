// tests/fuzz/make-seeds.js — write the seed corpora of the fuzz targets (committed; run again
// after adding routes: `node tests/fuzz/make-seeds.js`). fuzz_request: one well-formed request per
// route (byte 0 the route's index in `gongzhi routes`, byte 1 the caller, then parameters and
// query separated by tabs, a newline, the body); fuzz_router: each pattern with sample
// parameters; fuzz_table: small CSV files (the XLSX seeds come from the server's own template
// and export, see tests/fuzz/README.md).
import { execFileSync } from 'node:child_process';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const routes = execFileSync(join(root, 'build/gongzhi'), ['routes'], { encoding: 'utf8' }).trim().split('\n').map((l) => JSON.parse(l));
const CADRE = 2, ADMIN = 0, NONE = 8;
const bodies = {
  'POST /api/v1/auth/login': { username: 'f-cadre', password: 'fuzz-pass-123' },
  'POST /api/v1/grids': { village_code: '422802107213', name: '二组', note: '村委会以东' },
  'PATCH /api/v1/grids/{code}': { name: '二组网格', note: '改名' },
  'POST /api/v1/buildings': { grid_code: '422802107213001', name: '2栋', kind: 'building', address: '高峰村一组' },
  'POST /api/v1/buildings/{code}/move': { grid_code: '422802107213001', tag: '迁移' },
  'POST /api/v1/households': { place_code: '422802107213001001', address: '高峰村一组1栋102', phone: '13812345679' },
  'PATCH /api/v1/households/{id}': { address: '高峰村一组1栋103', phone: '13812345670', head_id: 1 },
  'POST /api/v1/residents': { household_id: 1, name: '王五', gender: 'male', birth_date: '1980-05-06', id_number: '422802198005060014', phone: '13900001234', ethnicity: '汉族', hukou: 'local', political: '群众', relation: '子女', tags: ['老年人'], arrival: '2020-01-01' },
  'PATCH /api/v1/residents/{id}': { name: '张三丰', phone: '13900004321', tags: ['低保'] },
  'POST /api/v1/residents/{id}/events': { kind: 'moved_out', date: '2024-03-01', note: '外出务工', to_household_id: 1 },
  'POST /api/v1/grid-roles': { place_code: '422802107213001', role: 'leader', resident_id: 1, user_id: 3 },
  'POST /api/v1/grid-roles/{id}/end': {},
  'POST /api/v1/visits': { household_id: 1, visited_on: '2024-05-01', findings: '老人独居，需要关注', follow_up: true },
  'POST /api/v1/visits/{id}/resolve': { resolution: '已联系家属' },
  'POST /api/v1/care-tags': { tag: '残疾人' },
  'POST /api/v1/cases': { place_code: '422802107213', channel: 'phone', type: 'problem', title: '路灯不亮', content: '一组路灯坏了一个月', reporter_name: '王大妈', reporter_phone: '13712345678', household_id: 1, parties: '' },
  'POST /api/v1/cases/carry-over': { under: '422802107213', year: 2025 },
  'POST /api/v1/cases/{id}/actions': { action: 'accept', note: '已受理', kind: 'small', department_id: 1, resolution: '已修好', rating: 'satisfied', mediator: '李调解', outcome: 'agreed' },
  'PUT /api/v1/case-settings/{code}': { due_days: 5 },
  'POST /api/v1/departments': { place_code: '422802', name: '县交通运输局' },
  'POST /api/v1/departments/{id}/members': { username: 'f-dept' },
  'POST /api/v1/case-resources': { place_code: '422802107213', name: '志愿服务队', category: 'volunteer', contact: '13800000000', note: '周末' },
  'POST /api/v1/public/cases': { place_code: '422802107213', type: 'problem', title: '垃圾没人清', content: '村口垃圾堆了一周', reporter_name: '匿名', reporter_phone: '13700000000' },
  'POST /api/v1/public/cases/{tracking}/evaluate': { rating: 'satisfied', note: '很快' },
};
const queries = {
  'GET /api/v1/places': 'q=高峰&limit=5',
  'GET /api/v1/grids': 'under=422802107213&limit=10',
  'GET /api/v1/households': 'under=422802107213&limit=10&cursor=1',
  'GET /api/v1/residents': 'q=张&phone4=1234&id_number=422802198005060014&tag=老年人&under=422802',
  'GET /api/v1/residents/export': 'under=422802107213&format=csv',
  'GET /api/v1/residents/template': 'format=xlsx',
  'GET /api/v1/cases': 'under=422802107213&status=submitted&q=路灯&limit=20',
  'GET /api/v1/cases/figures': 'under=422802&year=2025',
  'GET /api/v1/cases/poster': 'code=422802107213&format=svg',
  'GET /api/v1/audit': 'under=422802&limit=5',
  'GET /api/v1/visits': 'under=422802107213',
  'GET /api/v1/visits/overdue': 'under=422802107213&days=30',
};
const params = { code: '422802107213001', id: '1', file: '1', tracking: 'ABCDEFGHJK' };

const dir = (t) => { const d = join(root, 'tests/fuzz', t); mkdirSync(d, { recursive: true }); return d; };
const name = (r) => (r.method + r.pattern).replace(/[^A-Za-z0-9]+/g, '_').replace(/_+$/, '');
routes.forEach((r, i) => {
  const key = `${r.method} ${r.pattern}`;
  const ps = [...r.pattern.matchAll(/\{(\w+)\}/g)].map((m) => params[m[1]]);
  let head = ps.join('\t');
  if (queries[key]) head += (ps.length ? '\t' : '') + queries[key];
  const body = r.json_body ? JSON.stringify(bodies[key] || {}) : r.method === 'POST' && /files$/.test(r.pattern) ? 'GIF89a\x01\x00\x01\x00' : '';
  const who = r.public ? NONE : r.roles.includes('cadre') ? CADRE : ADMIN;
  writeFileSync(join(dir('fuzz_request'), name(r)), Buffer.concat([Buffer.from([i, who]), Buffer.from(head + '\n' + body)]));
  // Router: the method byte (0 GET, 1 POST, 2 PUT, 3 PATCH, 4 DELETE) and the path.
  const m = { GET: 0, POST: 1, PUT: 2, PATCH: 3, DELETE: 4 }[r.method];
  const path = r.pattern.replace(/\{(\w+)\}/g, (_, p) => params[p]);
  writeFileSync(join(dir('fuzz_router'), name(r)), Buffer.concat([Buffer.from([m]), Buffer.from(path)]));
});
const csv = {
  'residents.csv': '\ufeff户号,姓名,性别,出生日期,公民身份号码,联系电话,民族,户籍,政治面貌,与户主关系,关爱标签\n1,张三,男,1980-05-06,422802198005060014,13900001234,汉族,本地,群众,户主,老年人\n1,李四,女,44927,,,,,,配偶,"低保,残疾人"\n',
  'quoted.csv': 'a,"b ""quoted"" ,c",d\r\n"multi\nline",2,3\r\n,,\r\n',
  'wide.csv': Array.from({ length: 40 }, (_, i) => `c${i}`).join(',') + '\n',
};
for (const [f, text] of Object.entries(csv)) writeFileSync(join(dir('fuzz_table'), f), text);
console.log(`seeds: ${routes.length} requests, ${routes.length} paths, ${Object.keys(csv).length} csv files`);
