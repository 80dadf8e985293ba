/** Writes openapi/openapi.json from the running code (`npm run openapi`); a test fails when it is stale. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openApiDocument } from '../app.js';
import { projectRoot } from '../data/load.js';

const target = join(projectRoot(), 'openapi', 'openapi.json');
const document = await openApiDocument();
mkdirSync(join(projectRoot(), 'openapi'), { recursive: true });
writeFileSync(target, `${JSON.stringify(document, null, 2)}\n`);
process.stdout.write(`wrote ${target}\n`);
