/**
 * CLI: `npm run plan -- <scenario.json> [--solver highs|javascript-lp-solver] [--format json|text] [--diagnosis-solves N]`
 * Prints the portfolio (json) or the solver report as Markdown (text). Exits 2 with the failing fields for an invalid scenario, 1 on other errors.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseScenario, planFromInput, planWithReport } from '../planner.js';
import { loadDataset } from '../data/load.js';
import { reportMarkdown } from '../analysis/report-markdown.js';
import { ScenarioError } from '../model/instance.js';
import { DatasetError } from '../data/load.js';
import { BackendSchema } from '../schemas/scenario.js';
import { exportModelFiles } from './export-model.js';

const usage =
  'usage: npm run plan -- <scenario.json> [--solver highs|javascript-lp-solver] [--format json|text] [--no-baseline] [--diagnosis-solves N] [--export-lp <file>] [--export-mps <file>]\n' +
  '  --diagnosis-solves bounds the diagnosis of an infeasible or short scenario by N solves (default 400)\n' +
  '  --export-lp / --export-mps write the model first (CPLEX LP / free MPS, names as in the API: [ ] become ( )), then plan as usual';

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        solver: { type: 'string' },
        format: { type: 'string', default: 'text' },
        'no-baseline': { type: 'boolean', default: false },
        'diagnosis-solves': { type: 'string' },
        'export-lp': { type: 'string' },
        'export-mps': { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${usage}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  if (positionals.length !== 1) {
    process.stderr.write(`expected one scenario file\n${usage}\n`);
    return 2;
  }
  const format = values.format;
  if (format !== 'json' && format !== 'text') {
    process.stderr.write(`--format must be json or text, not '${format}'\n`);
    return 2;
  }
  const backend = values.solver === undefined ? undefined : BackendSchema.safeParse(values.solver);
  if (backend && !backend.success) {
    process.stderr.write(`--solver must be highs or javascript-lp-solver, not '${values.solver}'\n`);
    return 2;
  }
  const file = positionals[0]!;
  let input: unknown;
  try {
    input = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    process.stderr.write(`cannot read scenario ${file}: ${(error as Error).message}\n`);
    return 2;
  }
  if (values['export-lp'] || values['export-mps']) {
    const code = exportModelFiles(input, { lp: values['export-lp'], mps: values['export-mps'] }, file);
    if (code !== 0) return code;
  }
  try {
    const solves = values['diagnosis-solves'] === undefined ? undefined : Number(values['diagnosis-solves']);
    if (solves !== undefined && !(Number.isInteger(solves) && solves >= 0)) {
      process.stderr.write(`--diagnosis-solves must be a whole number, not '${values['diagnosis-solves']}'\n`);
      return 2;
    }
    const options = {
      ...(backend?.success ? { backend: backend.data } : {}),
      skipBaseline: values['no-baseline'],
      ...(solves !== undefined ? { diagnosisSolves: solves } : {}),
    };
    let portfolio;
    if (format === 'json') {
      portfolio = await planFromInput(input, options);
      process.stdout.write(`${JSON.stringify(portfolio, null, 2)}\n`);
    } else {
      // The text format is the solver report, rendered exactly as GET /portfolios/{id}/report?format=markdown.
      const scenario = parseScenario(input);
      const planned = await planWithReport(scenario, loadDataset(scenario.datasetId), options);
      portfolio = planned.portfolio;
      process.stdout.write(`${reportMarkdown(planned.report, portfolio, 10, loadDataset(scenario.datasetId).meta.chain.feedUnit)}\n`);
    }
    return portfolio.status === 'optimal' || portfolio.status === 'infeasible' ? 0 : 1;
  } catch (error) {
    if (error instanceof ScenarioError || error instanceof DatasetError) {
      process.stderr.write(
        `invalid scenario ${file}:\n${error.issues.map((i) => (typeof i === 'string' ? `- ${i}` : `- ${i.path}: ${i.message}`)).join('\n') || error.message}\n`,
      );
      return 2;
    }
    throw error;
  }
}

// exitCode, not process.exit(): exiting at once would cut off output still buffered for a pipe.
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`error: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  },
);
