/**
 * The reference scenario end to end through `POST /solve?wait=`, before and after the report's
 * extra sections (reduced-cost probes, diagnosis, whole-point target costs) left the path of the
 * answer (issue 13, part 4), side by side in one run, against the solve's own time in a warm
 * worker (`portfolio.solver.solveMs`).
 *
 *   npx tsx bench/report-extras.ts [--before <git rev>] [--reps 5]
 *
 * "Before" is `--before` (default: where this branch left main, `git merge-base HEAD main`)
 * unpacked with `git archive` into a temporary directory beside this tree's node_modules; "after"
 * is this tree. Each repetition is a fresh process per side, alternating before/after: the service
 * (`buildApp`, one solver worker, SQLite in a temporary directory, listening on 127.0.0.1) starts,
 * its worker warms HiGHS with a representative solve (src/solver/warm-up.ts), one solve of the small
 * shipped scenario warms the main thread (its report's extras awaited, so the worker is idle), and one `POST
 * /solve?wait=600` of models/scenarios/quad-magnets-50-by-2030.json with its default options (the
 * baseline included) is timed on the client. A fresh process per repetition keeps every solve a
 * cold-basis solve on a warm runtime, as the first request of a scenario is (a repeated scenario
 * would start from its kept basis, and its baseline from the per-thread cache). After the answer,
 * `GET …/report?wait=600` is timed too where the report says its extras are pending: "report
 * complete" is when the whole report is stored (answer + extras).
 *
 * Prints a table and the raw rows as JSON.
 */
import { execFileSync, execSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { projectRoot } from '../src/data/load.js';

const { values } = parseArgs({ options: { before: { type: 'string' }, reps: { type: 'string', default: '5' }, child: { type: 'string' } } });

interface Row {
  side: 'before' | 'after';
  rep: number;
  e2eMs: number;
  solveMs: number;
  ratio: number;
  reportCompleteMs: number | null;
  extras: string | null;
}

if (values.child) {
  // One repetition against the service of the tree at `--child`.
  const root = values.child;
  const { buildApp } = (await import(join(root, 'src/app.ts'))) as typeof import('../src/app.js');
  const { readFileSync } = await import('node:fs');
  const scenario = JSON.parse(readFileSync(join(root, 'models/scenarios/quad-magnets-50-by-2030.json'), 'utf8'));
  const dir = mkdtempSync(join(tmpdir(), 'planner-extras-bench-'));
  const app = await buildApp({ config: { databasePath: join(dir, 'bench.db'), solverWorkers: 1, maxWaitSeconds: 600, logLevel: 'warn' }, logger: false });
  try {
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    // The main thread's first request compiles routes and schemas: warm it with a small shipped
    // scenario (another structure, so the timed solve starts from no kept basis), and let that
    // one's report finish so the worker is idle again.
    const warm = JSON.parse(readFileSync(join(root, 'models/scenarios/small-us-magnets-2030.json'), 'utf8'));
    const warmed = await fetch(`${address}/solve?wait=600`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ scenario: warm }),
    });
    const warmBody = (await warmed.json()) as Record<string, any>;
    if (warmed.status !== 200) throw new Error(`the warm-up solve answered ${warmed.status}`);
    const warmReport = (await (await fetch(`${address}/portfolios/${warmBody.id}/report`)).json()) as Record<string, any>;
    if (warmReport.extras?.status === 'pending') await fetch(`${address}/portfolios/${warmBody.id}/report?wait=600`);
    const started = performance.now();
    const response = await fetch(`${address}/solve?wait=600`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ scenario }),
    });
    const body = (await response.json()) as Record<string, any>;
    const e2eMs = performance.now() - started;
    if (response.status !== 200) throw new Error(`the solve answered ${response.status}: ${JSON.stringify(body).slice(0, 300)}`);
    const portfolio = body.portfolio ?? body;
    let report = (await (await fetch(`${address}/portfolios/${body.id}/report`)).json()) as Record<string, any>;
    let reportCompleteMs: number | null = null;
    if (report.extras?.status === 'pending') {
      report = (await (await fetch(`${address}/portfolios/${body.id}/report?wait=600`)).json()) as Record<string, any>;
      reportCompleteMs = performance.now() - started;
    }
    const solveMs = portfolio.solver.solveMs as number;
    console.log(JSON.stringify({ e2eMs, solveMs, ratio: e2eMs / solveMs, reportCompleteMs, extras: report.extras?.status ?? null }));
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
} else {
  const here = projectRoot();
  const rev = values.before ?? execSync('git merge-base HEAD main', { cwd: here, encoding: 'utf8' }).trim();
  const base = mkdtempSync(join(tmpdir(), 'planner-before-'));
  execSync(`git archive ${rev} | tar -x -C ${base}`, { cwd: here });
  symlinkSync(join(here, 'node_modules'), join(base, 'node_modules'));
  const reps = Number(values.reps);
  const rows: Row[] = [];
  try {
    for (let rep = 1; rep <= reps; rep++) {
      for (const [side, root] of [
        ['before', base],
        ['after', here],
      ] as const) {
        const out = execFileSync(process.execPath, ['--import', 'tsx', join(here, 'bench/report-extras.ts'), '--child', root], {
          cwd: here,
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        const row = { side, rep, ...(JSON.parse(out.trim().split('\n').at(-1)!) as Omit<Row, 'side' | 'rep'>) };
        rows.push(row);
        console.error(`${side} ${rep}: e2e ${row.e2eMs.toFixed(0)} ms, solve ${row.solveMs.toFixed(0)} ms, ${row.ratio.toFixed(2)}x`);
      }
    }
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const cell = (r: Row | undefined) =>
    r ? `${r.e2eMs.toFixed(0).padStart(6)} ${r.solveMs.toFixed(0).padStart(6)} ${r.ratio.toFixed(2).padStart(5)}x` : ''.padStart(21);
  console.log(`reference scenario, POST /solve?wait= end to end vs the warm in-worker solve; before = ${rev.slice(0, 7)}, after = this tree`);
  console.log(`rep | before: e2e ms  solve ms  ratio | after: e2e ms  solve ms  ratio | after: report complete ms`);
  for (let rep = 1; rep <= reps; rep++) {
    const b = rows.find((r) => r.side === 'before' && r.rep === rep);
    const a = rows.find((r) => r.side === 'after' && r.rep === rep);
    console.log(`${String(rep).padStart(3)} | ${cell(b)} | ${cell(a)} | ${a?.reportCompleteMs?.toFixed(0) ?? '–'}`);
  }
  for (const side of ['before', 'after'] as const) {
    const own = rows.filter((r) => r.side === side);
    console.log(
      `median ${side}: e2e ${median(own.map((r) => r.e2eMs)).toFixed(0)} ms, solve ${median(own.map((r) => r.solveMs)).toFixed(0)} ms, ratio ${median(own.map((r) => r.ratio)).toFixed(2)}x`,
    );
  }
  console.log(JSON.stringify(rows));
}
