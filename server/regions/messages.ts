// Messages of the regions pages: correcting a village-level unit's kind (行政村 or 社区), Chinese first.
import type { DomainMessages } from '../i18n/types.js';

const zh = {
  region_kind: {
    title: '更正村级单位类型',
    title_of: '更正类型：{{name}}',
    link: '更正类型',
    link_label: '更正类型：{{name}}',
    corrected: '已人工更正',
    corrected_title: '{{when}} 由 {{who}} 更正：{{reason}}',
    lead: '系统按名称判断村级单位是行政村还是城市社区：名称（或名称末尾括号内的注记）以“村”或“嘎查”结尾，或以村委、村委会、村委员会、村民委员会、嘎查委员会等结尾的，为行政村；其余（居委会、社区、生活区、管理区等）为社区。按名称判断难免出错，可在此逐个更正。更正在重新导入行政区划后仍然保留，并记入操作日志。',
    unit: '村级单位',
    code: '区划代码',
    township: '所属乡镇（街道）',
    current: '现在的类型',
    by_rule: '按名称规则',
    override: '现有更正',
    override_text: '{{kind}}（{{when}}，{{who}}：{{reason}}）',
    none: '无',
    new_kind: '更正为',
    new_kind_hint: '选择与名称规则相同的类型，即撤销人工更正、恢复按名称判断。',
    reason: '更正理由',
    reason_hint: '必填，最多 200 字，例如依据的文件或核实情况。',
    central_warning: '该单位已标为中心村。改为社区后，中心村标记将被取消（社区不计入中心村）。',
    confirm: '确认更正',
    back: '返回',
  },
  errors: {
    region_kind_choice: '请选择“行政村”或“社区”。',
    region_kind_unchanged_village: '该单位现在已是行政村，无需更正。',
    region_kind_unchanged_community: '该单位现在已是社区，无需更正。',
  },
  flash: {
    region_kind_corrected: '已将“{{name}}”更正为{{kind}}。',
    region_kind_restored: '已撤销“{{name}}”的人工更正，按名称规则为{{kind}}。',
  },
};

const en: typeof zh = {
  region_kind: {
    title: 'Correct the kind of a village-level unit',
    title_of: 'Correct the kind: {{name}}',
    link: 'Correct kind',
    link_label: 'Correct kind: {{name}}',
    corrected: 'Corrected by hand',
    corrected_title: 'Corrected on {{when}} by {{who}}: {{reason}}',
    lead: 'Village-level units are told apart by name: a unit whose name (or the bracketed note at its end) ends in 村 or 嘎查, alone or followed by 委, 委会, 委员会 or 民委员会, is an administrative village; the rest (居委会, 社区, 生活区, 管理区 …) are urban communities. A name rule can be wrong: correct one unit here. The correction is kept when the divisions are imported again and is written to the audit log.',
    unit: 'Village-level unit',
    code: 'Code',
    township: 'Township',
    current: 'Kind now',
    by_rule: 'By the name rule',
    override: 'Correction in force',
    override_text: '{{kind}} ({{when}}, {{who}}: {{reason}})',
    none: 'None',
    new_kind: 'Correct to',
    new_kind_hint: 'Choosing the kind the name rule gives removes the correction: the unit follows the rule again.',
    reason: 'Reason',
    reason_hint: 'Required, at most 200 characters, e.g. the document relied on.',
    central_warning:
      'This unit is marked as a central village. As a community it loses that mark (communities are never central villages).',
    confirm: 'Confirm correction',
    back: 'Back',
  },
  errors: {
    region_kind_choice: 'Choose administrative village or urban community.',
    region_kind_unchanged_village: 'This unit already counts as an administrative village.',
    region_kind_unchanged_community: 'This unit already counts as an urban community.',
  },
  flash: {
    region_kind_corrected: '"{{name}}" now counts as: {{kind}}.',
    region_kind_restored: 'The correction of "{{name}}" is removed; by the name rule it counts as: {{kind}}.',
  },
};

export const regionMessages: DomainMessages<typeof zh> = { 'zh-CN': zh, en };
