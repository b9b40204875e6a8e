// Demo coverage data for Liupanshui (5202), all of it sample data: a registry history for 2021–2026 in which the
// city's coverage rises year by year and meets some of its plan's targets and misses others (docs/COVERAGE.md, the
// worked example), central villages, the plan's targets, yearly deaths, cremations and burials per county,
// scattered-grave remediation, and funeral zones. Villages are chosen by query from the imported divisions, in
// code order, so the same data comes out of every seed.
import fs from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import { nowIso } from '../../server/db.js';
import { staticDir } from '../../server/paths.js';
import type { BuildMode, FacilityKind, FacilityStatus } from '../../server/facilities/kinds.js';

const CITY = '5202';
const PLAN = '《六盘水市殡葬设施建设规划》（示例）';

/** A status and the day it took effect (Asia/Shanghai). */
type Step = [FacilityStatus, string];

/** The histories of the eight sample facilities of demo.ts, by name, with their build modes where rural. */
const sampleHistories: Record<
  string,
  { steps: Step[]; build_mode?: BuildMode; areas?: 'zhongshan_streets'; investment_fen?: number }
> = {
  '六盘水市殡仪馆（示例）': {
    steps: [
      ['planned', '2009-03-01'],
      ['building', '2010-04-15'],
      ['operating', '2012-09-28'],
    ],
    investment_fen: 8_600_000_00,
  },
  '盘州市殡仪馆（示例）': {
    steps: [
      ['planned', '2013-05-01'],
      ['building', '2014-03-20'],
      ['operating', '2016-05-18'],
    ],
    investment_fen: 6_200_000_00,
  },
  // The district's columbarium stands in 大河镇 and serves the nine streets (街道) of the district as well.
  '钟山区公益性骨灰堂（示例）': {
    steps: [
      ['planned', '2019-05-01'],
      ['building', '2020-03-10'],
      ['operating', '2021-04-01'],
    ],
    areas: 'zhongshan_streets',
    investment_fen: 1_800_000_00,
  },
  '大河镇农村公益性公墓（示例）': {
    steps: [
      ['planned', '2019-09-01'],
      ['building', '2020-10-08'],
      ['operating', '2021-10-01'],
    ],
    build_mode: 'township_wide',
    investment_fen: 420_000_00,
  },
  '水城区城市公益性公墓（示例）': {
    steps: [
      ['planned', '2023-06-01'],
      ['building', '2024-08-01'],
    ],
    investment_fen: 3_500_000_00,
  },
  '岩脚镇农村公益性公墓（示例）': {
    steps: [['planned', '2025-03-01']],
    build_mode: 'township_wide',
    investment_fen: 380_000_00,
  },
  '凉都经营性公墓（示例）': {
    steps: [
      ['planned', '2012-04-01'],
      ['building', '2013-06-01'],
      ['operating', '2015-07-01'],
    ],
  },
  '汪家寨镇集中治丧点（示例）': {
    steps: [
      ['planned', '2021-03-01'],
      ['building', '2021-07-01'],
      ['operating', '2022-01-01'],
    ],
  },
};

/** County outlines (static/geo, see SOURCE.md there), so sample markers fall inside their county. */
type Ring = [number, number][];
const outlines: Map<string, { label: [number, number]; polygons: Ring[][] }> = (() => {
  const out = new Map<string, { label: [number, number]; polygons: Ring[][] }>();
  const file = path.join(staticDir, 'geo', 'liupanshui-counties.geojson');
  if (!fs.existsSync(file)) return out;
  const geo = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    features: {
      properties: { code: string; label: [number, number] };
      geometry: { type: string; coordinates: unknown };
    }[];
  };
  for (const f of geo.features) {
    const polygons = (f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates) as Ring[][];
    out.set(f.properties.code, { label: f.properties.label, polygons });
  }
  return out;
})();

