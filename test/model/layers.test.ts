/**
 * The arrows point down: the contract (`src/schemas/`), the formulation (`src/model/`) and the
 * dataset (`src/data/`) import nothing from the layers built on them — the analysis, the planner,
 * the solver port, the service (routes, services, store, app, errors). A schema that needs a shape
 * the analysis computes declares it in `schemas/` and the analysis imports it.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import t from 'tap';
import { projectRoot } from '../../src/data/load.js';

const root = projectRoot();
const LOWER = ['src/schemas', 'src/model', 'src/data'];
const UPPER = ['src/analysis', 'src/services', 'src/routes', 'src/store', 'src/solver', 'src/workers', 'src/web', 'src/cli', 'src/scripts'];
const UPPER_FILES = ['src/planner.ts', 'src/app.ts', 'src/errors.ts', 'src/edge.ts', 'src/server.ts', 'src/worker.ts', 'src/config.ts'];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

t.test('schemas/, model/ and data/ import nothing from the layers above them', async (t) => {
  let imports = 0;
  for (const layer of LOWER) {
    for (const path of files(join(root, layer))) {
      const file = relative(root, path);
      for (const match of readFileSync(path, 'utf8').matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
        const target = relative(root, resolve(dirname(path), match[1]!)).replace(/\.js$/, '.ts');
        imports++;
        const upward = UPPER.some((dir) => target.startsWith(`${dir}/`)) || UPPER_FILES.includes(target);
        t.notOk(upward, `${file} → ${target}`);
      }
    }
  }
  t.ok(imports > 50, `${imports} relative imports checked`);
});
