// Messages of the public pages' frame: the display mode (适老化 large type), Chinese first.
import type { DomainMessages } from '../i18n/types.js';

const zh = {
  display: {
    large: '大字模式',
    standard: '标准字号',
    label: '显示',
    large_hint: '放大字号和按钮，便于阅读',
    standard_hint: '恢复标准字号',
  },
};

const en: typeof zh = {
  display: {
    large: 'Large type',
    standard: 'Standard type',
    label: 'Display',
    large_hint: 'Larger text and buttons, easier to read',
    standard_hint: 'Back to the standard text size',
  },
};

export const homeMessages: DomainMessages<typeof zh> = { 'zh-CN': zh, en };
