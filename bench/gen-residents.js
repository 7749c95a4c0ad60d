// bench/gen-residents.js — a deterministic roster of N residents as CSV in the import template's
// layout (households of 1–5 people at made-up addresses, valid GB 11643 numbers, phones, tags).
// Usage: node bench/gen-residents.js N [region6] > file.csv
const N = Number(process.argv[2] || 100000);
const region = process.argv[3] || '422802';
let seed = 20261123;
const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const check = (s) => '10X98765432'[[...s].reduce((a, d, i) => a + Number(d) * W[i], 0) % 11];
const surnames = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const given = '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍建国红梅志强海燕春梅小红文';
const rel = ['户主', '配偶', '子', '女', '父母'];
const tags = ['', '', '', '', '老年人', '低保', '留守儿童', '残疾人', '老年人、低保'];
const base = Date.UTC(1940, 0, 1);
const out = ['姓名,性别,出生日期,公民身份号码,联系电话,民族,户籍类型,政治面貌,与户主关系,住址,网格或楼栋编码,关爱标签'];
let i = 0, house = 0;
while (i < N) {
  house++;
  const size = 1 + Math.floor(rnd() * 5);
  for (let m = 0; m < size && i < N; m++, i++) {
    const day = i % 25000; // 25,000 birth dates × 1,000 sequence numbers: unique for 25M people
    const d = new Date(base + day * 86400000);
    const ymd = d.toISOString().slice(0, 10);
    const seq = String(Math.floor(i / 25000) % 1000).padStart(3, '0');
    const first17 = region + ymd.replaceAll('-', '') + seq;
    const male = Number(seq[2]) % 2 === 1;
    const name = surnames[Math.floor(rnd() * surnames.length)] + given[Math.floor(rnd() * given.length)] + (rnd() < 0.5 ? given[Math.floor(rnd() * given.length)] : '');
    const phone = rnd() < 0.7 ? '13' + String(Math.floor(rnd() * 1e9)).padStart(9, '0') : '';
    out.push([name, male ? '男' : '女', ymd, first17 + check(first17), phone, rnd() < 0.6 ? '土家族' : '汉族', rnd() < 0.9 ? '本地' : '外地',
      '群众', m === 0 ? '户主' : rel[1 + Math.floor(rnd() * 4)], `第${Math.ceil(house / 50)}组${house}号`, '', tags[Math.floor(rnd() * tags.length)]].join(','));
  }
}
process.stdout.write('\ufeff' + out.join('\r\n') + '\r\n');
