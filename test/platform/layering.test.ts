// Keeps the layers one way: routes → their own service → stores (SQL only); no import circle in server/.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';

// Known exceptions: none. A line may be added here only while the work that fixes it is under way, with its reason;
// the test fails on a line that no longer matches anything.
const knownExceptions = new Set<string>([]);

interface Source {
  file: string;
  text: string;
}

/** What a module imports (import, export … from, import()), as paths relative to the repository, .ts resolved. */
export function importsOf(src: Source): string[] {
  const text = withoutComments(src.text);
  const specs = [
    ...text.matchAll(/\b(?:import|export)\s[^;'"`]*?\bfrom\s*['"]([^'"]+)['"]/g),
    ...text.matchAll(/\bimport\s*['"]([^'"]+)['"]/g),
    ...text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((m) => m[1]);
  return specs
    .filter((s) => s.startsWith('.'))
    .map((s) => path.posix.normalize(path.posix.join(path.posix.dirname(src.file), s)).replace(/\.js$/, '.ts'));
}

function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
}

/** server/<domain>/… → domain; files directly in server/ belong to no domain. */
const domainOf = (file: string) => /^server\/([^/]+)\//.exec(file)?.[1];
const isStore = (file: string) => /(^|\/|-)store\.ts$/.test(path.posix.basename(file)) && domainOf(file) !== undefined;
const isRoutes = (file: string) => /(^|-)routes\.ts$/.test(path.posix.basename(file));
// A knex builder called on a table ('db("cases")', 'trx("case_lines")') or raw SQL through a connection.
const KNEX_CALL = /\b(?:db|trx|knex|tx)\s*\(\s*['"`]|\b(?:db|trx|knex|tx)\.(?:raw|from|table|insert|select|schema)\b/;

/** Every break of the layering rules in a set of sources, one line each. */
export function layeringProblems(sources: Source[]): string[] {
  const files = new Set(sources.map((s) => s.file));
  const problems: string[] = [];
  const graph = new Map<string, string[]>();
  for (const src of sources) {
    const deps = importsOf(src).filter((d) => files.has(d));
    graph.set(src.file, deps);
    for (const dep of deps) {
      if (isRoutes(src.file) && isStore(dep)) problems.push(`route imports a store: ${src.file} -> ${dep}`);
      // A store is reached through its domain's services; only another store may share its helpers.
      if (isStore(dep) && domainOf(dep) !== domainOf(src.file) && !isStore(src.file))
        problems.push(`store imported from another domain: ${src.file} -> ${dep}`);
      // The registry must not know how coverage is counted: coverage imports facilities, never the reverse.
      if (domainOf(src.file) === 'facilities' && domainOf(dep) === 'coverage')
        problems.push(`registry imports coverage: ${src.file} -> ${dep}`);
    }
    const code = withoutComments(src.text);
    if (!isStore(src.file) && src.file !== 'server/db.ts' && KNEX_CALL.test(code))
      problems.push(`knex outside a store: ${src.file}`);
    if (src.file !== 'server/http/errors.ts' && /\bnew\s+AppError\s*\(/.test(code))
      problems.push(`new AppError: ${src.file}`);
  }
  for (const circle of circles(graph)) problems.push(`import circle: ${circle.join(' -> ')}`);
  return problems.sort();
}

/** Import circles (type imports included), each from its first file in sort order back to it. */
export function circles(graph: Map<string, string[]>): string[][] {
  // Tarjan's strongly connected components; a component of more than one file holds a circle.
  let next = 0;
  const index = new Map<string, number>(),
    low = new Map<string, number>(),
    stack: string[] = [],
    onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next);
    next += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    const self = component.length === 1 && (graph.get(v) ?? []).includes(v);
    if (component.length > 1 || self) out.push(circleThrough(graph, new Set(component)));
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return out;
}

/** One circle inside a strongly connected component, found by a breadth-first walk back to its first file. */
function circleThrough(graph: Map<string, string[]>, component: Set<string>): string[] {
  const start = [...component].sort()[0];
  const from = new Map<string, string>();
  const queue = [start];
  while (queue.length) {
    const v = queue.shift()!;
    for (const w of [...(graph.get(v) ?? [])].sort()) {
      if (!component.has(w)) continue;
      if (w === start) {
        const trail = [v];
        while (trail[0] !== start) trail.unshift(from.get(trail[0])!);
        return [...trail, start];
      }
      if (!from.has(w) && w !== start) {
        from.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}

function serverSources(): Source[] {
  const out: Source[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.posix.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith('.ts')) out.push({ file: p, text: readFileSync(p, 'utf8') });
    }
  };
  walk('server');
  return out;
}

describe('layering', () => {
  describe('the rules, on made-up files', () => {
    const src = (file: string, ...lines: string[]): Source => ({ file, text: lines.join('\n') });
    const base = [
      src('server/db.ts', "export const ping = (db) => db.raw('select 1');"),
      src(
        'server/http/errors.ts',
        'export class AppError extends Error {}',
        "export const e = () => new AppError(500, 'x');",
      ),
      src('server/cases/store.ts', "export const find = (db, id) => db('funeral_cases').where({ id }).first();"),
      src(
        'server/cases/service.ts',
        "import * as store from './store.js';",
        "import { ConflictError } from '../http/errors.js';",
      ),
      src('server/cases/routes.ts', "import * as cases from './service.js';"),
      src('server/prices/store.ts', "import type { CaseRow } from '../cases/store.js';"),
      src('server/coverage/engine.ts', "import type { Facility } from '../facilities/kinds.js';"),
      src('server/facilities/kinds.ts', 'export const kinds = [];'),
    ];
    const with_ = (...changed: Source[]) => [
      ...base.filter((b) => !changed.some((c) => c.file === b.file)),
      ...changed,
    ];

    it('finds nothing in files that keep the layers (a store may import another store)', () => {
      expect(layeringProblems(base)).to.deep.equal([]);
    });

    it("names a routes.ts that imports a store, its own or another domain's", () => {
      expect(
        layeringProblems(
          with_(
            src(
              'server/cases/routes.ts',
              "import * as store from './store.js';",
              "import { x } from '../prices/store.js';",
            ),
          ),
        ),
      ).to.deep.equal([
        'route imports a store: server/cases/routes.ts -> server/cases/store.ts',
        'route imports a store: server/cases/routes.ts -> server/prices/store.ts',
        'store imported from another domain: server/cases/routes.ts -> server/prices/store.ts',
      ]);
    });

    it('names a file outside a domain that imports its store', () => {
      expect(
        layeringProblems(with_(src('server/startup.ts', "import { find } from './cases/store.js';"))),
      ).to.deep.equal(['store imported from another domain: server/startup.ts -> server/cases/store.ts']);
    });

    it('names knex on a table, or raw SQL, outside stores and db.ts', () => {
      expect(
        layeringProblems(
          with_(
            src(
              'server/cases/service.ts',
              "import * as store from './store.js';",
              "  await trx('case_lines').insert(line);",
            ),
            src('server/cases/routes.ts', "  await db.raw('select 1');"),
          ),
        ),
      ).to.deep.equal([
        'knex outside a store: server/cases/routes.ts',
        'knex outside a store: server/cases/service.ts',
      ]);
    });

    it('names a new AppError( outside errors.ts, and not one in a comment', () => {
      expect(
        layeringProblems(
          with_(src('server/cases/service.ts', '// not new AppError(409) here', "throw new AppError(409, 'taken');")),
        ),
      ).to.deep.equal(['new AppError: server/cases/service.ts']);
    });

    it('names the registry importing coverage', () => {
      expect(
        layeringProblems(with_(src('server/facilities/kinds.ts', "export { kinds } from '../coverage/engine.js';"))),
      ).to.deep.equal([
        'import circle: server/coverage/engine.ts -> server/facilities/kinds.ts -> server/coverage/engine.ts',
        'registry imports coverage: server/facilities/kinds.ts -> server/coverage/engine.ts',
      ]);
    });

    it('names an import circle, type imports included', () => {
      const circle = with_(
        src('server/i18n/domains.ts', "import { caseMessages } from '../cases/messages.js';"),
        src('server/cases/messages.ts', "import type { DomainMessages } from '../i18n/domains.js';"),
      );
      expect(layeringProblems(circle)).to.deep.equal([
        'import circle: server/cases/messages.ts -> server/i18n/domains.ts -> server/cases/messages.ts',
      ]);
    });
  });

  describe('server/', () => {
    const problems = layeringProblems(serverSources());

    it('reads the imports of every module', () => {
      // A reader that found nothing would pass every rule below.
      const sources = serverSources();
      expect(sources.length).to.be.greaterThan(100);
      const app = importsOf(sources.find((s) => s.file === 'server/app.ts')!);
      expect(app).to.include.members(['server/cases/routes.ts', 'server/http/error-handler.ts']);
    });

    it('keeps every rule, but for the known exceptions', () => {
      expect(problems.filter((p) => !knownExceptions.has(p))).to.deep.equal([]);
    });

    it('lists no known exception that no longer happens', () => {
      expect([...knownExceptions].filter((e) => !problems.includes(e))).to.deep.equal([]);
    });
  });
});
