/** A readable plain-text summary of a portfolio (the CLI's `--format text`). */
import type { Portfolio } from '../schemas/portfolio.js';

const usd = (v: number | null | undefined) =>
  v === null || v === undefined ? '—' : Math.abs(v) >= 1e9 ? `USD ${(v / 1e9).toFixed(2)} B` : Math.abs(v) >= 1e6 ? `USD ${(v / 1e6).toFixed(1)} M` : `USD ${v.toFixed(0)}`;
const pct = (v: number | null) => (v === null ? '  —  ' : `${(v * 100).toFixed(1).padStart(5)}%`);
const t = (v: number) => `${v.toLocaleString('en-US', { maximumFractionDigits: 0 })} t`;

export function portfolioText(p: Portfolio): string {
  const lines: string[] = [];
  lines.push(`Scenario: ${p.scenarioName} (dataset ${p.datasetId}, ${p.horizon.startYear}-${p.horizon.endYear})`);
  lines.push(`Status: ${p.status}${p.message ? ` — ${p.message}` : ''}`);
  lines.push(`Model: ${p.model.rows} rows × ${p.model.columns} columns, ${p.model.nonzeros} nonzeros, ${p.model.integerColumns} integer; built in ${p.model.buildMs.toFixed(0)} ms`);
  lines.push(`Solver: ${p.solver.name} ${p.solver.version}${p.solver.algorithm ? ` (${p.solver.algorithm})` : ''}, ${p.solver.solveMs.toFixed(0)} ms`);
  if (p.verification) lines.push(`Verified: max relative row violation ${p.verification.maxRelativeViolation.toExponential(1)}`);
  if (p.status !== 'optimal') return lines.join('\n') + '\n';
  lines.push('', `Total discounted cost: ${usd(p.totalCostUsd)}`);
  if (p.costBreakdown) {
    for (const [key, value] of Object.entries(p.costBreakdown)) if (Math.abs(value) > 0.5) lines.push(`  ${key.replace(/Usd$/, '').padEnd(18)} ${usd(value)}`);
  }
  lines.push('', `Builds (${p.builds.length}):`);
  for (const b of p.builds) {
    const funders = b.funding.map((f) => `${f.funder} ${usd(f.usd)}`).join(', ');
    lines.push(`  ${b.plant.padEnd(32)} ${b.country} ${b.stage.padEnd(10)} ${t(b.capacityTpa).padStart(10)}/yr  start ${b.buildYear}, online ${b.onlineYear}, capex ${usd(b.capexUsd)}${funders ? `; funded by ${funders}` : ''}`);
  }
  if (p.unservedT > 1e-6) lines.push('', `Unserved demand: ${t(p.unservedT)} over the horizon`);
  for (const d of p.dependency) {
    lines.push('', `Target ${d.target}: ${d.bloc.join('+')} ${d.product} ≤ ${(d.maxUntrustedShare * 100).toFixed(0)}% untrusted from ${d.fromYear}${d.hard ? ' (hard)' : ''}`);
    lines.push('  year  limit  baseline  portfolio  shortfall');
    for (const point of d.points) {
      lines.push(`  ${point.year}  ${point.limit === null ? '  —  ' : pct(point.limit)}  ${pct(point.baselineShare)}    ${pct(point.portfolioShare)}  ${point.shortfallT > 1e-6 ? t(point.shortfallT) : point.met === null ? '' : 'met'}`);
    }
  }
  const used = p.budgets.filter((b) => b.usedUsd > 0.5);
  if (used.length) {
    lines.push('', 'Budget use:');
    for (const b of used) lines.push(`  ${b.funder.padEnd(12)} ${b.year}  ${usd(b.usedUsd)}`);
  }
  return lines.join('\n') + '\n';
}
