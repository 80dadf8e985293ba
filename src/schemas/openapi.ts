/**
 * How the zod schemas become the OpenAPI document. Fastify validates every body, query and path
 * parameter with the schemas in `schemas/api/` (and the engine's own), serialises every response
 * through them, and @fastify/swagger turns them into the document, so the documentation cannot
 * drift from what the service does.
 *
 * The named components are listed once, here, in the order the document lists them (zod's registry
 * keeps insertion order, and the document follows it): registering them where each is defined would
 * make the order depend on which module happens to be imported first.
 */
import { z } from 'zod';
import { DatasetSchema } from '../data/schema.js';
import { ComparisonRequestSchema, ComparisonSchema } from './api/comparisons.js';
import { DatasetSummarySchema } from './api/datasets.js';
import { InlineSolveBodySchema, JobSchema, SolveOptionsSchema } from './api/jobs.js';
import { PortfolioRecordSchema, PortfolioSummarySchema } from './api/portfolios.js';
import { FieldErrorSchema, ProblemSchema } from './api/problem.js';
import { ScenarioRecordSchema, ScenarioSummarySchema } from './api/scenarios.js';
import { HealthSchema, VersionSchema } from './api/system.js';
import {
  BudgetUseSchema,
  BuildSchema,
  CostBreakdownSchema,
  DependencyTrajectorySchema,
  FlowSchema,
  ModelStatsSchema,
  PortfolioSchema,
  ProductionSchema,
  SolverInfoSchema,
} from './portfolio.js';
import { BudgetSchema, OverridesSchema, ScenarioSchema, SolverOptionsSchema, TargetSchema } from './scenario.js';

/**
 * Registers a schema as a named OpenAPI component. Registration is skipped when the schema (or the
 * id) is already registered, so the engine may name its own schemas later without a clash.
 */
function component<T extends z.ZodType>(schema: T, id: string, description?: string): T {
  if (z.globalRegistry.get(schema)?.id) return schema;
  try {
    z.globalRegistry.add(schema, { id, ...(description ? { description } : {}) });
  } catch {
    // Another schema already owns this id; the document then inlines this one, which is still correct.
  }
  return schema;
}

/** Names the components of the OpenAPI document (idempotent); `buildApp` calls it before @fastify/swagger reads them. */
export function registerComponents(): void {
  // Engine schemas reused by the API, named so the document references them instead of repeating them.
  component(ScenarioSchema, 'Scenario', 'A planning scenario: dataset, horizon, overrides, targets, budgets and solver options.');
  component(SolverOptionsSchema, 'SolverOptions');
  component(OverridesSchema, 'Overrides');
  component(TargetSchema, 'Target');
  component(BudgetSchema, 'Budget');
  component(PortfolioSchema, 'Portfolio', 'The least-cost plant portfolio for one scenario.');
  component(CostBreakdownSchema, 'CostBreakdown');
  component(BuildSchema, 'Build');
  component(FlowSchema, 'Flow');
  component(ProductionSchema, 'Production');
  component(DependencyTrajectorySchema, 'DependencyTrajectory');
  component(BudgetUseSchema, 'BudgetUse');
  component(ModelStatsSchema, 'ModelStats');
  component(SolverInfoSchema, 'SolverInfo');
  component(DatasetSchema, 'Dataset', 'A reference dataset with the sources of every record.');
  // The API's own resources (schemas/api/).
  component(FieldErrorSchema, 'FieldError');
  component(ProblemSchema, 'Problem', 'An error response (`application/problem+json`, RFC 9457).');
  component(HealthSchema, 'Health');
  component(VersionSchema, 'Version');
  component(DatasetSummarySchema, 'DatasetSummary');
  component(ScenarioSummarySchema, 'ScenarioSummary');
  component(ScenarioRecordSchema, 'ScenarioRecord');
  component(SolveOptionsSchema, 'SolveOptions');
  component(InlineSolveBodySchema, 'InlineSolve');
  component(JobSchema, 'Job');
  component(PortfolioRecordSchema, 'PortfolioRecord');
  component(PortfolioSummarySchema, 'PortfolioSummary');
  component(ComparisonRequestSchema, 'ComparisonRequest');
  component(ComparisonSchema, 'Comparison');
}

/**
 * A copy of `schema` carrying one example and a description. The copy is not a named component, so
 * each route gets its own example while nested named components are still referenced.
 */
export function documented<T extends z.ZodType>(schema: T, example: unknown, description: string): T {
  // A copy made by `.meta()` keeps a link to its parent, and zod renders a copy of a named component
  // as `$ref` plus siblings, which @fastify/swagger drops. `.extend({})` builds an unlinked object
  // schema with the same shape and strictness, so the example stays next to the schema it belongs to.
  const base = schema instanceof z.ZodObject ? (schema.extend({}) as unknown as T) : schema;
  return base.meta({ description, examples: [example] }) as T;
}
