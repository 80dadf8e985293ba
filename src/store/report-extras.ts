/**
 * A stored report whose extra sections (issue 13) will not come: the core report with
 * `extras.status` failed and why. For a solve worker that crashed, overran or was stopped while it
 * computed them, or a process that stopped meanwhile: the rare path, and the one parse of a report
 * on the main thread.
 */
import type { Report } from '../schemas/report.js';

export function extrasFailedReport(reportJson: string, message: string): string {
  const report = JSON.parse(reportJson) as Report;
  return JSON.stringify({ ...report, extras: { status: 'failed', message } });
}
