/**
 * Writes models/catalog.json and models/names.md from the family declarations in
 * src/model/families.ts (`npm run catalog`). Both are generated, never edited by hand;
 * test/model/catalog.test.ts fails when a committed file differs from what this writes.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../data/load.js';
import { catalogJson, namesMarkdown } from '../model/catalog.js';

writeFileSync(join(projectRoot(), 'models', 'catalog.json'), catalogJson());
writeFileSync(join(projectRoot(), 'models', 'names.md'), namesMarkdown());
process.stdout.write('wrote models/catalog.json and models/names.md\n');
