/**
 * CSV export of a portfolio's builds and flows (RFC 4180: comma separated, CRLF line ends, fields
 * quoted when they hold a comma, quote or line break). Text cells that a spreadsheet would run as
 * a formula are prefixed with an apostrophe; numbers are written as they are.
 */
import type { Portfolio } from '../schemas/portfolio.js';

export type CsvTable = 'all' | 'builds' | 'flows';

type Cell = string | number | null | undefined;

const BUILD_COLUMNS = [
  'plant',
  'name',
  'country',
  'stage',
  'status',
  'buildYear',
  'onlineYear',
  'capacityTpa',
  'capexUsd',
  'publicUsd',
  'privateUsd',
  'funding',
] as const;
const FLOW_COLUMNS = ['kind', 'product', 'origin', 'from', 'to', 'year', 'tonnes', 'source', 'plant'] as const;

export function csvCell(value: Cell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  let text = value;
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const line = (cells: readonly Cell[]) => `${cells.map(csvCell).join(',')}\r\n`;

function buildRows(portfolio: Portfolio): Array<Record<string, Cell>> {
  return portfolio.builds.map((b) => {
    const publicUsd = b.funding.reduce((sum, f) => sum + f.usd, 0);
    return {
      plant: b.plant,
      name: b.name,
      country: b.country,
      stage: b.stage,
      status: b.status,
      buildYear: b.buildYear,
      onlineYear: b.onlineYear,
      capacityTpa: b.capacityTpa,
      capexUsd: b.capexUsd,
      publicUsd,
      privateUsd: b.privateUsd,
      funding: b.funding.map((f) => `${f.funder}:${f.usd}`).join(';'),
    };
  });
}

function flowRows(portfolio: Portfolio): Array<Record<string, Cell>> {
  return portfolio.flows.map((f) => ({ ...f }));
}

export function portfolioCsv(portfolio: Portfolio, table: CsvTable): string {
  if (table === 'builds') {
    return (
      line(BUILD_COLUMNS) +
      buildRows(portfolio)
        .map((row) => line(BUILD_COLUMNS.map((c) => row[c])))
        .join('')
    );
  }
  if (table === 'flows') {
    return (
      line(FLOW_COLUMNS) +
      flowRows(portfolio)
        .map((row) => line(FLOW_COLUMNS.map((c) => row[c])))
        .join('')
    );
  }
  const columns = ['record', ...new Set<string>([...BUILD_COLUMNS, ...FLOW_COLUMNS])];
  const rows = [
    ...buildRows(portfolio).map((row) => ({ record: 'build', ...row })),
    ...flowRows(portfolio).map((row) => ({ record: 'flow', ...row })),
  ] as Array<Record<string, Cell>>;
  return line(columns) + rows.map((row) => line(columns.map((c) => row[c]))).join('');
}
