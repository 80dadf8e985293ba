/**
 * Writes models/catalog.json from the family declarations in src/model/families.ts (`npm run
 * catalog`). The catalogue is generated, never edited by hand; test/model/catalog.test.ts fails
 * when the committed file differs from what this writes.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../data/load.js';
import { catalogJson } from '../model/catalog.js';

writeFileSync(join(projectRoot(), 'models', 'catalog.json'), catalogJson());
process.stdout.write('wrote models/catalog.json\n');
