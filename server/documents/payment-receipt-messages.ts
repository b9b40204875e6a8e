// Messages of the per-payment receipt (收据) and of the statement's receipt columns, Chinese first.
import type { DomainMessages } from '../i18n/types.js';

const zh = {
  documents: {
    payment_receipt: '收据',
    refund_receipt: '退款凭证',
    payment_receipt_file: '收据-{{number}}.pdf',
    receipt_no: '收据号',
    issued_at: '开具时间',
    payer: '交款人',
    refund_to: '退款对象',
    kind: '类别',
    amount_figures: '金额（小写）',
    amount_capitals: '金额（大写）',
    receipt_clerk: '收款人',
    refund_clerk: '经办人',
    refund_reason: '退款原因',
    void_stamp: '作废',
    voided_note: '本收据已于 {{time}} 由 {{name}} 作废，原因：{{reason}}',
    receipt_state: '状态',
    state_valid: '有效',
    state_void: '作废',
    receipt_keep: '本收据为收款凭证，请妥善保存。',
    correction_mark: '（更正：{{reason}}）',
  },
};

const en: typeof zh = {
  documents: {
    payment_receipt: 'Receipt',
    refund_receipt: 'Refund voucher',
    payment_receipt_file: 'receipt-{{number}}.pdf',
    receipt_no: 'Receipt no.',
    issued_at: 'Issued at',
    payer: 'Paid by',
    refund_to: 'Refunded to',
    kind: 'Kind',
    amount_figures: 'Amount',
    amount_capitals: 'Amount in words (Chinese capitals)',
    receipt_clerk: 'Received by',
    refund_clerk: 'Handled by',
    refund_reason: 'Reason for refund',
    void_stamp: 'VOID',
    voided_note: 'This receipt was voided at {{time}} by {{name}}: {{reason}}',
    receipt_state: 'State',
    state_valid: 'Valid',
    state_void: 'Void',
    receipt_keep: 'Keep this receipt as proof of payment.',
    correction_mark: ' (correction: {{reason}})',
  },
};

export const paymentReceiptMessages: DomainMessages<typeof zh> = { 'zh-CN': zh, en };
