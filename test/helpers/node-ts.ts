/**
 * Node's arguments for a child process a test starts from a TypeScript entry point (`src/server.ts`,
 * a fixture under test/): from the sources, tsx; when the test itself runs compiled (`npm test`
 * runs dist/suite/, see test/helpers/typescript.mjs), the entry's compiled copy there, with no
 * loader.
 */
import { join, relative } from 'node:path';
import { projectRoot } from '../../src/data/load.js';

const compiled = import.meta.url.endsWith('.js');

export function tsNodeArgs(entry: string): string[] {
  if (!compiled) return ['--import', 'tsx', entry];
  return [join(projectRoot(), 'dist', 'suite', relative(projectRoot(), entry).replace(/\.ts$/, '.js'))];
}
