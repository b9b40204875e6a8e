// npm test: every suite on SQLite, then again on PostgreSQL when TEST_DATABASE_URL is set.
// Ends with one line "test: N passed, N failed, N skipped" summing both runs.
import { spawn } from 'node:child_process';
import { stripVTControlCharacters } from 'node:util';

const runs: { dialect: 'sqlite' | 'postgres'; env: NodeJS.ProcessEnv }[] = [
  { dialect: 'sqlite', env: { SHIAN_TEST_DIALECT: 'sqlite' } },
];
if (process.env.TEST_DATABASE_URL) runs.push({ dialect: 'postgres', env: { SHIAN_TEST_DIALECT: 'postgres' } });
else console.log('TEST_DATABASE_URL is not set: the PostgreSQL run is left out (CI sets it).');

const extra = process.argv.slice(2);
let passed = 0,
  failed = 0,
  pending = 0,
  exitCode = 0;
// Each run's failures, printed again at the very end: CI keeps only the tail of the output, which would otherwise
// hold the PostgreSQL run alone.
const failures: string[] = [];

for (const run of runs) {
  console.log(`\n=== ${run.dialect} ===`);
  const out = await new Promise<{ code: number; text: string }>((resolve) => {
    const child = spawn(process.execPath, ['node_modules/mocha/bin/mocha.js', ...extra], {
      env: { ...process.env, ...run.env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let text = '';
    child.stdout.on('data', (d) => {
      text += d;
      process.stdout.write(d);
    });
    child.on('close', (code) => resolve({ code: code ?? 1, text }));
  });
  const n = (re: RegExp) => Number(re.exec(out.text)?.[1] ?? 0);
  passed += n(/(\d+) passing/);
  failed += n(/(\d+) failing/);
  pending += n(/(\d+) pending/);
  if (out.code !== 0) exitCode = 1;
  const plain = stripVTControlCharacters(out.text);
  const failing = /^ +\d+ failing$/m.exec(plain);
  if (failing) failures.push(`=== ${run.dialect}: failures ===\n${plain.slice(failing.index)}`);
  if (out.code !== 0 && !/\d+ (passing|failing)/.test(out.text)) {
    console.error(`mocha (${run.dialect}) exited ${out.code} without results`);
    failed += 1;
  }
}

for (const f of failures) console.log(`\n${f.trimEnd()}`);
console.log(`\ntest: ${passed} passed, ${failed} failed, ${pending} skipped`);
process.exit(exitCode || (failed > 0 ? 1 : 0));
