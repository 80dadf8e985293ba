/** Solving: the solve request (options, query, inline scenario) and the job it creates. */
import { z } from 'zod';
import { AlgorithmSchema, BackendSchema, ScenarioSchema } from '../scenario.js';
import { JobIdSchema, PortfolioIdSchema, ScenarioIdSchema, Timestamp } from './common.js';

export const SolveOptionsSchema = z
  .object({
    backend: BackendSchema.optional(),
    timeLimitSeconds: z.number().positive().max(3600).optional().describe('Wall-clock limit for each solve (portfolio and baseline), seconds.'),
    mipRelGap: z.number().min(0).max(0.1).optional(),
    algorithm: AlgorithmSchema.optional(),
    lumpyBuilds: z.boolean().optional(),
    skipBaseline: z.boolean().optional().describe('Skip the no-new-builds baseline solve (faster; baseline shares come back null).'),
  })
  .strict()
  .describe("Overrides for the scenario's solver options; anything left out keeps the scenario's value.");
export type SolveOptions = z.infer<typeof SolveOptionsSchema>;

export const SolveQuerySchema = z
  .object({
    wait: z.coerce
      .number()
      .min(0)
      .max(600)
      .default(0)
      .describe('Seconds to wait for the portfolio before answering 202 with the job (capped by the server, 60 s by default).'),
    fresh: z
      .enum(['true', 'false'])
      .default('false')
      .transform((v) => v === 'true')
      .describe(
        'Solve again even when this stored scenario was already solved with the same effective options. Without it (`false`), ' +
          'such a request answers 200 at once with the existing portfolio (a solve of the same scenario and options gives the same answer).',
      ),
  })
  .strict();

export const InlineSolveBodySchema = z.object({ scenario: ScenarioSchema, options: SolveOptionsSchema.optional() }).strict();

export const JobStatusSchema = z.enum(['queued', 'running', 'done', 'failed', 'cancelled']);
export type JobStatus = z.infer<typeof JobStatusSchema>;
export const JobPhaseSchema = z.enum(['queued', 'formulating', 'solving', 'baseline', 'reporting', 'finished']);
export type JobPhase = z.infer<typeof JobPhaseSchema>;

export const JobErrorCodeSchema = z.enum([
  'invalid_scenario',
  'solve_error',
  'worker_crashed',
  'time_limit',
  'interrupted',
  'worker_lost',
  'unavailable',
  'cancelled',
  'shutdown',
]);
export type JobErrorCode = z.infer<typeof JobErrorCodeSchema>;

export const JobErrorSchema = z.object({
  code: JobErrorCodeSchema,
  message: z.string(),
});
export type JobError = z.infer<typeof JobErrorSchema>;

export const EffectiveSolverOptionsSchema = z.object({
  backend: BackendSchema,
  timeLimitSeconds: z.number(),
  mipRelGap: z.number(),
  algorithm: AlgorithmSchema,
  lumpyBuilds: z.boolean(),
  skipBaseline: z.boolean(),
});
export type EffectiveSolverOptions = z.infer<typeof EffectiveSolverOptionsSchema>;

export const JobSchema = z.object({
  id: JobIdSchema,
  scenarioId: ScenarioIdSchema,
  kind: z.enum(['solve', 'group']).describe('`group`: a parent job (an analysis) that finishes when its member solves have.'),
  parentId: JobIdSchema.nullable().describe('The group this solve is a member of.'),
  status: JobStatusSchema,
  attempts: z.number().int().min(0).describe('Times a worker started this job; more than one after a worker was lost and the job retried.'),
  progress: z.object({
    phase: JobPhaseSchema,
    fraction: z.number().min(0).max(1).describe('Rough share of the work done, from the phase.'),
  }),
  options: EffectiveSolverOptionsSchema.describe('The solver options this job runs with.'),
  error: JobErrorSchema.nullable().describe('Why the job failed or was cancelled.'),
  portfolioId: PortfolioIdSchema.nullable(),
  createdAt: Timestamp,
  startedAt: Timestamp.nullable(),
  finishedAt: Timestamp.nullable(),
  links: z.object({ self: z.string(), scenario: z.string(), portfolio: z.string().nullable() }),
});
export type Job = z.infer<typeof JobSchema>;
