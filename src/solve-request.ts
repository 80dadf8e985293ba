/**
 * One solve along its whole path, as one type: the job service forms a `SolveRequest` from a stored
 * scenario and the request's option overrides (the HTTP body, `SolveOptions`), and the same value
 * travels through the queue (`SolveTask`), the pool and the worker message (`WorkerTask`) to the
 * planner (`planRequest`). A worker process of a shared deployment rebuilds it from the job row
 * (`requestFromRow`). The solver-level options of one solver call are a different thing,
 * `SolverRunOptions` (src/solver/types.ts), derived by the planner.
 */
import type { EffectiveSolverOptions, JobPhase, SolveOptions } from './schemas/api/jobs.js';
import type { Scenario } from './schemas/scenario.js';

/** Phases of a solve, in order: the worker reports each to the pool, the job row records it. */
export type PlanPhase = 'formulating' | 'solving' | 'baseline' | 'reporting';
export const PLAN_PHASES: readonly PlanPhase[] = ['formulating', 'solving', 'baseline', 'reporting'];
/** Every plan phase is a job phase (the job adds `queued` and `finished`): checked by the compiler. */
const _planPhasesAreJobPhases: readonly JobPhase[] = PLAN_PHASES;
void _planPhasesAreJobPhases;

export interface SolveRequest {
  /** The scenario with the request's solver options applied: its `solver` is what the solve uses. */
  readonly scenario: Scenario;
  /** Skip the no-new-builds baseline solve (faster; baseline shares come back null). */
  readonly skipBaseline: boolean;
  /**
   * A member solve of an analysis (a frontier point, a stress-test disruption, an alternative): its
   * report keeps what the solve itself gives and runs no extra solves (`report.memberReport`).
   */
  readonly member: boolean;
}

/** The solve of `scenario` with the request's overrides applied; anything left out keeps the scenario's value. */
export function solveRequest(scenario: Scenario, overrides: SolveOptions = {}, member = false): SolveRequest {
  const { skipBaseline, ...solver } = overrides;
  return { scenario: { ...scenario, solver: { ...scenario.solver, ...solver } }, skipBaseline: skipBaseline ?? false, member };
}

/** The options a job row records for a request (and a repeated request is matched by). */
export function effectiveOptions(request: SolveRequest): EffectiveSolverOptions {
  return { ...request.scenario.solver, skipBaseline: request.skipBaseline };
}

/** The request a job row describes: the stored scenario with the row's effective options. */
export function requestFromRow(scenario: Scenario, options: EffectiveSolverOptions, member: boolean): SolveRequest {
  const { skipBaseline, ...solver } = options;
  return { scenario: { ...scenario, solver }, skipBaseline, member };
}
