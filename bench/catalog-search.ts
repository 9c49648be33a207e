/**
 * Benchmark: per-keystroke item search over a synthetic 1,000-item district catalogue.
 * Builds realistic item names from real department, subject and action words, types a dozen
 * queries keystroke by keystroke many times over, and prints build time and p50/p95/max.
 *
 *   npx tsx bench/catalog-search.ts
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createItemSearch, type SearchableItem } from '../electron/catalog/search';

const ITEM_COUNT = 1000;
const MIN_KEYSTROKES = 5000;
const GOAL_P95_MS = 5;

interface Department {
  code: string;
  name: string;
  shortName: string;
}

/** Subjects × actions per department; [full action, short action, item type code]. */
type Action = [string, string, string];
const REGISTER: Action[] = [
  ['设立登记', '登记', 'XK'],
  ['变更登记', '变更', 'XK'],
  ['注销登记', '注销', 'XK'],
  ['备案', '备案', 'BA'],
  ['营业执照补领', '执照补领', 'FW'],
];
const LICENCE: Action[] = [
  ['许可证核发', '许可', 'XK'],
  ['许可证变更', '许可变更', 'XK'],
  ['许可证延续', '许可延续', 'XK'],
  ['许可证注销', '许可注销', 'XK'],
  ['许可证补办', '许可补办', 'FW'],
];
const SERVICE: Action[] = [
  ['申请', '申请', 'FW'],
  ['办理', '办理', 'FW'],
  ['变更', '变更', 'FW'],
  ['查询', '查询', 'FW'],
  ['证明打印', '证明', 'FW'],
];
const CONFIRM: Action[] = [
  ['资格认定', '认定', 'QR'],
  ['审核确认', '审核', 'QR'],
  ['待遇申领', '申领', 'GF'],
  ['补贴发放', '补贴', 'GF'],
];

const VOCABULARY: Record<string, [subjects: string[], actions: Action[]][]> = {
  SCJG: [
    [['公司', '分公司', '个体工商户', '农民专业合作社', '合伙企业', '个人独资企业', '外商投资企业'], REGISTER],
    [['食品经营', '食品生产', '药品零售', '第二类医疗器械经营', '特种设备使用', '小餐饮'], LICENCE],
  ],
  ZJ: [
    [['建筑工程施工', '商品房预售', '房屋建筑工程消防设计', '城镇排水'], LICENCE],
    [['施工图审查', '建设工程竣工验收', '物业服务合同', '房屋租赁登记'], SERVICE],
  ],
  RS: [
    [['社会保险参保', '失业保险金', '职工养老保险', '工伤保险', '灵活就业人员社保', '就业创业证'], SERVICE],
    [['就业困难人员', '创业担保贷款', '高校毕业生就业', '职业技能培训'], CONFIRM],
  ],
  YB: [
    [['城乡居民医保参保', '医保关系转移', '异地就医', '门诊慢特病', '生育医疗费用'], SERVICE],
    [['医疗救助', '长期护理保险', '大病保险'], CONFIRM],
  ],
  WJ: [
    [['生育登记', '出生医学证明', '独生子女父母光荣证', '护士执业注册', '医师执业注册'], SERVICE],
    [['计划生育家庭特别扶助', '农村部分计划生育家庭奖励扶助'], CONFIRM],
  ],
  MZ: [
    [['最低生活保障', '特困人员救助供养', '临时救助', '困难残疾人生活补贴', '高龄津贴'], CONFIRM],
    [['社会团体', '民办非企业单位', '行业协会', '婚姻登记档案'], SERVICE],
  ],
  GA: [
    [['居民身份证', '临时身份证', '居住证', '户口迁移', '出生户口登记', '无犯罪记录证明'], SERVICE],
    [['机动车驾驶证', '出入境证件', '保安服务公司', '旅馆业特种行业'], LICENCE],
  ],
  CL: [[['残疾人证', '残疾人辅助器具', '残疾人就业', '重度残疾人护理'], CONFIRM]],
  SW: [
    [['发票领用', '增值税专用发票', '个人所得税汇算', '房产交易契税', '车辆购置税', '税务注销'], SERVICE],
  ],
  BDC: [
    [['不动产首次', '不动产转移', '不动产变更', '不动产抵押', '不动产预告', '不动产更正'], REGISTER],
    [['不动产权证书', '不动产登记资料'], SERVICE],
  ],
  CG: [
    [['城市道路占用挖掘', '户外广告设置', '建筑垃圾处置', '临时占用城市绿地', '店招标牌设置'], LICENCE],
    [['行政处罚决定书', '行政处罚罚款缴纳', '行政执法听证'], SERVICE],
  ],
  JT: [[['道路货物运输经营', '道路旅客运输经营', '出租汽车经营', '机动车维修经营', '驾驶员培训'], LICENCE]],
  JY: [[['民办学校', '校外培训机构', '教师资格', '学生资助', '幼儿园办学'], LICENCE]],
  TYJR: [[['退役军人优待证', '伤残抚恤', '自主就业退役士兵', '烈士褒扬金', '退役军人创业'], CONFIRM]],
  GJJ: [[['住房公积金提取', '住房公积金贷款', '住房公积金缴存', '公积金个人账户', '公积金异地转移'], SERVICE]],
  SMK: [
    [['市民卡', '社保卡', '老年卡', '学生卡', '爱心卡'], [
      ['挂失', '挂失', 'FW'],
      ['补办', '补办', 'FW'],
      ['申领', '申领', 'FW'],
      ['解挂', '解挂', 'FW'],
      ['信息变更', '变更', 'FW'],
    ]],
  ],
  WL: [[['营业性演出', '娱乐场所经营', '旅行社设立', '网吧经营', '艺术品经营'], LICENCE]],
  NY: [[['农药经营', '兽药经营', '种子生产经营', '农机购置补贴', '动物防疫条件'], LICENCE]],
  SWJ: [[['取水', '河道管理范围内建设项目', '城市排水接入', '水土保持方案'], LICENCE]],
  HB: [[['排污许可', '建设项目环境影响评价', '危险废物经营', '辐射安全'], LICENCE]],
  YJ: [[['危险化学品经营', '烟花爆竹经营', '安全生产标准化', '生产经营单位应急预案'], LICENCE]],
  GH: [[['建设用地规划', '建设工程规划', '乡村建设规划', '临时建设工程规划'], LICENCE]],
};