/** Ray casting: inside the outer ring and outside its holes. */
function inside([x, y]: [number, number], polygons: Ring[][]): boolean {
  const inRing = (ring: Ring) => {
    let hit = false;
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i, i += 1) {
      const [xi, yi] = ring[i];
      const [xj, yj] = ring[j];
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) hit = !hit;
    }
    return hit;
  };
  return polygons.some(([outer, ...holes]) => inRing(outer) && !holes.some(inRing));
}

/** A deterministic number in [0, 1) for a string (FNV-1a), so every seed gives the same data. */
function hash01(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i += 1) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) / 2 ** 32;
}

/** Sample coordinates for a facility: a deterministic point inside its county near the county's centre. */
const place = (key: string) => {
  const county = outlines.get(key.slice(0, 6));
  const [lng, lat] = county?.label ?? [104.83, 26.59];
  for (let i = 0; i < 60; i += 1) {
    const p: [number, number] = [lng + (hash01(`x${i}${key}`) - 0.5) * 0.5, lat + (hash01(`y${i}${key}`) - 0.5) * 0.4];
    if (!county || inside(p, county.polygons)) return { lng: Number(p[0].toFixed(5)), lat: Number(p[1].toFixed(5)) };
  }
  return { lng, lat };
};

/** The history of a facility that opened in `year`: planned two years before, building the year before. */
function opened(year: number, key: string, closedOn?: string): Step[] {
  const m = 1 + Math.floor(hash01(key) * 11);
  const d = 1 + Math.floor(hash01(`${key}d`) * 27);
  const day = `${year}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  const steps: Step[] = [
    ['planned', `${year - 2}-0${1 + Math.floor(hash01(`${key}p`) * 9)}-01`],
    ['building', `${year - 1}-${String(m).padStart(2, '0')}-10`],
    ['operating', day],
  ];
  if (closedOn) steps.push(['closed', closedOn]);
  return steps;
}

/** Not open yet: planned, and under construction from `building` when given. */
const notYet = (planned: string, building?: string): Step[] =>
  building
    ? [
        ['planned', planned],
        ['building', building],
      ]
    : [['planned', planned]];

interface NewFacility {
  name: string;
  kind: FacilityKind;
  region_code: string;
  build_mode: BuildMode | null;
  areas: string[];
  steps: Step[];
  plot_capacity?: number;
  niche_capacity?: number;
  investment_fen?: number;
  cremators?: number;
}

interface Township {
  code: string;
  name: string;
  villages: { code: string; name: string }[];
}

const shortVillage = (name: string) => name.replace(/(村民委员会|村委会)$/, '').replace(/村$/, '') + '村';

/**
 * The rural plan, township by township (those with administrative villages and not served by the urban
 * facilities), in a fixed pseudo-random order: the first facility of a township opens in the year of its bucket,
 * its build mode by turn. 全镇统建 and a township columbarium serve the whole township at once; 镇村合建 serves
 * half its villages and a 多村联建 the rest two years later; otherwise groups of four villages (多村联建) open one a
 * year, after one village's own cemetery (单村独建) where the township has six villages or more.
 */
function ruralPlan(townships: Township[]): NewFacility[] {
  const order = [...townships].sort((a, b) => hash01(`${a.code}plan`) - hash01(`${b.code}plan`));
  // Townships whose first facility opens in each year: 4 in 2021, 20 in 2022, 20 in 2023, the rest in 2024.
  const firstYear = (i: number) => (i < 4 ? 2021 : i < 24 ? 2022 : i < 44 ? 2023 : 2024);
  const out: NewFacility[] = [];
  order.forEach((t, i) => {
    const first = firstYear(i);
    const v = t.villages;
    const n = v.length;
    const mode = (['township_wide', 'multi_village', 'township_village', 'multi_village', 'columbarium'] as const)[
      i % 5
    ];
    const cemetery = (
      c: Omit<NewFacility, 'kind' | 'plot_capacity' | 'investment_fen'>,
      plots: number,
    ): NewFacility => ({ kind: 'rural_public_cemetery', plot_capacity: plots, investment_fen: plots * 1_200_00, ...c });
    // Groups of four villages, each a 多村联建 cemetery standing in its first village, opening a year apart;
    // those whose year is still to come are planned or under construction.
    const groups = (from: number, startYear: number) => {
      for (let g = from, year = startYear; g < n; g += 4, year += 1) {
        const members = v.slice(g, g + 4);
        const key = `${members[0].code}mv`;
        const steps =
          year <= 2026 && !(year === 2026 && hash01(key) < 0.5)
            ? opened(year, key).filter(([, d]) => d <= '2026-11-20')
            : year <= 2027
              ? notYet(`${year - 2}-06-01`, '2026-04-01')
              : notYet('2026-06-01');
        if (members.length === 1) {
          out.push(
            cemetery(
              {
                name: `${t.name}${shortVillage(members[0].name)}公益性公墓（示例）`,
                region_code: members[0].code,
                build_mode: 'single_village',
                areas: [],
                steps,
              },
              300,
            ),
          );
        } else {
          out.push(
            cemetery(
              {
                name: `${t.name}${shortVillage(members[0].name)}等${members.length}村联建公墓（示例）`,
                region_code: members[0].code,
                build_mode: 'multi_village',
                areas: members.slice(1).map((m) => m.code),
                steps,
              },
              300 * members.length,
            ),
          );
        }
      }
    };
    switch (mode) {
      case 'township_wide':
        out.push(
          cemetery(
            {
              name: `${t.name}农村公益性公墓（示例）`,
              region_code: v[Math.floor(n / 2)].code,
              build_mode: 'township_wide',
              areas: [],
              steps: opened(first, `${t.code}tw`),
            },
            400 + 60 * n,
          ),
        );
        break;
      case 'columbarium':
        out.push({
          name: `${t.name}公益性骨灰堂（示例）`,
          kind: 'columbarium',
          region_code: t.code,
          build_mode: null,
          areas: [],
          steps: opened(first, `${t.code}cb`),
          niche_capacity: 1000 + 150 * n,
          investment_fen: (60 + 5 * n) * 10_000_00,
        });
        break;
      case 'township_village': {
        const half = Math.ceil(n / 2);
        out.push(
          cemetery(
            {
              name: `${t.name}镇村合建公益性公墓（示例）`,
              region_code: t.code,
              build_mode: 'township_village',
              areas: v.slice(0, half).map((m) => m.code),
              steps: opened(first, `${t.code}tv`),
            },
            500 + 80 * half,
          ),
        );
        groups(half, first + 2);
        break;
      }
      default: {
        // A village that built its own cemetery first (单村独建), then 多村联建 groups for the others.
        if (n >= 6) {
          out.push(
            cemetery(
              {
                name: `${t.name}${shortVillage(v[0].name)}公益性公墓（示例）`,
                region_code: v[0].code,
                build_mode: 'single_village',
                areas: [],
                steps: opened(first, `${v[0].code}sv`),
              },
              260,
            ),
          );
          groups(1, first + 1);
        } else {
          groups(0, first);
        }
      }
    }
  });
  return out;
}

/** Runs inside the demo seed's transaction, after the sample facilities of demo.ts exist (their ids by name). */
export async function seedDemoCoverage(trx: Knex, sampleIds: Map<string, number>): Promise<void> {
  const now = nowIso();
  const townshipRows = await trx('regions')
    .where('level', 'township')
    .where('code', 'like', `${CITY}%`)
    .orderBy('code')
    .select('code', 'name');
  const villageRows = await trx('regions')
    .where('level', 'village')
    .where('code', 'like', `${CITY}%`)
    .where('is_admin_village', true)
    .orderBy('code')
    .select('code', 'name', 'parent_code');
  const villagesOf = new Map<string, { code: string; name: string }[]>();
  for (const v of villageRows) {
    let list = villagesOf.get(v.parent_code);
    if (!list) villagesOf.set(v.parent_code, (list = []));
    list.push({ code: v.code, name: v.name });
  }
  const townships: Township[] = townshipRows.map((t) => ({
    code: t.code,
    name: t.name,
    villages: villagesOf.get(t.code) ?? [],
  }));
  const streets = (county: string) =>
    townships.filter((t) => t.code.startsWith(county) && t.code.slice(6, 7) === '0').map((t) => t.code);
  const named = (code: string) => townships.find((t) => t.code === code)!;

  // The sample facilities: real dates, build modes, service areas.
  const areaRows: { facility_id: number; region_code: string }[] = [];
  const historyRows: { facility_id: number; status: string; effective_on: string; recorded_at: string }[] = [];
  const samples = await trx('facilities')
    .whereIn('id', [...sampleIds.values()])
    .orderBy('id')
    .select('id', 'name', 'status', 'region_code');
  for (const { id, name, status: registered, region_code } of samples) {
    // A sample facility this file does not know keeps its registered status from the start of 2020.
    const h = sampleHistories[name] ?? { steps: [[registered, '2020-01-01']] as Step[] };
    const status = h.steps[h.steps.length - 1][0];
    await trx('facilities')
      .where({ id })
      .update({
        status,
        build_mode: h.build_mode ?? null,
        investment_fen: h.investment_fen ?? null,
        ...place(region_code + name),
      });
    for (const [s, on] of h.steps) historyRows.push({ facility_id: id, status: s, effective_on: on, recorded_at: now });
    if (h.areas === 'zhongshan_streets')
      for (const code of streets('520201')) areaRows.push({ facility_id: id, region_code: code });
  }

  // Urban facilities for the streets of the other three counties, funeral homes, and one cemetery closed for good.
  const urban: NewFacility[] = [
    {
      name: '六枝特区公益性骨灰堂（示例）',
      kind: 'columbarium',
      region_code: '520203001',
      build_mode: null,
      areas: streets('520203').filter((c) => c !== '520203001'),
      steps: opened(2022, '六枝骨灰堂'),
      niche_capacity: 8000,
      investment_fen: 2_100_000_00,
    },
    {
      name: '水城区城区公益性骨灰堂（示例）',
      kind: 'columbarium',
      region_code: '520204002',
      build_mode: null,
      areas: streets('520204').filter((c) => c !== '520204002'),
      steps: [
        ['planned', '2021-08-01'],
        ['building', '2022-09-15'],
        ['operating', '2023-12-20'],
      ],
      niche_capacity: 9000,
      investment_fen: 2_600_000_00,
    },
    {
      name: '盘州市城市公益性公墓（示例）',
      kind: 'urban_public_cemetery',
      region_code: '520281003',
      build_mode: null,
      areas: streets('520281').filter((c) => c !== '520281003'),
      steps: [
        ['planned', '2022-02-01'],
        ['building', '2023-05-06'],
        ['operating', '2024-09-26'],
      ],
      plot_capacity: 6000,
      investment_fen: 4_800_000_00,
    },
    {
      name: '六枝特区殡仪馆（示例）',
      kind: 'funeral_home',
      region_code: '520203002',
      build_mode: null,
      areas: [],
      steps: [
        ['planned', '2021-06-01'],
        ['building', '2022-05-16'],
        ['operating', '2024-06-18'],
      ],
      investment_fen: 5_400_000_00,
      cremators: 2,
    },
    {
      name: '水城区殡仪馆（示例）',
      kind: 'funeral_home',
      region_code: '520204003',
      build_mode: null,
      areas: [],
      steps: [
        ['planned', '2024-03-01'],
        ['building', '2025-04-01'],
      ],
      investment_fen: 6_000_000_00,
    },
    {
      name: '钟山区九龙山经营性公墓（示例）',
      kind: 'commercial_cemetery',
      region_code: '520201016',
      build_mode: null,
      areas: [],
      steps: [
        ['planned', '2016-01-01'],
        ['building', '2017-03-01'],
        ['operating', '2018-10-01'],
      ],
      plot_capacity: 8000,
    },
  ];
  // 木果镇's first cemetery, on a slope found unstable in 2023 and closed; the township's later ones replace it.
  const muguo = named('520201104');
  urban.push({
    name: `${muguo.name}${shortVillage(muguo.villages[0].name)}老公墓（示例）`,
    kind: 'rural_public_cemetery',
    region_code: muguo.villages[0].code,
    build_mode: 'multi_village',
    areas: muguo.villages.slice(1, 3).map((v) => v.code),
    steps: opened(2021, '木果老公墓', '2023-09-30'),
    plot_capacity: 500,
  });

  const coveredByUrban = new Set([
    '520201101',
    ...streets('520201'),
    ...streets('520203'),
    ...streets('520204'),
    ...streets('520281'),
  ]);
  const rural = ruralPlan(townships.filter((t) => t.villages.length > 0 && !coveredByUrban.has(t.code)));

  const all = [...urban, ...rural];
  // Names are unique in the registry; two villages of a township may share a short name.
  const taken = new Set(sampleIds.keys());
  for (const f of all) {
    if (taken.has(f.name)) f.name = f.name.replace('（示例）', `（${f.region_code.slice(-3)}，示例）`);
    taken.add(f.name);
  }
  for (let i = 0; i < all.length; i += 100) {
    const rows = all.slice(i, i + 100).map((f) => ({
      name: f.name,
      kind: f.kind,
      status: f.steps[f.steps.length - 1][0],
      region_code: f.region_code,
      build_mode: f.build_mode,
      plot_capacity: f.plot_capacity ?? null,
      niche_capacity: f.niche_capacity ?? null,
      investment_fen: f.investment_fen ?? null,
      is_sample: true,
      created_at: now,
      updated_at: now,
      ...place(f.region_code + f.name),
    }));
    await trx('facilities').insert(rows);
  }
  const idOf = new Map<string, number>(
    (
      await trx('facilities')
        .whereIn(
          'name',
          all.map((f) => f.name),
        )
        .select('id', 'name')
    ).map((r) => [r.name, r.id]),
  );
  const crematorRows: Record<string, unknown>[] = [];
  for (const f of all) {
    const id = idOf.get(f.name)!;
    for (const [s, on] of f.steps) historyRows.push({ facility_id: id, status: s, effective_on: on, recorded_at: now });
    for (const code of f.areas) areaRows.push({ facility_id: id, region_code: code });
    for (let k = 1; k <= (f.cremators ?? 0); k += 1) {
      crematorRows.push({
        facility_id: id,
        name: `${k}号炉（平板炉）`,
        slot_minutes: 60,
        day_start: '07:30',
        day_end: '16:30',
        active: true,
        created_at: now,
        updated_at: now,
      });
    }
  }
  const batches = async (table: string, rows: Record<string, unknown>[]) => {
    for (let i = 0; i < rows.length; i += 200) await trx(table).insert(rows.slice(i, i + 200));
  };
  await batches('facility_status_history', historyRows);
  await batches('facility_service_areas', areaRows);
  await batches('cremators', crematorRows);

  // Central villages (中心村): two per township with six or more administrative villages, a third and two thirds in.
  const central: string[] = [];
  for (const t of townships) {
    const n = t.villages.length;
    if (n >= 6) central.push(t.villages[Math.floor(n / 3)].code, t.villages[Math.floor((2 * n) / 3)].code);
  }
  for (let i = 0; i < central.length; i += 200)
    await trx('regions')
      .whereIn('code', central.slice(i, i + 200))
      .update({ is_central_village: true });

  // The plan's targets for the city (fractions, to reach by the end of the year).
  const targets: [string, number, number][] = [
    ['townships', 2022, 0.3],
    ['townships', 2023, 0.7],
    ['townships', 2024, 1],
    ['villages', 2022, 0.25],
    ['villages', 2023, 0.5],
    ['villages', 2024, 0.8],
    ['villages', 2025, 1],
    ['counties', 2025, 1],
    ['cremation_counties', 2023, 0.5],
    ['cremation_counties', 2025, 1],
    ['central_villages', 2024, 0.5],
    ['central_villages', 2025, 0.6],
    ['cremation_rate', 2025, 0.7],
    ['green_burial_rate', 2025, 0.3],
    ['grave_remediation', 2022, 0.7],
    ['grave_remediation', 2023, 1],
  ];
  await trx('coverage_targets').insert(
    targets.map(([indicator, year, rate]) => ({
      region_code: CITY,
      indicator,
      year,
      rate,
      source: PLAN,
      updated_at: now,
    })),
  );

  // Deaths (crude death rate about 6‰ of some three million people), cremations, burials and placements, green burials.
  const counties: { code: string; people: number; cremation: number; rise: number }[] = [
    { code: '520201', people: 690_000, cremation: 0.86, rise: 0.015 },
    { code: '520203', people: 520_000, cremation: 0.32, rise: 0.06 },
    { code: '520204', people: 780_000, cremation: 0.58, rise: 0.04 },
    { code: '520281', people: 1_040_000, cremation: 0.41, rise: 0.05 },
  ];
  const stats: Record<string, unknown>[] = [];
  for (const c of counties) {
    for (let year = 2021; year <= 2025; year += 1) {
      // 2023 carries the deaths of the winter of 2022–23.
      const rate = (year === 2023 ? 6.9 : 5.9 + 0.05 * (year - 2021)) / 1000;
      const deaths = Math.round(c.people * rate * (0.97 + 0.06 * hash01(`${c.code}${year}`)));
      const cremations = Math.round(deaths * Math.min(0.98, c.cremation + c.rise * (year - 2021)));
      const burials = Math.round(deaths * 0.97);
      const green = Math.round(burials * (0.08 + 0.045 * (year - 2021) + (c.code === '520201' ? 0.08 : 0)));
      stats.push({ region_code: c.code, year, deaths, cremations, burials, green_burials: green, updated_at: now });
    }
  }
  await trx('region_year_stats').insert(stats);

  // Scattered graves found and remediated so far, in eight townships along the main roads.
  const remediation: Record<string, unknown>[] = [];
  const remediated = { 2021: 0.35, 2022: 0.74, 2023: 0.93, 2024: 1, 2025: 1 } as Record<number, number>;
  for (const t of townships.filter((x) => x.villages.length >= 6).slice(0, 8)) {
    const found = 120 + Math.floor(hash01(`${t.code}graves`) * 480);
    for (let year = 2021; year <= 2025; year += 1) {
      const share = t.code.startsWith('520281') && year === 2024 ? 0.96 : remediated[year];
      remediation.push({ region_code: t.code, year, found, remediated: Math.round(found * share), updated_at: now });
    }
  }
  await trx('grave_remediation').insert(remediation);

  // Funeral zones: the two central districts are cremation zones; in 六枝特区 and 盘州市 the ethnic townships (乡,
  // codes 2xx) in the mountains are burial-reform zones and the rest cremation zones.
  await trx('regions').whereIn('code', ['520201', '520203', '520204', '520281']).update({ funeral_zone: 'cremation' });
  const reform = townships
    .filter((t) => (t.code.startsWith('520203') || t.code.startsWith('520281')) && t.code[6] === '2')
    .map((t) => t.code);
  await trx('regions').whereIn('code', reform).update({ funeral_zone: 'reform' });
}
