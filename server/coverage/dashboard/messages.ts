// Messages of the bureau's coverage pages (dashboard, lists behind the numbers), Chinese first. Other coverage
// pages keep their own files (map, targets and figures, proposal, reports).
import type { DomainMessages } from '../../i18n/types.js';

const zh = {
  nav: { coverage: '覆盖与规划' },
  coverage_tabs: {
    label: '覆盖与规划', dashboard: '覆盖概览', map: '覆盖地图', targets: '目标', figures: '统计数据', proposal: '补缺测算', reports: '进度报告',
  },
  coverage: {
    title: '覆盖概览', heading: '{{region}}殡葬设施覆盖情况', as_of: '统计日期：{{date}}', trail: '所在位置',
    region: '地区', date: '统计日期', go: '查看', today: '今天', whole: '全部',
    map: '覆盖地图', proposal: '补缺测算', report: '进度报告', pdf: 'PDF', csv: 'CSV', xlsx: 'Excel', print: '打印本页',
    print_hint: '如需打印，请使用浏览器的打印命令（Ctrl+P）。', printed_at: '打印时间：{{at}}',
    counting_facilities: '计入覆盖的运营设施 {{n}} 处', no_facilities: '该日期没有计入覆盖的运营设施。',
    zone: { cremation: '火葬区', reform: '土葬改革区' },
    zone_label: '殡葬改革分区',
    ind: {
      counties: '区县覆盖', townships: '乡镇（街道）覆盖', villages: '行政村覆盖', central_villages: '中心村覆盖',
      cremation_counties: '区县火化设施', communities: '城市社区',
    },
    ind_short: { counties: '区县', townships: '乡镇（街道）', villages: '行政村', central_villages: '中心村', cremation_counties: '火化设施', communities: '社区' },
    ind_hint: {
      counties: '区县内建有运营中的公益性骨灰安放设施', townships: '乡镇内建有或由公益性骨灰安放设施整镇服务',
      villages: '有运营中的公益性骨灰安放设施服务的行政村（不含社区）', central_villages: '已标注的乡镇中心村中有设施服务的',
      cremation_counties: '区县内有带火化炉的运营殡仪馆', communities: '',
    },
    unit: { counties: '个区县', townships: '个乡镇（街道）', villages: '个行政村', central_villages: '个中心村', cremation_counties: '个区县', communities: '个社区' },
    covered_of: '已覆盖 {{covered}} / 共 {{total}}',
    single_yes: { counties: '已建成', townships: '已覆盖', villages: '已覆盖', central_villages: '已覆盖', cremation_counties: '有火化设施', communities: '已覆盖' },
    single_no: { counties: '尚未建成', townships: '未覆盖', villages: '未覆盖', central_villages: '未覆盖', cremation_counties: '无火化设施', communities: '未覆盖' },
    target: '目标 {{rate}}', target_due: '{{year}}年底前', target_carried: '{{year}}年底已到期', target_from: '沿用{{name}}目标',
    no_target: '未设定目标', next_target: '下一目标：{{year}}年 {{rate}}',
    met: '已达标', behind: '未达标', gap: '差 {{points}} 个百分点', needed: '还需覆盖 {{n}}{{unit}}',
    gap_short: '差 {{points}} 点', needed_short: '需 {{n}} 个',
    no_data: { counties: '没有下属区县。', townships: '没有下属乡镇（街道）。', villages: '没有行政村。', central_villages: '尚未标注中心村，暂无数据。', cremation_counties: '没有下属区县。', communities: '没有城市社区。' },
    communities_note: '另有城市社区 {{n}} 个，不计入行政村覆盖率；其中 {{covered}} 个有公益性骨灰安放设施服务。', communities_list: '查看社区名单',
    // child table
    children_title: { country: '各省情况', province: '各市情况', city: '各区县情况', county: '各乡镇（街道）情况', township: '各村（社区）情况' },
    children_caption: '{{region}}下级地区覆盖情况',
    name: '地区', sort_worst: '按{{name}}由差到好排序', sort_code: '按区划代码排序', sorted_worst: '（由差到好）',
    sum: '合计', kind: '类别', central: '中心村', covered: '是否覆盖', covered_by: '覆盖设施', yes: '是', no: '否',
    village: '行政村', community: '社区', open_region: '查看{{name}}',
    // chart
    chart_title: '历年覆盖率与目标', chart_pick: '图表指标', chart_svg_title: '{{region}}{{indicator}}率：历年实际与目标',
    legend_actual: '年末实际', legend_partial: '截至{{date}}', legend_target: '目标',
    chart_desc: '{{region}}{{indicator}}率，{{from}}年至{{to}}年。', chart_desc_year: '{{year}}年：{{actual}}', chart_desc_target: '目标 {{rate}}',
    chart_table: '图表数据', year: '年份', year_label: '{{year}}年', measured_on: '统计日期', actual: '实际', rate: '覆盖率',
    not_yet: '尚未到来', chart_none: '没有可画的数据。',
    // uncovered villages
    uncovered_title: '未覆盖的行政村', uncovered_intro: '共 {{n}} 个行政村尚无公益性骨灰安放设施服务，分布在 {{t}} 个乡镇（街道）。',
    uncovered_none: '全部行政村均已覆盖。', uncovered_township: '{{name}}：未覆盖 {{n}} 个', uncovered_central: '其中中心村 {{n}} 个',
    uncovered_list: '在名单中查看',
    // other indicators
    other_title: '其他指标', other_year: '{{year}}年', other_none: '还没有火化、安葬、减免或散坟整治数据。', other_enter: '填报统计数据',
    other: {
      cremation_rate: '火化率', green_burial_rate: '节地生态安葬率', waivers: '惠民殡葬减免', grave_remediation: '散坟整治',
    },
    other_of: {
      cremation_rate: '火化 {{a}} / 死亡 {{b}} 人', green_burial_rate: '生态安葬 {{a}} / 安葬安放 {{b}} 例',
      waivers: '{{b}} 宗治丧业务', grave_remediation: '已整治 {{a}} / 排查 {{b}} 座，{{t}} 个乡镇上报',
    },
    cremation_source: { entered: '火化数为填报数', cases: '火化数来自治丧业务', mixed: '火化数部分来自治丧业务' },
    // lists
    list: {
      villages: '行政村名单', central_villages: '中心村名单', communities: '城市社区名单', townships: '乡镇（街道）名单',
      counties: '区县名单', cremation_counties: '区县火化设施名单', facilities: '计入覆盖的设施',
    },
    list_intro: '{{region}} · {{date}}', back: '返回覆盖概览',
    status_all: '全部', status_covered: '已覆盖', status_uncovered: '未覆盖', status_label: '覆盖状态',
    q: '名称或代码', search: '搜索', clear: '清除',
    empty: '没有符合条件的单位。', facilities_empty: '该日期没有计入覆盖的运营设施。',
    col: {
      name: '名称', code: '代码', county: '区县', township: '乡镇（街道）', status: '覆盖状态', facilities: '覆盖设施',
      villages: '行政村（已覆盖 / 总数）', villages_rate: '行政村覆盖率', central: '中心村（已覆盖 / 总数）', communities: '社区',
      townships: '乡镇（已覆盖 / 总数）', cremation: '火化设施', funeral_homes: '殡仪馆（带火化炉）', ash: '公益性安放设施',
      kind: '类别', build_mode: '建设方式', location: '所在地', villages_covered: '覆盖行政村', townships_whole: '整镇服务', cremators: '火化炉',
    },
    build_mode: { single_village: '单村独建', multi_village: '多村联建', township_wide: '全镇统建', township_village: '镇村合建' },
    whole_townships: '{{n}} 个乡镇', facilities_n: '计入覆盖的设施 {{n}} 处',
  },
  errors: {
    coverage_region: '地区代码应为 2、4、6 或 9 位数字。',
    coverage_date: '统计日期应为 2000 至 2099 年间的日期（YYYY-MM-DD）。',
    coverage_no_regions: '尚未导入行政区划，无法统计覆盖情况。请先运行 npm run import:divisions。',
  },
};

