// bench/county.js — load a synthetic county into a running server through its own API: every
// village of the county gets grids and an imported roster, N residents in all (≈ N/2.5
// households). Deterministic. Prints what it built and how long it took.
// Usage: node bench/county.js BASE_URL TOKEN COUNTY RESIDENTS [GRIDS_PER_VILLAGE]
import { roster } from './gen-residents.js';

const [base, token, county, total, gridsPer = '4'] = process.argv.slice(2);
const H = { Authorization: `Bearer ${token}` };
const j = async (method, path, body) => {
  const r = await fetch(base + '/api/v1' + path, { method, headers: { ...H, 'Content-Type': 'application/json' }, body: body && JSON.stringify(body) });
  const t = await r.json();
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(t)}`);
  return t;
};
const t0 = Date.now();
// The county's villages: its townships' children.
const villages = [];
for (const t of (await j('GET', `/places/${county}/children?limit=500`)).items) {
  let cursor = null;
  do {
    const page = await j('GET', `/places/${t.code}/children?limit=500${cursor ? '&cursor=' + cursor : ''}`);
    villages.push(...page.items.map((v) => v.code));
    cursor = page.next_cursor;
  } while (cursor);
}
const per = Math.ceil(Number(total) / villages.length);
let start = 0, households = 0, residents = 0;
for (const v of villages) {
  const grids = [];
  for (let g = 0; g < Number(gridsPer); g++) grids.push((await j('POST', '/grids', { village_code: v, name: `第${g + 1}网格` })).code);
  const count = Math.min(per, Number(total) - start);
  if (count <= 0) break;
  const res = await fetch(`${base}/api/v1/residents/import?under=${v}&mode=all`, { method: 'POST', headers: H, body: roster({ start, count, region: county, places: grids }) });
  const rep = await res.json();
  if (!rep.committed) throw new Error(`import into ${v}: ${JSON.stringify(rep).slice(0, 300)}`);
  households += rep.households_created;
  residents += rep.imported;
  start += count;
}
console.log(JSON.stringify({ villages: villages.length, residents, households, seconds: (Date.now() - t0) / 1000 }));
