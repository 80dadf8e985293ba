/** Model export: CPLEX LP and free MPS writers with one shared, reversible naming scheme. */
export { writeLp, type ExportOptions } from './lp.js';
export { writeMps } from './mps.js';
export { fromFileName, toFileName, OBJECTIVE_NAME, RANGE_COLUMN_PREFIX } from './names.js';

export type ExportFormat = 'lp' | 'mps';