const en: typeof zh = {
  nav: { coverage: 'Coverage' },
  coverage_tabs: {
    label: 'Coverage and planning', dashboard: 'Overview', map: 'Map', targets: 'Targets', figures: 'Figures', proposal: 'What would it take', reports: 'Progress report',
  },
  coverage: {
    title: 'Coverage overview', heading: 'Funeral facility coverage: {{region}}', as_of: 'As of {{date}}', trail: 'You are here',
    region: 'Region', date: 'As of', go: 'Show', today: 'Today', whole: 'All',
    map: 'Coverage map', proposal: 'What would it take', report: 'Progress report', pdf: 'PDF', csv: 'CSV', xlsx: 'Excel', print: 'Print this page',
    print_hint: 'To print, use the browser\'s print command (Ctrl+P).', printed_at: 'Printed {{at}}',
    counting_facilities: '{{n}} operating facilities count', no_facilities: 'No counting facility was operating on this date.',
    zone: { cremation: 'Cremation zone', reform: 'Burial reform zone' },
    zone_label: 'Funeral reform zone',
    ind: {
      counties: 'Counties covered', townships: 'Townships covered', villages: 'Villages covered', central_villages: 'Central villages covered',
      cremation_counties: 'Counties with cremation', communities: 'Urban communities',
    },
    ind_short: { counties: 'Counties', townships: 'Townships', villages: 'Villages', central_villages: 'Central villages', cremation_counties: 'Cremation', communities: 'Communities' },
    ind_hint: {
      counties: 'An operating public-welfare ash placement facility stands in the county', townships: 'One stands in the township or serves it whole',
      villages: 'Administrative villages served by one (communities excluded)', central_villages: 'Marked township central villages served by one',
      cremation_counties: 'An operating funeral home with a cremator stands in the county', communities: '',
    },
    unit: { counties: ' counties', townships: ' townships', villages: ' villages', central_villages: ' central villages', cremation_counties: ' counties', communities: ' communities' },
    covered_of: '{{covered}} of {{total}} covered',
    single_yes: { counties: 'Built', townships: 'Covered', villages: 'Covered', central_villages: 'Covered', cremation_counties: 'Has cremation', communities: 'Covered' },
    single_no: { counties: 'Not built', townships: 'Not covered', villages: 'Not covered', central_villages: 'Not covered', cremation_counties: 'No cremation', communities: 'Not covered' },
    target: 'Target {{rate}}', target_due: 'by end of {{year}}', target_carried: 'was due end of {{year}}', target_from: 'set by {{name}}',
    no_target: 'No target set', next_target: 'Next: {{rate}} by {{year}}',
    met: 'Met', behind: 'Behind', gap: '{{points}} points short', needed: '{{n}} more to cover',
    gap_short: '{{points}} pts short', needed_short: '{{n}} to go',
    no_data: { counties: 'No counties below.', townships: 'No townships below.', villages: 'No administrative villages.', central_villages: 'No central villages marked yet: no data.', cremation_counties: 'No counties below.', communities: 'No urban communities.' },
    communities_note: '{{n}} urban communities are not counted in village coverage; {{covered}} of them are served by a public-welfare ash placement facility.', communities_list: 'List them',
    children_title: { country: 'Provinces', province: 'Cities', city: 'Counties', county: 'Townships', township: 'Villages and communities' },
    children_caption: 'Coverage of the regions below {{region}}',
    name: 'Region', sort_worst: 'Sort by {{name}}, worst first', sort_code: 'Sort by code', sorted_worst: '(worst first)',
    sum: 'Total', kind: 'Kind', central: 'Central village', covered: 'Covered', covered_by: 'Covered by', yes: 'Yes', no: 'No',
    village: 'Village', community: 'Community', open_region: 'Open {{name}}',
    chart_title: 'Coverage and targets by year', chart_pick: 'Indicator', chart_svg_title: '{{region}}: {{indicator}} rate by year, actual and target',
    legend_actual: 'Actual, year end', legend_partial: 'As of {{date}}', legend_target: 'Target',
    chart_desc: '{{indicator}} rate of {{region}}, {{from}} to {{to}}.', chart_desc_year: '{{year}}: {{actual}}', chart_desc_target: 'target {{rate}}',
    chart_table: 'Chart data', year: 'Year', year_label: '{{year}}', measured_on: 'Measured on', actual: 'Actual', rate: 'Rate',
    not_yet: 'Not yet', chart_none: 'Nothing to draw.',
    uncovered_title: 'Villages not covered', uncovered_intro: 'Administrative villages with no public-welfare ash placement facility serving them: {{n}}, in townships: {{t}}.',
    uncovered_none: 'Every administrative village is covered.', uncovered_township: '{{name}}: {{n}} not covered', uncovered_central: 'central villages: {{n}}',
    uncovered_list: 'Open as a list',
    other_title: 'Other indicators', other_year: '{{year}}', other_none: 'No cremation, burial, waiver or grave remediation figures yet.', other_enter: 'Enter figures',
    other: {
      cremation_rate: 'Cremation rate', green_burial_rate: 'Green burial rate', waivers: 'Fee waivers', grave_remediation: 'Scattered graves remediated',
    },
    other_of: {
      cremation_rate: '{{a}} cremations / {{b}} deaths', green_burial_rate: '{{a}} green / {{b}} burials and placements',
      waivers: 'on {{b}} funeral cases', grave_remediation: '{{a}} of {{b}} graves found, {{t}} townships reporting',
    },
    cremation_source: { entered: 'cremations as entered', cases: 'cremations counted from funeral cases', mixed: 'cremations partly from funeral cases' },
    list: {
      villages: 'Administrative villages', central_villages: 'Central villages', communities: 'Urban communities', townships: 'Townships',
      counties: 'Counties', cremation_counties: 'Counties: cremation', facilities: 'Facilities that count',
    },
    list_intro: '{{region}} · {{date}}', back: 'Back to the overview',
    status_all: 'All', status_covered: 'Covered', status_uncovered: 'Not covered', status_label: 'Coverage',
    q: 'Name or code', search: 'Search', clear: 'Clear',
    empty: 'Nothing matches.', facilities_empty: 'No counting facility was operating on this date.',
    col: {
      name: 'Name', code: 'Code', county: 'County', township: 'Township', status: 'Coverage', facilities: 'Covered by',
      villages: 'Villages (covered / all)', villages_rate: 'Village rate', central: 'Central villages (covered / all)', communities: 'Communities',
      townships: 'Townships (covered / all)', cremation: 'Cremation', funeral_homes: 'Funeral homes with cremators', ash: 'Public-welfare facilities',
      kind: 'Kind', build_mode: 'Build mode', location: 'Location', villages_covered: 'Villages covered', townships_whole: 'Townships served whole', cremators: 'Cremators',
    },
    build_mode: { single_village: 'Single village', multi_village: 'Several villages', township_wide: 'Whole township', township_village: 'Township seat and villages' },
    whole_townships: '{{n}} townships', facilities_n: '{{n}} facilities count',
  },
  errors: {
    coverage_region: 'A region code has 2, 4, 6 or 9 digits.',
    coverage_date: 'The date must be between 2000 and 2099 (YYYY-MM-DD).',
    coverage_no_regions: 'No divisions have been imported, so there is nothing to measure. Run npm run import:divisions first.',
  },
};

export const coverageMessages: DomainMessages<typeof zh> = { 'zh-CN': zh, en };
