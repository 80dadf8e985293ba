/**
 * Node's arguments for a child process a test starts from a TypeScript entry point: tsx, and the
 * hooks that load src/ from its compiled copy in dist/ under `npm test` (src/workers/from-dist.mjs;
 * without PLANNER_FROM_DIST=1 they do nothing), as tap's own test processes get them.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { projectRoot } from '../../src/data/load.js';

export function tsNodeArgs(entry: string): string[] {
  return ['--import', 'tsx', '--import', pathToFileURL(join(projectRoot(), 'src', 'workers', 'from-dist.mjs')).href, entry];
}
