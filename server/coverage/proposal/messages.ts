// Messages of the 补缺测算 page ("what would it take"), Chinese first.
import type { DomainMessages } from '../../i18n/types.js';

const zh = {
  coverage_proposal: {
    title: '补缺测算',
    lead: '选择地区、指标和目标覆盖率，测算最少还要新建几座农村公益性公墓（全镇统建或同一乡镇内的多村联建）才能达到目标，以及建成后的各项覆盖率。',
    region: '地区',
    all: '全部',
    date: '测算日期',
    date_hint: '按这一天正在运营的设施计算现状。',
    indicator: '指标',
    target: '目标覆盖率（%）',
    target_hint: '不填则用该年度已设定的目标；没有目标时按 100%。',
    modes: '可用的建设方式',
    max_villages: '多村联建每座最多服务的行政村数',
    max_villages_hint: '2–50，默认 5。',
    submit: '测算',
    csv: '下载方案（CSV）',
    indicator_villages: '行政村覆盖率',
    indicator_central_villages: '中心村覆盖率',
    indicator_townships: '乡镇覆盖率',
    indicator_counties: '区县覆盖率',
    unit_villages: '个行政村',
    unit_central_villages: '个中心村',
    unit_townships: '个乡镇',
    unit_counties: '个区县',
    modes_both: '全镇统建或多村联建',
    modes_township_wide: '只建全镇统建',
    modes_multi_village: '只建多村联建',
    mode_township_wide: '全镇统建',
    mode_multi_village: '多村联建',
    single_village_note: '只剩 1 个村，即单村独建',
    // result
    result_heading: '{{region}}：{{indicator}}达到 {{target}}',
    params: '测算日期 {{date}} · 建设方式：{{modes}}',
    params_k: '，多村联建每座最多 {{k}} 个行政村',
    sentence_end: '。',
    target_in_force: '目标 {{target}} 为 {{year}} 年的既定目标（{{region}}）。',
    target_in_force_source: '目标 {{target}} 为 {{year}} 年的既定目标（{{region}}，{{source}}）。',
    target_typed: '目标 {{target}} 为本次填写。',
    target_default: '{{year}} 年没有设定{{indicator}}目标，按 100% 测算。',
    arithmetic:
      '需覆盖 ⌈{{target}} × {{total}}⌉ = ⌈{{product}}⌉ = {{required}} {{unit}}；现有 {{covered}} {{unit}}（{{rate}}），还差 {{needed}} {{unit}}。',
    outcome_met: '已经达到目标：现有 {{covered}} / {{total}} {{unit}}（{{rate}}），不需要新建。',
    outcome_reached: '最少需要新建 {{count}} 座，建成后为 {{after}} / {{total}} {{unit}}（{{rate}}）。',
    outcome_unreachable:
      '按所选建设方式达不到目标：即使建下列全部 {{count}} 座，最多只能到 {{after}} / {{total}} {{unit}}（{{rate}}）。',
    out_of_reach_townships:
      '还有 {{n}} 个乡镇（街道）没有未覆盖的行政村（多为只有社区的街道，或者村已由其他乡镇的设施服务），农村公益性公墓的候选方案涉及不到它们：乡镇覆盖率只能靠在每个乡镇里建设施来提高，这些乡镇需要另建骨灰堂或城市公益性公墓。',
    out_of_reach_counties:
      '还有 {{n}} 个区县没有未覆盖的行政村，本测算无法在其中安排农村公益性公墓；这些区县需要另建骨灰堂或城市公益性公墓。',
    out_of_reach_villages: '还有 {{n}} {{unit}}无法用所选建设方式覆盖。',
    nothing_central_villages: '本地区还没有标注中心村，无法测算中心村覆盖率。请先在行政区划中标注中心村。',
    nothing_other: '本地区没有可统计的{{unit}}，无法测算。',
    only_wide_note:
      '两种方式都允许时，同一乡镇的全镇统建覆盖的村不少于任何一座多村联建，所以方案只用全镇统建；要看多村联建方案，请选择“只建多村联建”。',
    facilities_heading: '建议新建的设施（{{count}} 座，按覆盖行政村数排列）',
    col_n: '序号',
    col_county: '区县',
    col_township: '乡镇',
    col_township_code: '乡镇代码',
    col_mode: '建设方式',
    col_villages_count: '覆盖行政村数',
    col_central_count: '其中中心村',
    col_villages: '覆盖的行政村',
    col_gain: '新增（{{indicator}}）',
    col_rate_after: '建成后{{indicator}}',
    central_legend: '粗体为中心村。',
    no_facilities: '不需要新建设施。',
    rates_heading: '建成前后的覆盖率',
    col_indicator: '指标',
    col_total: '总数',
    col_before: '现状',
    col_after: '建成后',
    col_added: '新增',
    method_heading: '测算方法',
    method_needed:
      '还差多少：需要覆盖的数量 = ⌈目标 × 总数⌉ − 已覆盖数（向上取整，例如 724 个行政村、目标 80%：⌈579.2⌉ = 580 个）。现状按测算日期正在运营的公益性骨灰堂和公墓计算，规则与覆盖概览相同。',
    method_candidates:
      '候选设施：每个还有未覆盖行政村的乡镇，可以建一座全镇统建公墓，覆盖该乡镇全部未覆盖的行政村；也可以建多村联建公墓，每座覆盖该乡镇最多 {{k}} 个未覆盖的行政村（测算中心村覆盖率时先选中心村，其余按区划代码顺序）。设施建在哪个乡镇，这个乡镇和所在区县也就算作已覆盖。',
    method_greedy:
      '逐座挑选：每一步选能新增覆盖最多的候选设施（一样多时选覆盖行政村更多的、全镇统建优先、未覆盖村更多的乡镇，最后按区划代码），直到达到目标为止。',
    method_why:
      '为什么这样最少：不同乡镇的候选设施覆盖的村互不重叠，同一乡镇里全镇统建覆盖的村包含多村联建能覆盖的全部。所以建 n 座最多能覆盖的，正好是未覆盖村最多的 n 个乡镇的未覆盖村之和；逐座挑最大的就做到了这一点，不存在座数更少的方案。',
    method_why_multi:
      '只允许多村联建时，一个有 u 个未覆盖行政村的乡镇要建 ⌈u ÷ {{k}}⌉ 座才能全覆盖：前面每座 {{k}} 个，最后一座覆盖剩下的。建 n 座最多能覆盖的，是所有乡镇这些“份额”中最大的 n 份之和；逐座挑最大的份额同样最少。',
    method_why_units:
      '乡镇和区县覆盖率只看其中有没有设施：每座新设施只能让它所在的一个乡镇（区县）算作覆盖，所以需要的座数就是还差的乡镇（区县）数；在这些乡镇里优先选未覆盖行政村最多的。乡镇（街道）里没有未覆盖行政村的，不在候选范围。',
    method_limits:
      '这是测算，不是选址：实际布点还要看地形、交通、人口、用地和群众意愿；多村联建按区划代码相邻分组，只是近似。',
    error_date: '请填写有效的日期（YYYY-MM-DD）。',
    error_target: '请填写 0 到 100 之间的百分数，最多一位小数，例如 80 或 62.5。',
    error_max_villages: '请填写 2 到 50 之间的整数。',
    csv_invalid: '测算条件有误，请回到页面检查。',
    print_hint: '打印：使用浏览器的打印功能（Ctrl+P）。',
  },
};

