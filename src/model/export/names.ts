/**
 * Names in exported LP and MPS files, and the way back.
 *
 * The model's names (`ship[ndpr_oxide,trusted,AU,US,2030]`: product, origin, from, to, year; the
 * forms of all families are in models/names.md) use `[` and `]`, which the CPLEX LP format does not
 * allow in a name, and dataset ids may contain `-`, an operator in LP. Both files
 * therefore carry the same escaped form of every name, so a row or column can be looked up by one
 * string in either file and in an external solver's solution file:
 *
 *     ship[ndpr_oxide,trusted,AU,US,2030]   →   ship(ndpr_oxide,trusted,AU,US,2030)
 *     capacity[sep-2,2031]                  →   capacity(sep%2D2,2031)
 *
 * Encoding, character by character:
 * - `[` becomes `(` and `]` becomes `)`;
 * - letters, digits, `_`, `.` and `,` stay as they are;
 * - every other character (including `(`, `)`, `%`, `-`, spaces and anything beyond ASCII) becomes
 *   `%HH` for each byte of its UTF-8 encoding, upper-case hex, as in a URL;
 * - the first character is also written as `%HH` when the name would otherwise start with a digit
 *   or a period (CPLEX forbids both), start with `inf` or `nan` (HiGHS' LP reader reads those
 *   letters as a number), be `e`/`E` alone or followed by a digit (CPLEX reads exponents), or be a
 *   reserved word: an LP keyword such as `end`, `free` or `st`, an MPS section or set name such as
 *   `RHS`, or `total_cost`, the objective's name in both files.
 * The result uses only letters, digits and `_ . , ( ) %`, a subset of what CPLEX, HiGHS and GLPK
 * accept in LP names, and contains no white space, so it is also a valid free-MPS name.
 *
 * Decoding turns `%HH` sequences back into bytes (read as UTF-8), `(` into `[` and `)` into `]`;
 * since the encoder never writes a literal `%`, `(` or `)`, the mapping is exact both ways.
 * Decoding rejects characters the encoder never writes. CPLEX limits names to 255 characters; the
 * model's names are well below that (64 at most in the shipped scenarios), but an id made of many
 * non-ASCII characters could pass it.
 */

const VERBATIM = /^[A-Za-z0-9_.,]$/;
const HEX = '0123456789ABCDEF';

/**
 * Words a name must not be, compared in lower case: LP section and value keywords (HiGHS, CPLEX,
 * GLPK), MPS section names, the set names our MPS files use (`RHS`, `RNG`, `BND`: HiGHS misreads
 * an RHS line when a row is called `RHS`), `MARKER`, and the objective's name.
 */
const RESERVED = new Set([
  'minimize',
  'minimum',
  'min',
  'maximize',
  'maximum',
  'max',
  'subject',
  'such',
  'st',
  's.t.',
  'st.',
  'bounds',
  'bound',
  'general',
  'generals',
  'gen',
  'integer',
  'integers',
  'int',
  'binary',
  'binaries',
  'bin',
  'semi-continuous',
  'semi',
  'semis',
  'sos',
  'end',
  'free',
  'infinity',
  'inf',
  'name',
  'objsense',
  'objsence',
  'objname',
  'rows',
  'columns',
  'rhs',
  'ranges',
  'endata',
  'quadobj',
  'qmatrix',
  'qsection',
  'qcmatrix',
  'cone',
  'indicators',
  'lazycons',
  'usercuts',
  'rng',
  'bnd',
  'marker',
  'total_cost',
]);

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

function percent(text: string): string {
  let out = '';
  for (const byte of encoder.encode(text)) out += `%${HEX[byte >> 4]}${HEX[byte & 15]}`;
  return out;
}

function needsGuard(escaped: string): boolean {
  return /^[0-9.]/.test(escaped) || /^(inf|nan)/i.test(escaped) || /^e([0-9]|$)/i.test(escaped) || RESERVED.has(escaped.toLowerCase());
}

/** The name as written in LP and MPS files. Throws for an empty name or a lone UTF-16 surrogate. */
export function toFileName(name: string): string {
  if (name.length === 0) throw new Error('an exported name cannot be empty');
  let out = '';
  for (const char of name) {
    if (/^[\uD800-\uDFFF]$/.test(char)) throw new Error(`name ${JSON.stringify(name)} has a lone UTF-16 surrogate`);
    if (char === '[') out += '(';
    else if (char === ']') out += ')';
    else if (VERBATIM.test(char)) out += char;
    else out += percent(char);
  }
  if (needsGuard(out)) {
    const first = String.fromCodePoint(name.codePointAt(0)!);
    // Only a verbatim first character can make a guard necessary, and it is one byte long.
    out = percent(first) + out.slice(first.length);
  }
  return out;
}

/** The model name a file name stands for; throws when the text is not something `toFileName` writes. */
export function fromFileName(fileName: string): string {
  const bytes: number[] = [];
  let out = '';
  const flush = () => {
    if (!bytes.length) return;
    try {
      out += decoder.decode(Uint8Array.from(bytes));
    } catch {
      throw new Error(`name ${JSON.stringify(fileName)} has a %-sequence that is not UTF-8`);
    }
    bytes.length = 0;
  };
  for (let i = 0; i < fileName.length; i++) {
    const char = fileName[i]!;
    if (char === '%') {
      const hex = fileName.slice(i + 1, i + 3);
      if (!/^[0-9A-F]{2}$/.test(hex)) throw new Error(`name ${JSON.stringify(fileName)} has a malformed %-sequence at ${i}`);
      bytes.push(parseInt(hex, 16));
      i += 2;
      continue;
    }
    flush();
    if (char === '(') out += '[';
    else if (char === ')') out += ']';
    else if (VERBATIM.test(char)) out += char;
    else throw new Error(`name ${JSON.stringify(fileName)} has a character an export never writes: ${JSON.stringify(char)}`);
  }
  flush();
  if (!out) throw new Error('an exported name cannot be empty');
  return out;
}

/** Name of the objective in both files; reserved, so no encoded model name can be this. */
export const OBJECTIVE_NAME = 'total_cost';

/**
 * Prefix of the helper column an LP file uses for a ranged row (see lp.ts); `~` never occurs in an
 * encoded model name, so these columns cannot clash with the model's own.
 */
export const RANGE_COLUMN_PREFIX = 'range~';

/** Numbers as the shortest text that reads back as the same double. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`cannot write the non-finite number ${value}`);
  return Object.is(value, -0) ? '0' : String(value);
}
