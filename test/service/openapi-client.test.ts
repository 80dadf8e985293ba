/**
 * A client generated from the committed OpenAPI document works: openapi-typescript at its default
 * settings turns openapi/openapi.json into types, and a small client that posts every shipped
 * scenario file, solves it and reads the report (JSON and Markdown) type-checks with tsc. A body
 * with a wrong field must not type-check, so the test fails if the types degrade to `any`.
 */
import t from 'tap';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import openapiTS, { astToString } from 'openapi-typescript';
import { projectRoot } from '../../src/data/load.js';

const root = projectRoot();
const scenarioDir = join(root, 'models', 'scenarios');

t.test('types generated with openapi-typescript type-check a client of the shipped scenarios', async (t) => {
  const dir = t.testdir();
  const document = JSON.parse(readFileSync(join(root, 'openapi', 'openapi.json'), 'utf8'));
  writeFileSync(join(dir, 'api.ts'), astToString(await openapiTS(document)));

  const files = readdirSync(scenarioDir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  t.ok(files.length >= 5, `${files.length} shipped scenarios`);
  const bodies = files.map((f, i) => `const scenario${i}: CreateBody = ${readFileSync(join(scenarioDir, f), 'utf8').trim()};`).join('\n');
  const client = `
import type { paths } from './api.js';

type CreateBody = paths['/scenarios']['post']['requestBody']['content']['application/json'];
type Created = paths['/scenarios']['post']['responses'][201]['content']['application/json'];
type Solved = paths['/scenarios/{id}/solve']['post']['responses'][200]['content']['application/json'];
type Queued = paths['/scenarios/{id}/solve']['post']['responses'][202]['content']['application/json'];
type Report = paths['/portfolios/{id}/report']['get']['responses'][200]['content']['application/json'];
type ReportMarkdown = paths['/portfolios/{id}/report.md']['get']['responses'][200]['content']['text/markdown'];
type Busy = paths['/scenarios/{id}/solve']['post']['responses'][503]['headers']['retry-after'];

${bodies}

// @ts-expect-error a name must be a string
const wrong: CreateBody = { ...scenario0, name: 42 };
// @ts-expect-error no such backend
const wrongBackend: CreateBody = { ...scenario0, solver: { backend: 'cplex' } };

export const scenarios: CreateBody[] = [${files.map((_, i) => `scenario${i}`).join(', ')}];
void wrong;
void wrongBackend;

export async function planOne(base: string, body: CreateBody): Promise<{ cost: number | null; markdown: string; retryAfter?: Busy }> {
  const createdResponse = await fetch(\`\${base}/scenarios\`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const created = (await createdResponse.json()) as Created;
  const scenarioId: string = created.id;
  const solveResponse = await fetch(\`\${base}/scenarios/\${scenarioId}/solve?wait=600\`, { method: 'POST' });
  if (solveResponse.status === 202) {
    const job = (await solveResponse.json()) as Queued;
    throw new Error(\`job \${job.id} still \${job.status}\`);
  }
  const solved = (await solveResponse.json()) as Solved;
  const portfolioId: string = solved.id;
  const report = (await (await fetch(\`\${base}/portfolios/\${portfolioId}/report\`)).json()) as Report;
  const markdown: ReportMarkdown = await (await fetch(\`\${base}/portfolios/\${portfolioId}/report.md\`)).text();
  const status: string = report.status;
  return { cost: report.totalCostUsd, markdown: status + markdown };
}
`;
  writeFileSync(join(dir, 'client.ts'), client);
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        lib: ['ES2022', 'DOM'],
        skipLibCheck: true,
        types: [],
      },
      files: ['client.ts'],
    }),
  );
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')], { encoding: 'utf8' });
  t.equal(result.status, 0, 'the client type-checks', { output: `${result.stdout}${result.stderr}`.slice(0, 4000) });
});
