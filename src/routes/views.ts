/**
 * How stored records look on the wire: the stored fields plus links to related resources. Kept in
 * one place so every route that returns a scenario, job or portfolio returns the same shape.
 */
import type { PortfolioSummaryRow, RawPortfolio, StoredJob, StoredPortfolio, StoredScenario } from '../store/repository.js';
import type { Job } from '../schemas/api/jobs.js';
import type { PortfolioRecord } from '../schemas/api/portfolios.js';
import type { ScenarioRecord } from '../schemas/api/scenarios.js';
import { PHASE_FRACTION } from '../services/jobs.js';

export const links = {
  scenario: (id: string) => `/scenarios/${id}`,
  job: (id: string) => `/jobs/${id}`,
  portfolio: (id: string) => `/portfolios/${id}`,
  dataset: (id: string) => `/datasets/${id}`,
};

export function scenarioSummaryView(s: StoredScenario): Omit<ScenarioRecord, 'scenario'> {
  return {
    id: s.id,
    name: s.name,
    datasetId: s.datasetId,
    createdAt: s.createdAt,
    links: { self: links.scenario(s.id), solve: `${links.scenario(s.id)}/solve`, portfolios: `/portfolios?scenarioId=${s.id}` },
  };
}

export function scenarioRecordView(s: StoredScenario): ScenarioRecord {
  return { ...scenarioSummaryView(s), scenario: s.scenario };
}

export function jobView(j: StoredJob): Job {
  return {
    id: j.id,
    scenarioId: j.scenarioId,
    kind: j.kind,
    parentId: j.parentId,
    status: j.status,
    attempts: j.attempts,
    progress: { phase: j.phase, fraction: PHASE_FRACTION[j.phase] },
    options: j.options,
    error: j.error,
    portfolioId: j.portfolioId,
    createdAt: j.createdAt,
    startedAt: j.startedAt,
    finishedAt: j.finishedAt,
    links: { self: links.job(j.id), scenario: links.scenario(j.scenarioId), portfolio: j.portfolioId ? links.portfolio(j.portfolioId) : null },
  };
}

const portfolioRecordFields = (p: Omit<StoredPortfolio, 'portfolio'>) => ({
  id: p.id,
  scenarioId: p.scenarioId,
  jobId: p.jobId,
  createdAt: p.createdAt,
  links: { self: links.portfolio(p.id), scenario: links.scenario(p.scenarioId), export: `${links.portfolio(p.id)}/export?format=csv` },
});

export function portfolioRecordView(p: StoredPortfolio): PortfolioRecord {
  return { ...p.portfolio, ...portfolioRecordFields(p) };
}

/**
 * The same record as text, from the stored JSON without parsing it: the record fields are appended
 * as the object's last members (in JSON a later member wins, as the spread above lets them win).
 * One string concatenation whatever the portfolio's size, so serving a large portfolio does not
 * stall the event loop (issue 13).
 */
export function portfolioRecordJson(raw: RawPortfolio): string {
  const { body: stored, ...row } = raw;
  const extras = JSON.stringify(portfolioRecordFields(row));
  const body = stored.trimEnd();
  if (!body.startsWith('{') || !body.endsWith('}')) throw new Error(`portfolio '${raw.id}' is not stored as a JSON object`);
  return body === '{}' ? extras : `${body.slice(0, -1)},${extras.slice(1)}`;
}

export function portfolioSummaryView(row: PortfolioSummaryRow) {
  return { ...row, links: { self: links.portfolio(row.id) } };
}