/**
 * The catalogue's anchor items, checked for their expected top hit below. Numbered first in
 * their department, as catalogues list the most asked-for item first: 市民卡挂失 ties with
 * 市民卡补办/申领/解挂 on tier and name length, so code order decides between them.
 */
const ANCHORS: [code: string, name: string, shortName: string, dept: string, keywords: string[]][] = [
  ['QX-SCJG-XK-001', '公司设立登记', '公司登记', 'SCJG', ['营业执照', '开公司']],
  ['QX-ZJ-XK-001', '建筑工程施工许可证核发', '施工许可', 'ZJ', ['施工证']],
  ['QX-SMK-FW-001', '市民卡挂失', '市民卡挂失', 'SMK', ['社保卡挂失']],
];

function buildCatalogue(departments: Department[]): SearchableItem[] {
  const byCode = new Map(departments.map((d) => [d.code, d]));
  const toItem = (code: string, name: string, shortName: string, dept: string, keywords: string[]) => {
    const d = byCode.get(dept)!;
    return { code, name, shortName, department: d.code, departmentName: d.name, departmentShortName: d.shortName, keywords };
  };
  const items: SearchableItem[] = ANCHORS.map((a) => toItem(...a));
  const names = new Set(items.map((i) => i.name));
  // Every department's combinations, dealt out round-robin so each gets its share.
  const queues = Object.entries(VOCABULARY).map(([dept, groups]) =>
    groups.flatMap(([subjects, actions]) =>
      subjects.flatMap((s) => actions.map(([action, short, type]) => ({ dept, s, action, short, type }))),
    ),
  );
  const seq = new Map<string, number>(ANCHORS.map(([code]) => [code.slice(3, -4), 1]));
  // Scopes multiply the vocabulary the way real catalogues split an item by applicant.
  const scopes = ['', '（个人）', '（单位）', '（跨省通办）', '（告知承诺）', '（延期）'];
  for (let round = 0; items.length < ITEM_COUNT; round++) {
    const scope = scopes[Math.floor(round / 40) % scopes.length];
    for (const q of queues) {
      const c = q[round % q.length];
      const name = `${c.s}${c.action}${scope}`;
      if (names.has(name) || items.length >= ITEM_COUNT) continue;
      names.add(name);
      const key = `${c.dept}-${c.type}`;
      const n = (seq.get(key) ?? 0) + 1;
      seq.set(key, n);
      const shortName = `${c.s.slice(0, 4)}${c.short}`.slice(0, 20);
      items.push(toItem(`QX-${key}-${String(n).padStart(3, '0')}`, name, shortName, c.dept, [c.s]));
    }
  }
  return items;
}

