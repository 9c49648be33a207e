import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createItemSearch, SEARCH_TIERS, type SearchableItem } from '../../electron/catalog/search';

const DEPARTMENTS: Record<string, [name: string, shortName: string]> = {
  SCJG: ['栖霞区市场监督管理局', '市场监管'],
  ZJ: ['栖霞区住房和城乡建设局', '住建'],
  RS: ['栖霞区人力资源和社会保障局', '人社'],
  WJ: ['栖霞区卫生健康委员会', '卫健'],
  SMK: ['南京市民卡有限公司栖霞服务网点', '市民卡'],
  GJJ: ['南京住房公积金管理中心栖霞分中心', '公积金'],
  MZ: ['栖霞区民政局', '民政'],
  SF: ['栖霞区司法局', '司法'],
};

function item(code: string, name: string, shortName: string, keywords: string[] = []): SearchableItem {
  const department = code.split('-')[1];
  const [departmentName, departmentShortName] = DEPARTMENTS[department];
  return { code, name, shortName, department, departmentName, departmentShortName, keywords };
}

/** A small slice of a district catalogue, with distractors that share words with the targets. */
const CATALOGUE: SearchableItem[] = [
  item('QX-SCJG-XK-001', '公司设立登记', '公司登记', ['营业执照', '开公司', '注册公司']),
  item('QX-SCJG-XK-002', '公司变更登记', '公司变更', ['变更法人', '变更地址']),
  item('QX-SCJG-XK-003', '公司注销登记', '公司注销', ['注销营业执照']),
  item('QX-SCJG-XK-004', '个体工商户设立登记', '个体户登记', ['个体执照']),
  item('QX-SCJG-XK-005', '食品经营许可证核发', '食品经营许可', ['食品许可证']),
  item('QX-ZJ-XK-001', '建筑工程施工许可证核发', '施工许可', ['施工证']),
  item('QX-ZJ-XK-002', '施工图审查', '施工图审查', ['图审']),
  item('QX-ZJ-BA-001', '建设工程竣工验收备案', '竣工备案'),
  // 挂失 and 补办 tie on tier and name length; the catalogue numbers 挂失 first, and code
  // order is the final tie-break.
  item('QX-SMK-FW-001', '市民卡挂失', '市民卡挂失', ['社保卡挂失', '卡丢了']),
  item('QX-SMK-FW-002', '市民卡补办', '市民卡补办', ['社保卡补办', '换卡']),
  item('QX-RS-FW-001', '社会保险参保证明打印', '参保证明', ['社保证明', '缴费证明']),
  item('QX-RS-FW-002', '失业保险金申领', '失业金申领', ['失业金']),
  item('QX-WJ-FW-001', '生育登记', '生育登记', ['准生证', '生育服务证']),
  item('QX-GJJ-FW-001', '住房公积金提取', '公积金提取', ['公积金']),
  item('QX-MZ-QR-001', '最低生活保障审核确认', '低保审核', ['低保']),
  item('QX-MZ-XK-001', '行业协会成立登记', '行业协会登记'),
  item('QX-SF-FW-001', '行政复议申请', '行政复议'),
];

const CODE = Object.fromEntries(CATALOGUE.map((i) => [i.name, i.code]));
const search = createItemSearch(CATALOGUE);
const codes = (query: string, options?: Parameters<typeof search.search>[1]) =>
  search.search(query, options).map((h) => h.code);

describe('required top hits', () => {
  it('"gsdj" finds 公司设立登记 (short name 公司登记) first, by its initials', () => {
    const hits = search.search('gsdj');
    expect(hits[0]).toEqual({ code: CODE['公司设立登记'], score: SEARCH_TIERS.exact, matchedBy: 'pinyin-initials' });
    // The other 公司…登记 items match the initials with words skipped, below it.
    expect(codes('gsdj')).toEqual(
      expect.arrayContaining([CODE['公司变更登记'], CODE['公司注销登记']]),
    );
    expect(hits.slice(1).every((h) => h.score < hits[0].score)).toBe(true);
  });

  it('"sgxk" finds 建筑工程施工许可证核发 (short name 施工许可) first', () => {
    expect(codes('sgxk')[0]).toBe(CODE['建筑工程施工许可证核发']);
  });

  it('"shiminka" finds 市民卡挂失 first, by full pinyin', () => {
    const hits = search.search('shiminka');
    expect(hits[0]).toMatchObject({ code: CODE['市民卡挂失'], matchedBy: 'pinyin-full' });
    expect(hits[1].code).toBe(CODE['市民卡补办']);
  });

  it('full pinyin, whole or partial, finds the item', () => {
    expect(codes('gongsisheli')[0]).toBe(CODE['公司设立登记']);
    expect(codes('gongsi').slice(0, 3).sort()).toEqual(
      [CODE['公司设立登记'], CODE['公司变更登记'], CODE['公司注销登记']].sort(),
    );
    expect(codes('shengyudengji')[0]).toBe(CODE['生育登记']);
    expect(search.search('shengyudengji')[0].score).toBe(SEARCH_TIERS.exact);
    // From a word inside the name, on a syllable boundary only.
    expect(codes('dayin')).toEqual([CODE['社会保险参保证明打印']]);
    expect(codes('ayin')).not.toContain(CODE['社会保险参保证明打印']);
  });

  it('mixed full pinyin and initials, as IMEs accept it', () => {
    expect(codes('shimkgs')[0]).toBe(CODE['市民卡挂失']);
    expect(codes('gongsdj')[0]).toBe(CODE['公司设立登记']);
  });
});

