/**
 * Member solves in this process, one after another (the CLI and the analyses' unit tests): the same
 * `planRequest` the queue's workers run for a member (no baseline; a member report without extra
 * solves). No ids: nothing is stored.
 */
import type { Dataset } from '../data/schema.js';
import { planRequest, type PlanHooks } from '../planner.js';
import type { MemberOutcome, SolveMembers } from '../analysis/members.js';

export function localMembers(
  datasetFor: (id: string) => Dataset,
  onSolved?: (outcome: MemberOutcome, index: number, total: number) => void,
  /** Planner hooks for every member (benches: `originSplit`). */
  hooks: PlanHooks = {},
): SolveMembers {
  return async (members) => {
    const out: MemberOutcome[] = [];
    for (const [i, member] of members.entries()) {
      let outcome: MemberOutcome;
      try {
        const { portfolio, report } = await planRequest(
          { scenario: member.scenario, skipBaseline: true, member: true },
          datasetFor(member.scenario.datasetId),
          hooks,
        );
        outcome = { label: member.label, scenarioId: null, jobId: null, portfolioId: null, status: 'done', error: null, portfolio, report };
      } catch (error) {
        outcome = {
          label: member.label,
          scenarioId: null,
          jobId: null,
          portfolioId: null,
          status: 'failed',
          error: error instanceof Error ? error.message : String(error),
          portfolio: null,
          report: null,
        };
      }
      out.push(outcome);
      onSolved?.(outcome, i, members.length);
    }
    return out;
  };
}