/** Queries as a clerk types them: every prefix is one keystroke (Chinese: one committed character). */
const QUERIES = [
  'gsdj',
  'shiminka',
  'sgxk',
  'gongsisheli',
  '施工',
  '施工许可',
  '3201',
  'qx-scjg-xk-01',
  '市场监管',
  'shimika',
  'yingyezhizhao',
  'bdcdj',
  '公积金提取',
  'xingzheng',
  'shebaoka',
];

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function main(): void {
  const departmentsPath = fileURLToPath(new URL('../resources/catalog/departments.json', import.meta.url));
  const departments = JSON.parse(readFileSync(departmentsPath, 'utf8')) as Department[];
  const items = buildCatalogue(departments);

  const buildStart = performance.now();
  const index = createItemSearch(items);
  const buildMs = performance.now() - buildStart;

  const keystrokes = QUERIES.flatMap((q) => [...q].map((_, i) => [...q].slice(0, i + 1).join('')));
  const recentPool = items.map((i) => i.code);
  const perKeystroke = new Map<string, number[]>();
  const run = (round: number, timings: number[] | null) => {
    // A different clerk history each round, so recency bookkeeping is measured too.
    const recent = Array.from({ length: 10 }, (_, k) => recentPool[(round * 37 + k * 101) % recentPool.length]);
    const favourites = recentPool.slice((round * 13) % 900, ((round * 13) % 900) + 5);
    for (const q of keystrokes) {
      const t = performance.now();
      index.search(q, { recent, favourites });
      if (timings) {
        const ms = performance.now() - t;
        timings.push(ms);
        if (!perKeystroke.has(q)) perKeystroke.set(q, []);
        perKeystroke.get(q)!.push(ms);
      }
    }
  };
  for (let w = 0; w < 5; w++) run(w, null); // warm-up: let the JIT settle
  const timings: number[] = [];
  for (let round = 0; timings.length < MIN_KEYSTROKES; round++) run(round, timings);

  const sorted = Float64Array.from(timings).sort();
  const p50 = percentile(sorted, 50);
  const p95 = percentile(sorted, 95);
  const max = sorted[sorted.length - 1];

  const expect: [string, string][] = [
    ['gsdj', '公司设立登记'],
    ['sgxk', '建筑工程施工许可证核发'],
    ['shiminka', '市民卡挂失'],
  ];
  const nameOf = new Map(items.map((i) => [i.code, i.name]));
  for (const [q, want] of expect) {
    const top = index.search(q).slice(0, 3).map((h) => `${nameOf.get(h.code)}(${h.matchedBy} ${h.score})`);
    console.log(`  ${q} → ${top.join(', ')}${nameOf.get(index.search(q)[0]?.code) === want ? '' : '  ✗ expected ' + want}`);
  }
  const slowest = [...perKeystroke]
    .map(([q, ms]) => [q, Float64Array.from(ms).sort()[Math.floor(ms.length / 2)]] as const)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3);
  console.log(`  slowest keystrokes (median): ${slowest.map(([q, ms]) => `"${q}" ${ms.toFixed(3)}ms`).join(', ')}`);
  console.log(`  sample names: ${items.slice(3, 9).map((i) => i.name).join('、')}`);
  const ok = p95 < GOAL_P95_MS ? 'met' : 'MISSED';
  console.log(
    `catalog-search: items=${index.size} keystrokes=${timings.length} p50=${p50.toFixed(3)}ms ` +
      `p95=${p95.toFixed(3)}ms max=${max.toFixed(3)}ms build=${buildMs.toFixed(1)}ms goal=p95<${GOAL_P95_MS}ms (${ok})`,
  );
}

main();
