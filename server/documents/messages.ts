// Text of the printed documents (cremation certificate, statement of charges), Chinese first.
import type { DomainMessages } from '../i18n/types.js';

const zh = {
  documents: {
    certificate_link: '火化证明', receipt_link: '收费明细', certificate_hint: '火化完成后可打印',
    certificate_file: '火化证明-{{number}}.pdf', receipt_file: '收费明细-{{number}}.pdf',
    // Cremation certificate
    certificate: '火化证明', number: '编号：{{number}}',
    deceased_name: '逝者姓名', sex: '性别', id_number: '公民身份号码', birth_date: '出生日期', death_at: '死亡时间',
    cremated_at: '火化时间', cremator: '火化炉', receiver: '领取人', receiver_value: '{{name}}（{{relationship}}）',
    statement: '兹证明逝者{{name}}的遗体已于{{time}}在{{facility}}火化。', closing: '特此证明。',
    clerk: '经办人：{{name}}', receiver_signature: '领取人签字：', issuer: '出具单位：{{name}}', issued_on: '出具日期：{{date}}',
    seal: '（盖章）', certificate_note: '本证明是逝者遗体已经火化的凭证，请妥善保管；涂改无效。',
    // Statement of charges
    receipt: '殡葬服务收费明细', case_number: '案件号', deceased: '逝者姓名', masked_id: '身份证号', contact: '家属联系人',
    contact_phone: '联系电话', printed_at: '打印时间',
    services: '服务项目', seq: '序号', item: '项目', category: '类别', basic: '基本', optional: '选择',
    unit_price: '单价', quantity: '数量', amount: '金额', per_unit: '{{price}}/{{unit}}', no_lines: '尚未添加服务项目',
    subtotal: '服务合计', deduction: '减免：{{label}}',
    payments: '收费记录', paid_at: '收费时间', method: '方式', received_by: '经办人', no_payments: '尚无收费记录', paid_total: '已收合计',
    summary_total: '服务合计', summary_deducted: '减免', summary_paid: '已收', summary_balance: '应收余额',
    payee: '收费单位：{{name}}', family_signature: '家属确认签字：',
    continued: '{{title}}（续）　案件号 {{number}}',
    page: '第 {{n}} 页，共 {{count}} 页', printed_by: '打印：{{name}}　{{time}}',
    // Characters no font on the server has
    unprintable_title: '以下字符在打印的火化证明和收费明细上无法显示，会印成空白方框：',
    unprintable_intake_hint: '可以改用通用字，或核对无误后点“仍然登记”；服务器安装含该字的字体（如 fonts-babelstone-han）后即可正常打印。',
    unprintable_case_hint: '打印前请核对：服务器安装含该字的字体（如 fonts-babelstone-han）后即可正常打印，否则请在打印件上手写补正。',
    unprintable_save: '仍然登记',
  },
  // Warnings in the JSON API, by code, like errors
  warnings: {
    unprintable_characters: '这些字符在打印的单据上无法显示：{{characters}}',
  },
  errors: {
    not_cremated_yet: '逝者尚未火化，火化完成后才能出具火化证明。',
  },
};

const en: typeof zh = {
  documents: {
    certificate_link: 'Cremation certificate', receipt_link: 'Statement of charges', certificate_hint: 'available once cremated',
    certificate_file: 'cremation-certificate-{{number}}.pdf', receipt_file: 'statement-of-charges-{{number}}.pdf',
    certificate: 'Cremation Certificate', number: 'No. {{number}}',
    deceased_name: 'Name of the deceased', sex: 'Sex', id_number: 'ID number', birth_date: 'Date of birth', death_at: 'Time of death',
    cremated_at: 'Time of cremation', cremator: 'Cremator', receiver: 'Received by', receiver_value: '{{name}} ({{relationship}})',
    statement: 'This is to certify that the body of {{name}} was cremated at {{facility}} on {{time}}.', closing: '',
    clerk: 'Issued by: {{name}}', receiver_signature: 'Signature of recipient:', issuer: 'Issuing body: {{name}}', issued_on: 'Date of issue: {{date}}',
    seal: '(Seal)', certificate_note: 'This certificate attests that the body has been cremated. Keep it safe; any alteration makes it void.',
    receipt: 'Statement of Funeral Service Charges', case_number: 'Case no.', deceased: 'Deceased', masked_id: 'ID number', contact: 'Family contact',
    contact_phone: 'Phone', printed_at: 'Printed',
    services: 'Services', seq: 'No.', item: 'Item', category: 'Type', basic: 'Basic', optional: 'Optional',
    unit_price: 'Unit price', quantity: 'Qty', amount: 'Amount', per_unit: '{{price}}/{{unit}}', no_lines: 'No services yet',
    subtotal: 'Services total', deduction: 'Deduction: {{label}}',
    payments: 'Payments', paid_at: 'Time', method: 'Method', received_by: 'Received by', no_payments: 'No payments yet', paid_total: 'Total paid',
    summary_total: 'Services total', summary_deducted: 'Deductions', summary_paid: 'Paid', summary_balance: 'Balance due',
    payee: 'Payee: {{name}}', family_signature: 'Family signature:',
    continued: '{{title}} (continued) · case {{number}}',
    page: 'Page {{n}} of {{count}}', printed_by: 'Printed by {{name}}, {{time}}',
    unprintable_title: 'These characters cannot be printed on the cremation certificate and the statement: they would come out as empty boxes.',
    unprintable_intake_hint: 'Use a common character instead, or check the entry and choose “Register anyway”; they print once the server has a font with them (such as fonts-babelstone-han).',
    unprintable_case_hint: 'Check before printing: they print once the server has a font with them (such as fonts-babelstone-han); otherwise correct the printout by hand.',
    unprintable_save: 'Register anyway',
  },
  warnings: {
    unprintable_characters: 'These characters cannot be printed on the documents: {{characters}}',
  },
  errors: {
    not_cremated_yet: 'A cremation certificate can only be issued once the cremation is done.',
  },
};

export const documentMessages: DomainMessages<typeof zh> = { 'zh-CN': zh, en };
