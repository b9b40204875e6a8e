// The printed contract of use (安放使用合同): parties, place, term, the deceased placed, the fee lines, and room for
// the facility's seal and the holder's signature; drawn through the document layer of the cremation certificate.
import type { Fonts } from '../documents/fonts.js';
import {
  BOLD,
  centered,
  contentLeft,
  contentWidth,
  createDocument,
  ensureSpace,
  fieldGrid,
  finish,
  MUTED,
  rule,
  table,
  textAt,
} from '../documents/pdf.js';
import { formatDate, formatMoney } from '../http/format.js';
import { translator, type Lang } from '../i18n/index.js';
import type { ContractRow, FeeLineRow, PlacementRow } from './contract-store.js';

export interface ContractPdfData {
  lang: Lang;
  facilityName: string;
  placeKind: 'niche' | 'plot';
  placeCode: string;
  placeType: string;
  contract: ContractRow;
  fees: FeeLineRow[];
  placements: PlacementRow[];
  issuedOn: string;
}

const MARGIN = 56;

export async function renderContract(d: ContractPdfData, fonts: Fonts): Promise<Buffer> {
  const t = translator(d.lang);
  const c = d.contract;
  const doc = createDocument(
    {
      title: `${t('contracts.pdf_title')} ${c.contract_number}`,
      author: d.facilityName,
      creator: t('app.name'),
      lang: d.lang,
      margin: MARGIN,
    },
    fonts,
  );
  const left = contentLeft(doc),
    width = contentWidth(doc);
  const date = (v: string | null) => (v ? formatDate(v, d.lang) : '');
  const kind = t(`resting.${d.placeKind}`);

  let y = centered(doc, d.facilityName, MARGIN, { size: 14, spacing: 1 });
  y = centered(doc, t('contracts.pdf_title'), y + 8, { font: BOLD, size: 24, spacing: d.lang === 'zh-CN' ? 8 : 0 });
  y += 6;
  rule(doc, left, left + width, y, 1.2);
  y += 10;
  y = textAt(doc, t('contracts.number') + '：' + c.contract_number, left, y, width, {
    size: 11,
    align: 'right',
    color: MUTED,
  });
  y += 8;
  y = textAt(doc, t('contracts.pdf_parties', { facility: d.facilityName }), left, y, width, { size: 12 });
  y = textAt(doc, t('contracts.pdf_holder', { name: c.holder_name }), left, y + 4, width, { size: 12 }) + 10;

  y = fieldGrid(
    doc,
    [
      [
        { label: t('contracts.place'), value: `${kind} ${d.placeCode}` },
        { label: t('resting.type'), value: d.placeType },
      ],
      [
        { label: t('contracts.term_starts_on'), value: date(c.term_starts_on) },
        { label: t('contracts.term_ends_on'), value: date(c.term_ends_on) },
      ],
      [
        { label: t('contracts.holder_name'), value: c.holder_name },
        { label: t('contracts.holder_phone'), value: c.holder_phone },
      ],
      [
        { label: t('contracts.holder_relationship'), value: c.holder_relationship ?? '' },
        { label: t('contracts.id_number'), value: c.holder_id_number ?? '' },
      ],
      [{ label: t('contracts.pdf_address'), value: c.holder_address ?? '' }],
    ],
    {
      x: left,
      y,
      widths: [90, width / 2 - 90, 90, width / 2 - 90],
      rowHeight: 28,
      padding: 7,
      label: { size: 10.5, color: MUTED },
      value: { size: 11.5 },
    },
  );

  const continuePage = () => {
    doc.addPage();
    return MARGIN;
  };
  y = textAt(doc, t('contracts.placements'), left, y + 16, width, { font: BOLD, size: 13 }) + 4;
  y = table(
    doc,
    [
      { header: t('contracts.slot'), width: 60 },
      { header: t('contracts.deceased_name'), width: 110 },
      { header: t('contracts.death_date'), width: 110 },
      { header: t('contracts.placed_on'), width: 110 },
      { header: t('contracts.removed_on'), width: width - 390 },
    ],
    d.placements.map((p) => ({
      cells: [
        t('contracts.slot_n', { n: p.slot }),
        p.deceased_name,
        date(p.death_date),
        date(p.placed_on),
        p.removed_on ? `${date(p.removed_on)} ${p.removal_reason ?? ''}` : '',
      ],
    })),
    { x: left, y, size: 10.5, rowHeight: 24, continuePage },
  );

  y = ensureSpace(doc, y + 16, 80, continuePage);
  y = textAt(doc, t('contracts.fees'), left, y, width, { font: BOLD, size: 13 }) + 4;
  const total = d.fees.reduce((s, f) => s + f.amount_fen, 0);
  y = table(
    doc,
    [
      { header: t('contracts.fee_kind'), width: 60 },
      { header: t('contracts.item'), width: 120 },
      { header: t('contracts.period'), width: width - 360 },
      { header: t('contracts.quantity'), width: 50, align: 'right' },
      { header: t('contracts.unit_price'), width: 65, align: 'right' },
      { header: t('contracts.amount'), width: 65, align: 'right' },
    ],
    [
      ...d.fees.map((f) => ({
        cells: [
          t(`contracts.fee_kinds.${f.kind}`),
          f.name_zh,
          f.term_from ? t('contracts.term', { from: date(f.term_from), to: date(f.term_to) }) : '',
          String(f.quantity),
          formatMoney(f.unit_price_fen),
          formatMoney(f.amount_fen),
        ],
      })),
      { cells: [t('contracts.total'), formatMoney(total)], span: 5, bold: true },
    ],
    { x: left, y, size: 10, rowHeight: 24, continuePage },
  );

  y = ensureSpace(doc, y + 16, 170, continuePage);
  const kindCode = { kind, code: d.placeCode, from: date(c.term_starts_on), to: date(c.term_ends_on) };
  y = textAt(doc, t('contracts.pdf_clause', kindCode), left, y, width, {
    size: 11.5,
    lineGap: 6,
    indent: d.lang === 'zh-CN' ? 23 : 0,
  });
  y += 30;
  textAt(doc, t('contracts.pdf_sign_a'), left, y, width / 2, { size: 12 });
  textAt(doc, t('contracts.pdf_sign_b'), left + width / 2, y, width / 2, { size: 12 });
  y += 44;
  textAt(doc, t('contracts.pdf_date', { date: date(d.issuedOn) }), left, y, width / 2, { size: 12 });
  return finish(doc);
}
