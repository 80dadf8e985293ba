/**
 * The committed OpenAPI document is what the code generates; every route is in it with tags, an
 * operation id, a summary, a schema and an example per response; and every example in it is valid
 * against the schema it illustrates.
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { openApiDocument } from '../../src/app.js';
import { projectRoot } from '../../src/data/load.js';
import { build } from '../helpers/app.js';

type Json = Record<string, any>;

let generated: Json;
t.before(async () => {
  generated = await openApiDocument();
});

t.test('openapi/openapi.json is up to date (run `npm run openapi` after changing the API)', async (t) => {
  const committed = JSON.parse(readFileSync(join(projectRoot(), 'openapi', 'openapi.json'), 'utf8'));
  t.same(committed, generated);
  t.equal(generated.openapi, '3.1.0');
});

t.test('every route is documented with tags, operation id, summary and examples', async (t) => {
  const app = await build(t);
  const documented = app.registeredRoutes.filter((r) => r.method !== 'HEAD' && !(r.schema as Json | undefined)?.hide);
  t.ok(documented.length >= 16, `${documented.length} routes`);
  const operationIds = new Set<string>();
  for (const route of documented) {
    const path = route.url.replace(/:([A-Za-z]+)/g, '{$1}');
    const found: Json | undefined = generated.paths[path]?.[route.method.toLowerCase()];
    t.ok(found, `${route.method} ${path} is in the document`);
    if (!found) continue;
    const operation = found;
    t.ok(operation.tags?.length, `${route.method} ${path}: tags`);
    t.ok(operation.summary, `${route.method} ${path}: summary`);
    t.ok(operation.operationId && !operationIds.has(operation.operationId), `${route.method} ${path}: unique operationId`);
    operationIds.add(operation.operationId);
    const responses = Object.entries(operation.responses as Json);
    t.ok(responses.length >= 1, `${route.method} ${path}: responses`);
    for (const [status, response] of responses) {
      t.ok(response.description, `${route.method} ${path} ${status}: description`);
      if (status === '204') continue;
      const media = Object.values(response.content ?? {}) as Json[];
      t.ok(media.length && media.every((m) => m.schema && m.example !== undefined), `${route.method} ${path} ${status}: schema and example`);
    }
    if (operation.requestBody) {
      const media = Object.values(operation.requestBody.content) as Json[];
      t.ok(
        media.every((m) => m.example !== undefined),
        `${route.method} ${path}: request example`,
      );
    }
  }
  const documentedPaths = new Set(documented.map((r) => `${r.method.toLowerCase()} ${r.url.replace(/:([A-Za-z]+)/g, '{$1}')}`));
  for (const [path, operations] of Object.entries(generated.paths as Json)) {
    for (const method of Object.keys(operations)) t.ok(documentedPaths.has(`${method} ${path}`), `${method} ${path} is a real route`);
  }
});

t.test('every example is valid against its own schema', async (t) => {
  const app = await build(t);
  let checked = 0;
  const check = (label: string, schema: unknown) => {
    if (!(schema instanceof z.ZodType)) return;
    for (const example of (z.globalRegistry.get(schema)?.examples as unknown[] | undefined) ?? []) {
      const result = schema.safeParse(example);
      t.ok(result.success, label, result.success ? {} : { issues: result.error.issues });
      checked++;
    }
  };
  for (const route of app.registeredRoutes) {
    const schema = route.schema as Json | undefined;
    if (!schema) continue;
    check(`${route.method} ${route.url} body`, schema.body);
    for (const [status, response] of Object.entries((schema.response ?? {}) as Json)) {
      if (response instanceof z.ZodType) check(`${route.method} ${route.url} ${status}`, response);
      else for (const [type, media] of Object.entries((response.content ?? {}) as Json)) check(`${route.method} ${route.url} ${status} ${type}`, media.schema);
    }
  }
  t.ok(checked >= 40, `${checked} examples checked`);
});
