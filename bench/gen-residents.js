// bench/gen-residents.js — deterministic rosters in the import template's layout: households of
// 1–5 people, valid GB 11643 numbers (unique for 25 million people), phones, care tags.
// CLI: node bench/gen-residents.js N [region6] > file.csv   (module: import { roster })
import { pathToFileURL } from 'node:url';

const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const check = (s) => '10X98765432'[[...s].reduce((a, d, i) => a + Number(d) * W[i], 0) % 11];
const surnames = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const given = '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华玉萍建国红梅志海燕春小文';
const rel = ['配偶', '子', '女', '父母'];
const tags = ['', '', '', '', '老年人', '低保', '留守儿童', '残疾人', '老年人、低保'];
const base = Date.UTC(1940, 0, 1);
export const HEADER = '姓名,性别,出生日期,公民身份号码,联系电话,民族,户籍类型,政治面貌,与户主关系,住址,网格或楼栋编码,关爱标签';

// Rows for residents start..start+count-1 (the index makes ID numbers unique), in households
// spread round-robin over `places` (codes; '' = the place imported into).
export function roster({ start = 0, count, region = '422802', places = [''], seed = 20261123 }) {
  // mulberry32: exact 32-bit integer arithmetic (a float LCG degenerates after a few thousand draws).
  let s = (seed + start) >>> 0;
  const rnd = () => {
    s = (s + 0x6D2B79F5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [];
  let i = start, house = 0;
  while (i < start + count) {
    house++;
    const size = 1 + Math.floor(rnd() * 4); // 1–4, 2.5 on average
    const place = places[house % places.length];
    for (let m = 0; m < size && i < start + count; m++, i++) {
      const ymd = new Date(base + (i % 25000) * 86400000).toISOString().slice(0, 10);
      const seq = String(Math.floor(i / 25000) % 1000).padStart(3, '0');
      const first17 = region + ymd.replaceAll('-', '') + seq;
      const male = Number(seq[2]) % 2 === 1;
      const name = surnames[Math.floor(rnd() * surnames.length)] + given[Math.floor(rnd() * given.length)] +
        (rnd() < 0.5 ? given[Math.floor(rnd() * given.length)] : '');
      const phone = rnd() < 0.7 ? '13' + String(Math.floor(rnd() * 1e9)).padStart(9, '0') : '';
      out.push([name, male ? '男' : '女', ymd, first17 + check(first17), phone, rnd() < 0.6 ? '土家族' : '汉族',
        rnd() < 0.9 ? '本地' : '外地', '群众', m === 0 ? '户主' : rel[Math.floor(rnd() * rel.length)],
        `${start}-${house}号`, place, tags[Math.floor(rnd() * tags.length)]].join(','));
    }
  }
  return '\ufeff' + [HEADER, ...out].join('\r\n') + '\r\n';
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(roster({ count: Number(process.argv[2] || 100000), region: process.argv[3] || '422802' }));
}
