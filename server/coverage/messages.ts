// Messages of the bureau's coverage pages (dashboard, lists behind the numbers), Chinese first. Other coverage
// pages keep their own files (map, targets and figures, proposal, reports).
import type { DomainMessages } from '../i18n/domains.js';

const zh = {
  nav: { coverage: '覆盖与规划' },
  coverage_tabs: {
    label: '覆盖与规划', dashboard: '覆盖概览', map: '覆盖地图', targets: '目标', figures: '统计数据', proposal: '补缺测算', reports: '进度报告',
  },
};

const en: typeof zh = {
  nav: { coverage: 'Coverage' },
  coverage_tabs: {
    label: 'Coverage and planning', dashboard: 'Overview', map: 'Map', targets: 'Targets', figures: 'Figures', proposal: 'What would it take', reports: 'Progress report',
  },
};

export const coverageMessages: DomainMessages<typeof zh> = { 'zh-CN': zh, en };
