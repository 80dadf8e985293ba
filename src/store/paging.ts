/**
 * Keyset and offset paging over tables with an increasing `seq` column, newest first. Cursors are
 * the last `seq` seen, base64url-encoded so clients treat them as opaque and do not build their own.
 */
export interface PageRequest {
  limit: number;
  offset?: number | undefined;
  cursor?: string | undefined;
}

export interface Page<T> {
  rows: T[];
  total: number;
  limit: number;
  offset: number | null;
  nextCursor: string | null;
}

export const encodeCursor = (seq: number) => Buffer.from(`s${seq}`, 'utf8').toString('base64url');

/** Returns the seq a cursor stands for, or null when the text is not a cursor this API issued. */
export function decodeCursor(cursor: string): number | null {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^s(\d{1,15})$/.exec(text);
  return match ? Number(match[1]) : null;
}
