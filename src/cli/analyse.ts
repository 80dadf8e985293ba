/**
 * CLI: the planner's analyses without a server (member solves run one after another in this process).
 *
 *   npm run analyse -- frontier <scenario.json> --from 0.7 --to 0.1 --points 7 [--targets a,b] [--format markdown|json]
 *
 * Prints the analysis as Markdown (default) or its result as JSON. Exits 2 naming the failing
 * fields for a bad request or scenario, 1 on other errors. Progress goes to stderr.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseScenario, planScenario } from '../planner.js';
import { loadDataset } from '../data/load.js';
import { ScenarioError, checkScenario } from '../model/instance.js';
import type { FieldError } from '../errors.js';
import { checkFrontier, runFrontier } from '../analysis/frontier.js';
import { alternativesMarkdown, explainMarkdown, frontierMarkdown, stressTestMarkdown } from '../analysis/analysis-markdown.js';
import { diffInputs, runExplain, SHAPLEY_MAX_CHANGES, toInputChanges } from '../analysis/explain.js';
import { comparePortfolios } from '../services/compare.js';
import { checkAlternatives, DEFAULT_ITERATIONS, runAlternatives } from '../analysis/alternatives.js';
import type { AlternativeQuantity } from '../schemas/analysis.js';
import { checkDisruption, defaultMembers, runStressTest } from '../analysis/stress-test.js';
import { libraryFor } from '../analysis/disruption-library.js';
import { localMembers } from '../services/local-members.js';
import type { Scenario } from '../schemas/scenario.js';

const usage = [
  'usage: npm run analyse -- <analysis> <scenario.json> [options] [--format markdown|json]',
  '  every analysis: [--time-limit <seconds per member solve>]',
  '  frontier <scenario.json> --from <share> --to <share> --points <n> [--targets id,id]',
  '  alternatives <scenario.json> --slacks 0.02,0.05 [--senses min,max] [--share JP:magnet --share IN:magnet] [--capacity US:magnet] [--spending funder]',
  '  compare <before.json> <after.json> [--attribution auto|shapley|one_at_a_time]   (solves both, explains the cost difference)',
  '  stress-test <scenario.json> [--disruptions id,id] [--compare <other-scenario.json>] [--members US,JP]   (solves the scenario(s), fixes the builds)',
].join('\n');

class UsageError extends Error {}

const number = (value: string | undefined, name: string): number => {
  const n = Number(value);
  if (value === undefined || !Number.isFinite(n)) throw new UsageError(`--${name} needs a number`);
  return n;
};

function readScenario(file: string): Scenario {
  const scenario = parseScenario(JSON.parse(readFileSync(file, 'utf8')));
  checkScenario(scenario, loadDataset(scenario.datasetId));
  return scenario;
}

const failOn = (errors: FieldError[]) => {
  if (errors.length) throw new ScenarioError(errors.map((e) => ({ path: e.path, message: e.message })));
};

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      points: { type: 'string' },
      targets: { type: 'string' },
      disruptions: { type: 'string' },
      compare: { type: 'string' },
      members: { type: 'string' },
      slacks: { type: 'string' },
      share: { type: 'string', multiple: true },
      capacity: { type: 'string', multiple: true },
      spending: { type: 'string', multiple: true },
      attribution: { type: 'string', default: 'auto' },
      'time-limit': { type: 'string' },
      senses: { type: 'string' },
      format: { type: 'string', default: 'markdown' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help || !positionals.length) {
    process.stdout.write(`${usage}\n`);
    return values.help ? 0 : 2;
  }
  const [kind, file] = positionals;
  if (!file) throw new UsageError('expected a scenario file');
  const scenario = readScenario(file);
  if (values['time-limit']) scenario.solver = { ...scenario.solver, timeLimitSeconds: number(values['time-limit'], 'time-limit') };
  const solve = localMembers(loadDataset, (m, i, n) => process.stderr.write(`member ${i + 1}/${n} ${m.label}: ${m.portfolio?.status ?? m.status}\n`));
  const json = values.format === 'json';
  if (kind === 'frontier') {
    const input = {
      scenario,
      targets: values.targets ? values.targets.split(',') : undefined,
      from: number(values.from, 'from'),
      to: number(values.to, 'to'),
      points: Math.round(number(values.points, 'points')),
    };
    failOn(checkFrontier(input));
    const result = await runFrontier(input, solve);
    process.stdout.write(
      json ? `${JSON.stringify(result, null, 2)}\n` : frontierMarkdown(result, { title: 'Cost-of-independence frontier', scenarioName: scenario.name }),
    );
    return 0;
  }
  if (kind === 'compare') {
    const afterFile = positionals[2];
    if (!afterFile) throw new UsageError('compare needs two scenario files');
    const after = readScenario(afterFile);
    const changes = diffInputs(scenario, after);
    const method = values.attribution === 'auto' ? (changes.length <= SHAPLEY_MAX_CHANGES ? 'shapley' : 'one_at_a_time') : values.attribution;
    if (method !== 'shapley' && method !== 'one_at_a_time') throw new UsageError(`--attribution is auto, shapley or one_at_a_time, not '${method}'`);
    const [a, b] = await solve([
      { label: 'before', scenario },
      { label: 'after', scenario: after },
    ]);
    if (!a?.portfolio || !b?.portfolio) throw new Error('a scenario could not be solved');
    const attribution = await runExplain(
      { before: { portfolioId: 'before', scenario, portfolio: a.portfolio }, after: { portfolioId: 'after', scenario: after, portfolio: b.portfolio }, method },
      solve,
    );
    const comparison = comparePortfolios([
      { id: 'before', scenarioId: 'before', portfolio: a.portfolio },
      { id: 'after', scenarioId: 'after', portfolio: b.portfolio },
    ]);
    const result = {
      inputDifference: toInputChanges(changes),
      costDifference: comparison.costBreakdown.map((c) => ({
        category: c.category,
        beforeUsd: c.values[0]!.usd,
        afterUsd: c.values[1]!.usd,
        deltaUsd: c.values[1]!.deltaUsd,
      })),
      decisionDifference: comparison.buildDifferences,
      attribution,
    };
    process.stdout.write(
      json
        ? `${JSON.stringify(result, null, 2)}\n`
        : explainMarkdown(result, { title: 'Why the plan changed', scenarioName: `${scenario.name} → ${after.name}` }),
    );
    return 0;
  }
  if (kind === 'alternatives') {
    const dataset = loadDataset(scenario.datasetId);
    const stages = dataset.meta.chain.stages.map((s) => s.id);
    const stage = (v: string | undefined): string => {
      if (v === undefined || !stages.includes(v)) throw new UsageError(`a stage of dataset ${dataset.meta.id} is ${stages.join(', ')}, not '${v}'`);
      return v;
    };
    const quantities: AlternativeQuantity[] = [
      ...(values.share ?? []).map((v) => {
        const [countries, st] = v.split(':');
        return { id: `${countries!.replace(/,/g, '_')}_${st}_share`, kind: 'capacity_share' as const, countries: countries!.split(','), stage: stage(st) };
      }),
      ...(values.capacity ?? []).map((v) => {
        const [countries, st] = v.split(':');
        return { id: `${countries!.replace(/,/g, '_')}_${st}_capacity`, kind: 'new_capacity' as const, countries: countries!.split(','), stages: [stage(st)] };
      }),
      ...(values.spending ?? []).map((f) => ({ id: `${f}_spending`, kind: 'public_spending' as const, funders: [f] })),
    ];
    if (!quantities.length) throw new UsageError('name at least one --share, --capacity or --spending');
    const input = {
      scenario,
      slacks: (values.slacks ?? '0.05').split(',').map(Number),
      quantities,
      senses: (values.senses ?? 'min,max').split(',') as Array<'min' | 'max'>,
      maxIterations: DEFAULT_ITERATIONS,
    };
    failOn(checkAlternatives(input, dataset));
    const result = await runAlternatives(input, solve);
    process.stdout.write(
      json ? `${JSON.stringify(result, null, 2)}\n` : alternativesMarkdown(result, { title: 'Near-optimal alternatives', scenarioName: scenario.name }),
    );
    return 0;
  }
  if (kind === 'stress-test') {
    const dataset = loadDataset(scenario.datasetId);
    const library = libraryFor(dataset.meta.id);
    const ids = values.disruptions ? values.disruptions.split(',') : library.map((d) => d.id);
    const disruptions = ids.map((id, i) => {
      const d = library.find((x) => x.id === id);
      if (!d) throw new ScenarioError([{ path: `disruptions[${i}]`, message: `no disruption '${id}' in the library of '${dataset.meta.id}'` }]);
      return d;
    });
    const scenarios = [scenario, ...(values.compare ? [readScenario(values.compare)] : [])];
    const portfolios = [];
    for (const [k, s] of scenarios.entries()) {
      process.stderr.write(`solving ${s.name}\n`);
      const portfolio = await planScenario(s, loadDataset(s.datasetId), { skipBaseline: true });
      if (portfolio.status !== 'optimal') throw new Error(`${s.name}: ${portfolio.status}`);
      portfolios.push({ portfolioId: `portfolio-${k + 1}`, scenarioId: `scenario-${k + 1}`, scenario: s, portfolio });
    }
    for (const [i, d] of disruptions.entries()) for (const p of portfolios) failOn(checkDisruption(d, dataset, p.portfolio.horizon, `disruptions[${i}]`));
    const members = values.members ? values.members.split(',') : defaultMembers(scenario, dataset);
    const result = await runStressTest({ portfolios, disruptions, members }, solve);
    process.stdout.write(json ? `${JSON.stringify(result, null, 2)}\n` : stressTestMarkdown(result, { title: 'Stress test', scenarioName: scenario.name }));
    return 0;
  }
  throw new UsageError(`unknown analysis '${kind}'`);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n${usage}\n`);
      process.exit(2);
    }
    if (error instanceof ScenarioError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
