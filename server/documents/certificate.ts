// The cremation certificate (火化证明): the official paper the family needs after the funeral, so it carries the
// full ID number, the issuer, the clerk and room for the funeral home's seal.
import { formatDate, formatDateTime } from '../http/format.js';
import { translator, type Lang } from '../i18n/index.js';
import type { Fonts } from './fonts.js';
import {
  BOLD,
  centered,
  contentBottom,
  contentLeft,
  contentWidth,
  createDocument,
  eachPage,
  fieldGrid,
  finish,
  INK,
  LINE,
  MUTED,
  REGULAR,
  rule,
  textAt,
  type Field,
} from './pdf.js';

export interface CertificateData {
  lang: Lang;
  facilityName: string;
  caseNumber: string;
  deceasedName: string;
  sex: 'male' | 'female';
  idNumber: string;
  birthDate: string; // YYYY-MM-DD
  deathAt: string; // ISO instant
  crematedAt: string; // ISO instant: the actual start, as recorded against the booking
  crematedUntil: string; // ISO instant: the actual end
  cremator: string | null; // the cremator actually used
  receiverName: string;
  receiverRelationship: string;
  issuedOn: string; // YYYY-MM-DD, Asia/Shanghai
  clerk: string;
}

const MARGIN = 64;
const BLOCK = 172; // the signature and seal block, with room above the note at the foot

export async function renderCertificate(d: CertificateData, fonts: Fonts): Promise<Buffer> {
  const t = translator(d.lang);
  const doc = createDocument(
    {
      title: `${t('documents.certificate')} ${d.caseNumber}`,
      author: d.facilityName,
      creator: t('app.name'),
      lang: d.lang,
      margin: MARGIN,
    },
    fonts,
  );
  const left = contentLeft(doc),
    width = contentWidth(doc),
    right = left + width;
  const crematedAt = formatDateTime(d.crematedAt, d.lang);
  const until = formatDateTime(d.crematedUntil, d.lang);
  // 2026年12月3日 09:10–10:05: the end's date only when it differs from the start's.
  const sameDay = until.slice(0, until.lastIndexOf(' ')) === crematedAt.slice(0, crematedAt.lastIndexOf(' '));
  const crematedSpan = `${crematedAt}–${sameDay ? until.slice(until.lastIndexOf(' ') + 1) : until}`;

  let y = centered(doc, d.facilityName, 96, { size: 15, spacing: 2 });
  y = centered(doc, t('documents.certificate'), y + 14, { font: BOLD, size: 34, spacing: d.lang === 'zh-CN' ? 18 : 1 });
  y += 12;
  rule(doc, left, right, y, 1.6);
  rule(doc, left, right, y + 3.5, 0.5);
  y += 16;
  textAt(doc, t('documents.number', { number: d.caseNumber }), left, y, width, {
    size: 11,
    align: 'right',
    color: MUTED,
  });
  y += 26;

  // The span of actual times takes the whole row (on a row shared with the cremator it wrapped); the cremator its own.
  const cremation: Field[][] = [[{ label: t('documents.cremated_at'), value: crematedSpan }]];
  if (d.cremator) cremation.push([{ label: t('documents.cremator'), value: d.cremator }]);
  // The long values (ID number, times) share the wide second column; the short ones the narrow fourth.
  const rows: Field[][] = [
    [
      { label: t('documents.deceased_name'), value: d.deceasedName },
      { label: t('documents.sex'), value: t(`sex.${d.sex}`) },
    ],
    [
      { label: t('documents.id_number'), value: d.idNumber },
      { label: t('documents.birth_date'), value: formatDate(d.birthDate, d.lang) },
    ],
    [{ label: t('documents.death_at'), value: formatDateTime(d.deathAt, d.lang) }],
    ...cremation,
    [
      {
        label: t('documents.receiver'),
        value: t('documents.receiver_value', { name: d.receiverName, relationship: d.receiverRelationship }),
      },
    ],
  ];
  const label = 100,
    label2 = 84,
    value2 = 122;
  y = fieldGrid(doc, rows, {
    x: left,
    y,
    widths: [label, width - label - label2 - value2, label2, value2],
    rowHeight: 40,
    padding: 10,
    lineWidth: 0.8,
    label: { size: 12, color: MUTED },
    value: { size: 13 },
  });

  y += 34;
  y = textAt(
    doc,
    t('documents.statement', { name: d.deceasedName, time: crematedAt, facility: d.facilityName }),
    left,
    y,
    width,
    { size: 14, lineGap: 10, indent: d.lang === 'zh-CN' ? 28 : 0 },
  );
  const closing = t('documents.closing');
  if (closing) y = textAt(doc, closing, left, y + 10, width, { size: 14, indent: d.lang === 'zh-CN' ? 28 : 0 });

  // Signatures on the left; on the right the seal's place above the issuer and the date, as on paper forms. The
  // block sits at the foot of the page whatever the length of the text above it.
  let block = contentBottom(doc) - BLOCK;
  if (y + 20 > block) {
    doc.addPage();
    block = MARGIN;
  } // only text far longer than any real name gets here
  textAt(doc, t('documents.clerk', { name: d.clerk }), left, block + 30, 200, { size: 12.5 });
  const sign = t('documents.receiver_signature');
  textAt(doc, sign, left, block + 76, 200, { size: 12.5 });
  doc.font(REGULAR).fontSize(12.5);
  const signEnd = left + doc.widthOfString(sign) + 4;
  rule(doc, signEnd, signEnd + 110, block + 93, 0.6);

  const issuerWidth = 250,
    issuerX = right - issuerWidth,
    r = 44,
    sealX = issuerX + issuerWidth / 2,
    sealY = block + r;
  doc.save().lineWidth(0.8).strokeColor(LINE).dash(3, { space: 3 }).circle(sealX, sealY, r).stroke().undash().restore();
  textAt(doc, t('documents.seal'), sealX - r, sealY - 5.5, 2 * r, { size: 11, align: 'center', color: MUTED });
  textAt(doc, t('documents.issuer', { name: d.facilityName }), issuerX, sealY + r + 12, issuerWidth, {
    size: 12.5,
    align: 'center',
  });
  textAt(
    doc,
    t('documents.issued_on', { date: formatDate(d.issuedOn, d.lang) }),
    issuerX,
    sealY + r + 36,
    issuerWidth,
    { size: 12.5, align: 'center' },
  );

  eachPage(doc, () => {
    const inset = 30;
    doc
      .save()
      .lineWidth(2)
      .strokeColor(INK)
      .rect(inset, inset, doc.page.width - 2 * inset, doc.page.height - 2 * inset)
      .stroke();
    doc
      .lineWidth(0.6)
      .rect(inset + 5, inset + 5, doc.page.width - 2 * inset - 10, doc.page.height - 2 * inset - 10)
      .stroke()
      .restore();
    textAt(doc, t('documents.certificate_note'), left, doc.page.height - 72, width, {
      size: 9.5,
      align: 'center',
      color: MUTED,
    });
  });
  return finish(doc);
}