const en: typeof zh = {
  coverage_proposal: {
    title: 'What would it take',
    lead: 'Pick a region, an indicator and a target rate to see the fewest new rural public-welfare cemeteries (township-wide, or multi-village within one township) that reach the target, and every rate once they are built.',
    region: 'Region',
    all: 'All',
    date: 'As of',
    date_hint: 'The present is measured with the facilities operating on this day.',
    indicator: 'Indicator',
    target: 'Target rate (%)',
    target_hint: 'Leave empty for the target set for that year; 100% when there is none.',
    modes: 'Build modes allowed',
    max_villages: 'Most villages one multi-village cemetery serves',
    max_villages_hint: '2–50, 5 by default.',
    submit: 'Calculate',
    csv: 'Download (CSV)',
    indicator_villages: 'Village coverage',
    indicator_central_villages: 'Central-village coverage',
    indicator_townships: 'Township coverage',
    indicator_counties: 'County coverage',
    unit_villages: 'villages',
    unit_central_villages: 'central villages',
    unit_townships: 'townships',
    unit_counties: 'counties',
    modes_both: 'Township-wide or multi-village',
    modes_township_wide: 'Township-wide only',
    modes_multi_village: 'Multi-village only',
    mode_township_wide: 'Township-wide (全镇统建)',
    mode_multi_village: 'Multi-village (多村联建)',
    single_village_note: 'one village left: in effect single-village',
    result_heading: '{{region}}: {{indicator}} to {{target}}',
    params: 'As of {{date}} · build modes: {{modes}}',
    params_k: ', at most {{k}} villages per multi-village cemetery',
    sentence_end: '.',
    target_in_force: 'The target of {{target}} is the one set for {{year}} ({{region}}).',
    target_in_force_source: 'The target of {{target}} is the one set for {{year}} ({{region}}, {{source}}).',
    target_typed: 'The target of {{target}} was typed in.',
    target_default: 'No {{indicator}} target is set for {{year}}: 100% is used.',
    arithmetic:
      'To cover: ⌈{{target}} × {{total}}⌉ = ⌈{{product}}⌉ = {{required}} {{unit}}; covered now {{covered}} {{unit}} ({{rate}}), {{needed}} {{unit}} still needed.',
    outcome_met: 'The target is already met: {{covered}} of {{total}} {{unit}} ({{rate}}); nothing needs to be built.',
    outcome_reached:
      'At least {{count}} new facilities are needed; once built: {{after}} of {{total}} {{unit}} ({{rate}}).',
    outcome_unreachable:
      'The target cannot be reached with the build modes chosen: even all {{count}} facilities below reach only {{after}} of {{total}} {{unit}} ({{rate}}).',
    out_of_reach_townships:
      '{{n}} townships (subdistricts) have no uncovered administrative village (mostly subdistricts of urban communities only, or their villages are served from another township), so no rural cemetery candidate reaches them: township coverage grows only by placing a facility in each township, and these need a columbarium or an urban public-welfare cemetery.',
    out_of_reach_counties:
      '{{n}} counties have no uncovered administrative village, so no rural cemetery can be proposed there; they need a columbarium or an urban public-welfare cemetery.',
    out_of_reach_villages: '{{n}} {{unit}} cannot be covered with the build modes chosen.',
    nothing_central_villages:
      'No central villages are marked in this region, so central-village coverage cannot be measured. Mark them under Regions first.',
    nothing_other: 'The region has no {{unit}} to count.',
    only_wide_note:
      'When both modes are allowed, a township-wide cemetery covers at least as many villages as any multi-village one in the same township, so only township-wide ones are proposed; choose "Multi-village only" to see a multi-village plan.',
    facilities_heading: 'Proposed new facilities ({{count}}, by villages covered)',
    col_n: 'No.',
    col_county: 'County',
    col_township: 'Township',
    col_township_code: 'Township code',
    col_mode: 'Build mode',
    col_villages_count: 'Villages covered',
    col_central_count: 'of which central',
    col_villages: 'Villages covered (names)',
    col_gain: 'Added ({{indicator}})',
    col_rate_after: '{{indicator}} after',
    central_legend: 'Central villages in bold.',
    no_facilities: 'Nothing needs to be built.',
    rates_heading: 'Rates before and after',
    col_indicator: 'Indicator',
    col_total: 'Total',
    col_before: 'Now',
    col_after: 'After',
    col_added: 'Added',
    method_heading: 'Method',
    method_needed:
      'Still needed = ⌈target × total⌉ − covered (rounded up: 724 villages at 80% is ⌈579.2⌉ = 580). The present counts the public-welfare columbaria and cemeteries operating on the chosen day, by the same rules as the coverage overview.',
    method_candidates:
      'Candidates: in every township with uncovered administrative villages, one township-wide cemetery covering all of them, or multi-village cemeteries covering up to {{k}} uncovered villages of that township each (central villages first for the central-village indicator, then in code order). A facility also covers the township and the county it stands in.',
    method_greedy:
      'One at a time: each step takes the candidate that adds the most (ties: the one covering more villages, township-wide first, the township with more uncovered villages, then code order) until the target is reached.',
    method_why:
      'Why this is the fewest: candidates of different townships cover different villages, and within a township the township-wide cemetery covers everything a multi-village one could. So n facilities can cover at most the uncovered villages of the n townships with the most of them; taking the largest first achieves exactly that, and no plan with fewer facilities exists.',
    method_why_multi:
      'With multi-village cemeteries only, a township with u uncovered villages needs ⌈u ÷ {{k}}⌉ of them: {{k}} villages each, the last one the rest. n facilities can cover at most the n largest of these shares over all townships; taking the largest share first is again the fewest.',
    method_why_units:
      'Township and county coverage only ask whether a facility stands there: each new facility makes one township (county) covered, so the number needed is the number of townships (counties) still short; among them, those with the most uncovered villages are taken first. Townships without an uncovered administrative village are not candidates.',
    method_limits:
      'This is an estimate, not a site plan: terrain, roads, population, land and what residents want decide where facilities go; grouping villages by neighbouring codes is only an approximation.',
    error_date: 'Enter a valid date (YYYY-MM-DD).',
    error_target: 'Enter a percent above 0 and at most 100, with at most one decimal, such as 80 or 62.5.',
    error_max_villages: 'Enter a whole number from 2 to 50.',
    csv_invalid: 'The calculation settings are not valid; check them on the page.',
    print_hint: "To print, use the browser's print command (Ctrl+P).",
  },
};

export const proposalMessages: DomainMessages<typeof zh> = { 'zh-CN': zh, en };
