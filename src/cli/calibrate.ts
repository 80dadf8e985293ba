/**
 * CLI: `npm run calibrate [-- --dataset ID] [--format text|json] [--check]`
 * Solves the dataset's observed years with existing capacity only and no targets and prints each
 * modelled figure beside its published value, band and verdict (src/analysis/calibration.ts).
 * `--check` exits 1 when a comparable figure falls outside its band.
 */
import { parseArgs } from 'node:util';
import { DatasetError, loadDataset } from '../data/load.js';
import { calibrate, formatCalibration } from '../analysis/calibration.js';
import { solveModel } from '../solver/index.js';

const usage = 'usage: npm run calibrate -- [--dataset quad-2026] [--format text|json] [--check]';

async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        dataset: { type: 'string', default: 'quad-2026' },
        format: { type: 'string', default: 'text' },
        check: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${usage}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  if (values.format !== 'text' && values.format !== 'json') {
    process.stderr.write(`--format must be text or json, not '${values.format}'\n`);
    return 2;
  }
  let dataset;
  try {
    dataset = loadDataset(values.dataset!);
  } catch (error) {
    if (error instanceof DatasetError) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const report = await calibrate(dataset, (model) => solveModel(model, { backend: 'highs', timeLimitSeconds: 600, mipRelGap: 1e-6, algorithm: 'auto' }));
  process.stdout.write(`${values.format === 'json' ? JSON.stringify(report, null, 2) : formatCalibration(report)}\n`);
  return values.check && report.summary.outside + report.summary.noValue > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