describe('Chinese text', () => {
  it('matches names, short names and keywords', () => {
    expect(search.search('公司登记')[0]).toEqual({
      code: CODE['公司设立登记'],
      score: SEARCH_TIERS.exact,
      matchedBy: 'shortName',
    });
    expect(codes('施工').slice(0, 2).sort()).toEqual([CODE['施工图审查'], CODE['建筑工程施工许可证核发']].sort());
    expect(search.search('营业执照')[0]).toMatchObject({ code: CODE['公司设立登记'], matchedBy: 'keyword' });
    expect(search.search('准生证')[0]).toMatchObject({ code: CODE['生育登记'], matchedBy: 'keyword' });
  });

  it('matches characters typed in order with gaps, below contiguous matches', () => {
    const hits = search.search('社会证明');
    expect(hits[0]).toMatchObject({ code: CODE['社会保险参保证明打印'], score: SEARCH_TIERS.scattered });
  });

  it('folds full-width latin typed in a Chinese IME', () => {
    expect(codes('ＧＳＤＪ')).toEqual(codes('gsdj'));
  });
});

describe('item code', () => {
  it('exact code, any case, with or without hyphens, comes first', () => {
    for (const q of ['QX-ZJ-XK-001', 'qx-zj-xk-001', 'qxzjxk001', ' QX-ZJ-XK-001 ']) {
      expect(search.search(q)[0]).toEqual({ code: 'QX-ZJ-XK-001', score: SEARCH_TIERS.exactCode, matchedBy: 'code' });
    }
  });

  it('a code prefix lists that department, in code order for equal names', () => {
    const hits = search.search('QX-ZJ');
    expect(hits.map((h) => h.code).sort()).toEqual(['QX-ZJ-BA-001', 'QX-ZJ-XK-001', 'QX-ZJ-XK-002']);
    expect(hits.every((h) => h.matchedBy === 'code' && h.score === SEARCH_TIERS.prefix)).toBe(true);
  });

  it('the district prefix alone is not a code match for every item', () => {
    expect(search.search('qx').some((h) => h.matchedBy === 'code')).toBe(false);
  });

  it('a code tail from a later segment matches', () => {
    expect(codes('xk-002').sort()).toEqual(['QX-SCJG-XK-002', 'QX-ZJ-XK-002']);
  });
});

describe('department', () => {
  const scjg = CATALOGUE.filter((i) => i.department === 'SCJG').map((i) => i.code).sort();

  it('the short or full department name lists its items', () => {
    for (const q of ['市场监管', '市场监督管理局']) {
      const hits = search.search(q);
      expect(hits.map((h) => h.code).sort()).toEqual(scjg);
      expect(hits.every((h) => h.matchedBy === 'department' && h.score === SEARCH_TIERS.department)).toBe(true);
    }
  });

  it('department pinyin lists its items below items matched by name', () => {
    const hits = search.search('shichang');
    expect(hits.map((h) => h.code).sort()).toEqual(scjg);
    expect(codes('minzheng').sort()).toEqual(['QX-MZ-QR-001', 'QX-MZ-XK-001']);
  });
});

describe('polyphonic characters', () => {
  it('行 reads xing in 行政 and hang in 行业, and the other reading still finds it', () => {
    expect(codes('xingzheng')[0]).toBe(CODE['行政复议申请']);
    expect(codes('xzfy')[0]).toBe(CODE['行政复议申请']);
    expect(codes('hangye')[0]).toBe(CODE['行业协会成立登记']);
    expect(codes('xingyexiehui')).toContain(CODE['行业协会成立登记']);
  });
});

