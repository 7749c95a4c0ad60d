// bench/cases-create.js — N cases created through POST /api/v1/cases by C concurrent clients
// (keep-alive connections), varied over a county's villages, channels and titles. Prints one
// JSON line: {created, errors, seconds, rate, p99_ms}.
// usage: node bench/cases-create.js BASE TOKEN CODES_FILE N [C]
import http from 'node:http';
import { readFileSync } from 'node:fs';

const [base, token, codesFile, nArg, cArg] = process.argv.slice(2);
const N = Number(nArg), C = Number(cArg || 8);
const url = new URL(base);
const codes = readFileSync(codesFile, 'utf8').trim().split('\n');
const titles = ['路灯不亮', '水管漏水', '低保复核', '垃圾清运不及时', '下水道堵塞', '楼道杂物', '噪音扰民', '屋顶漏水', '道路坑洼',
  '停车难', '电动车充电', '化粪池外溢', '井盖缺失', '绿化带杂草', '流浪犬', '独居老人探访', '房屋裂缝', '消防通道被占',
  '就业培训需求', '医保报销咨询', '饮水水压不足', '村道硬化', '河堤垮塌', '健身器材损坏', '公厕保洁', '学校接送', '危房改造', '高龄津贴'];
const spots = ['三号楼前', '老街巷口', '菜市场旁', '小学门口', '村委会对面', '二组院坝', '河边', '新区', '老区', '东头'];
const channels = ['spokesperson', 'hall', 'breakfast', 'briefing', 'grid_visit', 'informant', 'phone', 'online', 'special_needs'];
let seed = 20231001;
const rnd = (n) => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return (seed >>> 8) % n; }; // imul: a product past 2^53 would lose bits

let next = 0, created = 0, errors = 0;
const lat = [];
function one(agent) {
  return new Promise((resolve) => {
    const title = titles[rnd(titles.length)];
    const body = JSON.stringify({ place_code: codes[rnd(codes.length)], channel: channels[rnd(channels.length)], title,
      content: `${spots[rnd(spots.length)]}${title}，居民多次反映，希望尽快处理` });
    const t0 = process.hrtime.bigint();
    const req = http.request({ host: url.hostname, port: url.port, path: '/api/v1/cases', method: 'POST', agent,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => {
        lat.push(Number(process.hrtime.bigint() - t0) / 1e6);
        if (res.statusCode === 201) created++; else errors++;
        resolve();
      });
    });
    req.on('error', () => { errors++; resolve(); });
    req.end(body);
  });
}
async function client() {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  while (next < N) { next++; await one(agent); }
  agent.destroy();
}
const t0 = Date.now();
await Promise.all(Array.from({ length: C }, client));
const seconds = (Date.now() - t0) / 1000;
lat.sort((a, b) => a - b);
console.log(JSON.stringify({ created, errors, seconds, rate: Math.round(created / seconds), p99_ms: Math.round(lat[Math.floor(lat.length * 0.99)] * 10) / 10 }));
