// CPU of the printed documents in one process: a cremation certificate and a statement of charges (names with rare
// characters, drawn from the fallback font), and the demo city's coverage report: the first of each (cold glyph
// caches) and then the mean of the next ones; the report also as a request finds it kept.
//
//   npx tsx scripts/bench-documents.ts [--runs 5]        SHIAN_FALLBACK_FONTS=off for a machine without fallback fonts
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { seedDemo } from '../db/seeds/demo.js';
import { migrateLatest } from '../db/migrate.js';
import { loadConfig } from '../server/config.js';
import { createDb } from '../server/db.js';
import { loadFonts } from '../server/documents/fonts.js';
import { KeptRenders } from '../server/reports/document.js';
import { renderCertificate } from '../server/documents/certificate.js';
import { renderReceipt } from '../server/documents/receipt.js';
import { renderReport } from '../server/reports/report.js';
import { loadReport } from '../server/reports/service.js';
import { reportBlock } from '../server/reports/settings-service.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const runs = Number(values.runs);

/** CPU milliseconds (user + system) of one call. */
async function cpu<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = process.cpuUsage();
  const value = await fn();
  const used = process.cpuUsage(start);
  return { ms: (used.user + used.system) / 1000, value };
}

async function measure(name: string, fn: () => Promise<unknown>): Promise<void> {
  const first = await cpu(fn);
  let total = 0;
  for (let i = 0; i < runs; i++) total += (await cpu(fn)).ms;
  console.log(
    `${name.padEnd(34)} first ${first.ms.toFixed(0).padStart(5)} ms   then ${(total / runs).toFixed(0).padStart(5)} ms`,
  );
}

const certificate = {
  lang: 'zh-CN' as const,
  facilityName: '六盘水市殡仪馆（示例）',
  caseNumber: 'LPS-2026-00017',
  deceasedName: '王𠮷',
  sex: 'male' as const,
  idNumber: '520201193811020011',
  birthDate: '1938-11-02',
  deathAt: '2026-11-20T06:30:00.000Z',
  crematedAt: '2026-11-22T02:00:00.000Z',
  crematedUntil: '2026-11-22T03:00:00.000Z',
  cremator: '甲号火化炉',
  receiverName: '𪚥明',
  receiverRelationship: '儿子',
  issuedOn: '2026-11-22',
  clerk: '殡仪馆前台',
};
const receipt = {
  lang: 'zh-CN' as const,
  facilityName: '六盘水市殡仪馆（示例）',
  caseNumber: 'LPS-2026-00017',
  deceasedName: '王𠮷',
  maskedIdNumber: '520201********0011',
  contactName: '𪚥明',
  contactRelationship: '儿子',
  maskedPhone: '139****5678',
  lines: Array.from({ length: 8 }, (_, i) => ({
    name: `服务项目${i + 1}`,
    basic: i < 4,
    unit: 'time',
    quantity: 1,
    unitPriceFen: 40000,
    amountFen: 40000,
  })),
  deductions: [{ label: '惠民殡葬基本服务费减免', amountFen: 40000 }],
  payments: [
    {
      receiptNumber: '2026-000001',
      kind: 'payment' as const,
      voided: false,
      method: 'wechat',
      paidAt: '2026-11-22T03:00:00.000Z',
      amountFen: 100050,
      receivedBy: '殡仪馆前台',
    },
  ],
  totalFen: 320000,
  deductedFen: 40000,
  paidFen: 100050,
  balanceFen: 179950,
  printedAt: '2026-11-22T03:00:00.000Z',
  printedBy: '殡仪馆前台',
};

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shian-bench-'));
const db = createDb({ sqliteFile: path.join(dir, 'bench.sqlite') });
try {
  await migrateLatest(db);
  await seedDemo(db, { password: 'bench-pass-2026' });
  console.log(`node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'}, ${runs} runs after the first`);
  const loaded = await cpu(async () => loadFonts(loadConfig().fallbackFonts));
  const fonts = loaded.value;
  console.log(
    `${'fonts (start-up)'.padEnd(34)} once  ${loaded.ms.toFixed(0).padStart(5)} ms   fallbacks: ${fonts.fallbacks.map((f) => path.basename(f.file)).join(', ') || 'none'}`,
  );
  await measure('certificate', () => renderCertificate(certificate, fonts));
  await measure('statement of charges', () => renderReceipt(receipt, fonts));
  const data = await cpu(() => loadReport(db, { region: '5202', date: '2026-11-25' }));
  console.log(`${'report data (loadReport, 5202)'.padEnd(34)} first ${data.ms.toFixed(0).padStart(5)} ms`);
  const block = await reportBlock(db, '5202', { display_name: '统计员' }, '2026-11-25');
  await measure('report drawing (5202)', () => renderReport(data.value, 'zh-CN', fonts, block));
  const kept = new KeptRenders();
  const inputs = { d: { ...data.value, generatedAt: undefined }, lang: 'zh-CN', fonts: fonts.key, block };
  await measure('report kept (key + lookup)', () =>
    kept.print(inputs, () => renderReport(data.value, 'zh-CN', fonts, block)),
  );
} finally {
  await db.destroy();
  fs.rmSync(dir, { recursive: true, force: true });
}