describe('recent and favourite items', () => {
  const sheli = CODE['公司设立登记'];
  const biangeng = CODE['公司变更登记'];
  const zhuxiao = CODE['公司注销登记'];

  it('without history, equal tiers go by shorter name, then code', () => {
    expect(codes('gongsi').slice(0, 3)).toEqual([sheli, biangeng, zhuxiao]);
  });

  it('recent items lead their tier, most recent first, then favourites', () => {
    expect(codes('gongsi', { recent: [zhuxiao, biangeng] }).slice(0, 3)).toEqual([zhuxiao, biangeng, sheli]);
    expect(codes('gongsi', { favourites: [zhuxiao] }).slice(0, 3)).toEqual([zhuxiao, sheli, biangeng]);
    expect(codes('gongsi', { recent: [biangeng], favourites: [zhuxiao] }).slice(0, 3)).toEqual([
      biangeng,
      zhuxiao,
      sheli,
    ]);
  });

  it('history never lifts an item over a better match', () => {
    expect(codes('gsdj', { recent: [zhuxiao, CODE['市民卡补办']], favourites: [biangeng] })[0]).toBe(sheli);
    expect(codes('shiminka', { recent: [CODE['市民卡补办']] })[0]).toBe(CODE['市民卡补办']);
  });

  it('leaves no state behind between searches', () => {
    codes('gongsi', { recent: [zhuxiao], favourites: [biangeng] });
    expect(codes('gongsi').slice(0, 3)).toEqual([sheli, biangeng, zhuxiao]);
  });
});

describe('typo tolerance', () => {
  it('one edit in a latin query of four or more letters still finds the item', () => {
    for (const q of ['shimika', 'shimunka', 'shiminnka']) {
      const hits = search.search(q);
      expect(hits[0]).toMatchObject({ code: CODE['市民卡挂失'], matchedBy: 'fuzzy', score: SEARCH_TIERS.fuzzy });
    }
    expect(search.search('gsdk')[0]).toMatchObject({ code: CODE['公司设立登记'], matchedBy: 'fuzzy' });
  });

  it('short queries and a wrong first letter get no typo matches', () => {
    expect(search.search('gsk').some((h) => h.matchedBy === 'fuzzy')).toBe(false);
    expect(codes('dhiminka')).toEqual([]);
  });

  it('typo matches rank below every other match', () => {
    for (const q of ['shimika', 'gongsi', 'dengji', 'shengyu', 'canbao', 'shigong']) {
      const hits = search.search(q);
      const firstFuzzy = hits.findIndex((h) => h.matchedBy === 'fuzzy');
      if (firstFuzzy >= 0) expect(hits.slice(firstFuzzy).every((h) => h.matchedBy === 'fuzzy')).toBe(true);
    }
  });
});

describe('empty query', () => {
  it('lists recent items, then favourites, without duplicates or unknown codes', () => {
    const hits = search.search('  ', {
      recent: [CODE['生育登记'], 'QX-XX-XX-999', CODE['市民卡挂失']],
      favourites: [CODE['市民卡挂失'], CODE['公司设立登记']],
    });
    expect(hits).toEqual([
      { code: CODE['生育登记'], score: 0, matchedBy: 'recent' },
      { code: CODE['市民卡挂失'], score: 0, matchedBy: 'recent' },
      { code: CODE['公司设立登记'], score: 0, matchedBy: 'favourite' },
    ]);
    expect(search.search('', { recent: [CODE['生育登记'], CODE['市民卡挂失']], limit: 1 })).toHaveLength(1);
    expect(search.search('')).toEqual([]);
  });
});

describe('general behaviour', () => {
  it('honours the limit', () => {
    expect(search.search('g').length).toBeGreaterThan(3);
    expect(search.search('g', { limit: 3 })).toHaveLength(3);
    expect(search.search('g', { limit: 0 })).toEqual([]);
  });

  it('does not depend on the order items are loaded in', () => {
    const reversed = createItemSearch([...CATALOGUE].reverse());
    for (const q of ['g', 'gsdj', 'shiminka', '施工', 'qx-zj', '市场监管', 'shimika', 'dengji']) {
      expect(reversed.search(q)).toEqual(search.search(q));
    }
  });

  it('returns unique codes ordered by score for any input', () => {
    const alphabet = [...'abcdegijklmnoqsuxyz019-  公司登记施工市民卡社保证明行政', 'ＧＳ'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...alphabet), { maxLength: 14 }), fc.nat(30), (chars, limit) => {
        const hits = search.search(chars.join(''), { limit, recent: [CODE['生育登记']] });
        expect(hits.length).toBeLessThanOrEqual(limit);
        expect(new Set(hits.map((h) => h.code)).size).toBe(hits.length);
        for (let i = 1; i < hits.length; i++) expect(hits[i].score).toBeLessThanOrEqual(hits[i - 1].score);
      }),
      { numRuns: 300 },
    );
  });
});
