// Which way the imports go around coverage: it counts with the registry's rules, the registry never knows how it is
// counted, and the report reads coverage through its services.
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';

const root = path.resolve(import.meta.dirname, '../../server');

/** Every relative import of the .ts files below a folder of server/, resolved to a path under server/. */
function importsBelow(folder: string): { file: string; target: string }[] {
  const out: { file: string; target: string }[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(full);
        continue;
      }
      if (!entry.name.endsWith('.ts')) continue;
      for (const m of fs.readFileSync(full, 'utf8').matchAll(/from '(\.{1,2}\/[^']+)'/g)) {
        out.push({
          file: path.relative(root, full),
          target: path.relative(root, path.resolve(path.dirname(full), m[1])),
        });
      }
    }
  };
  walk(path.join(root, folder));
  return out;
}

describe('coverage: the direction of imports', () => {
  it("keeps the registry free of coverage: build modes, kinds and service areas are the registry's own", () => {
    const wrong = importsBelow('facilities').filter((i) => i.target.startsWith('coverage/'));
    expect(wrong).to.deep.equal([]);
  });

  it('has the report read coverage through its services, never its stores', () => {
    const wrong = importsBelow('reports').filter(
      (i) => i.target.startsWith('coverage/') && /\/store\.js$/.test(i.target),
    );
    expect(wrong).to.deep.equal([]);
    expect(importsBelow('reports').some((i) => i.target === 'coverage/engine/service.js')).to.equal(true);
  });

  it('has coverage read regions through the regions service, never its store', () => {
    const wrong = [...importsBelow('coverage'), ...importsBelow('facilities'), ...importsBelow('reports')].filter(
      (i) => i.target === 'regions/store.js',
    );
    expect(wrong).to.deep.equal([]);
  });
});
