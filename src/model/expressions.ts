/**
 * Custom constraints written as text (issue 16): `capacity("IN", "magnet", 2030) >= 0.25 *
 * capacity(bloc("QUAD"), "magnet", 2030)`. The text is parsed with `mathjs.parse` into a syntax
 * tree, and this module walks that tree into a linear form: a list of (coefficient, model quantity)
 * terms plus a constant, compared with 0. User text is never evaluated: only the node types listed
 * below are accepted, every name is looked up in a closed vocabulary, and anything else is an
 * `ExpressionError` with the character position and what was expected there.
 *
 * The grammar, vocabulary and units are documented in models/expressions.md; the rows the
 * formulation builds from a parsed constraint are in concepts/custom.ts.
 *
 * Units: a number may carry a unit (`2.5 kt/yr`, `110 USD/kg`, `3 GUSD`) understood by mathjs'
 * unit system with two units added (`USD`, with SI prefixes; `yr`, one year). Such a constant is
 * converted to the model's own units (t, t/yr, USD, USD/t) when the tree is walked. Quantities carry
 * their unit, and adding or comparing a tonnage with money is an error. Time exponents are used for
 * the conversion only: every quantity is per year, so `t` and `t/yr` are the same dimension.
 */
import type { MathNode, create as CreateMath } from 'mathjs';

/** Longest expression accepted, in characters. */
export const MAX_EXPRESSION_LENGTH = 1000;
/** Deepest nesting of parentheses and brackets accepted. */
export const MAX_NESTING = 32;

export const QUANTITIES = {
  capacity: { args: ['where', 'stage'], unit: 't/yr', meaning: 'capacity available in the year: existing capacity plus builds online (with their ramp-up)' },
  new_capacity: { args: ['where', 'stage'], unit: 't/yr', meaning: 'capacity from new builds online in the year (with their ramp-up)' },
  builds: { args: ['where', 'stage'], unit: 't/yr', meaning: 'capacity whose construction starts in the year' },
  production: { args: ['where', 'product'], unit: 't', meaning: 'tonnes of the products made' },
  flow: { args: ['from', 'to', 'product'], unit: 't', meaning: 'tonnes shipped from one set of countries to another (both origins)' },
  purchases: { args: ['where', 'product'], unit: 't', meaning: 'tonnes bought from the rival supplier, delivered to the countries' },
  spending: { args: ['funder'], unit: 'USD', meaning: "funders' payments towards construction (undiscounted USD)" },
  consumption: {
    args: ['where', 'product'],
    unit: 't',
    meaning: 'tonnes used by the countries: market deliveries of final products, plant inputs of intermediates',
  },
  untrusted_use: { args: ['where', 'product'], unit: 't', meaning: 'the untrusted-content part of consumption' },
  unserved: { args: ['where', 'product'], unit: 't', meaning: 'final demand left unserved' },
} as const;
export type QuantityKind = keyof typeof QUANTITIES;

/** Everything the parser needs to know about the scenario's world. */
export interface Vocabulary {
  readonly countries: ReadonlySet<string>;
  /** Country group (quad, partner, rival) → countries. */
  readonly groups: ReadonlyMap<string, readonly string[]>;
  readonly trusted: ReadonlySet<string>;
  /** Plant id → country and stage (every plant of the dataset). */
  readonly plants: ReadonlyMap<string, { readonly country: string; readonly stage: string }>;
  /** Product id → stage. */
  readonly products: ReadonlyMap<string, string>;
  readonly funders: ReadonlySet<string>;
  /** Target id → its bloc. */
  readonly targets: ReadonlyMap<string, readonly string[]>;
  readonly startYear: number;
  readonly endYear: number;
}

export type Sense = '>=' | '<=' | '==';

/** One call of a quantity function, resolved to ids. */
export interface QuantityCall {
  readonly kind: QuantityKind;
  /** Countries (where, or from for flows); plants named directly (capacity, builds, production). */
  readonly countries: readonly string[];
  readonly plants: readonly string[];
  /** flow only: destination countries. */
  readonly to: readonly string[];
  /** Stages (capacity, builds) or products (the others). */
  readonly stages: readonly string[];
  readonly products: readonly string[];
  readonly funders: readonly string[];
  /** Years summed over; null when omitted (the row's year). */
  readonly years: readonly number[] | null;
  /** The call as written (from the tree), for messages. */
  readonly text: string;
}

export interface LinearTerm {
  readonly coefficient: number;
  readonly call: QuantityCall;
}

/** `Σ coefficient · quantity + constant  (sense)  0`, in model units. */
export interface ParsedConstraint {
  readonly sense: Sense;
  readonly terms: readonly LinearTerm[];
  readonly constant: number;
  /** True when some quantity omits its year: one row per horizon year. */
  readonly perYear: boolean;
  /** The row's unit: t/yr, t or USD. */
  readonly unit: string;
  /** The two sides as mathjs prints them, for remedies that restate the condition. */
  readonly left: string;
  readonly right: string;
}

export class ExpressionError extends Error {
  constructor(
    /** 1-based character position in the expression. */
    readonly position: number,
    readonly problem: string,
    readonly expected: string,
  ) {
    super(`at character ${position}: ${problem}; expected ${expected}`);
    this.name = 'ExpressionError';
  }
}

// ---------------------------------------------------------------------------------------------
// mathjs: a private instance with the model's units; only parse and Unit are used. It is loaded
// on first use: evaluating the mathjs module costs ~1.3 s of CPU (2.5 s as ESM), which every
// process and solver worker paid at start although most never parse an expression.
// ---------------------------------------------------------------------------------------------

/**
 * Requires mathjs synchronously (parsing is called from zod refinements, which are synchronous).
 * `process.getBuiltinModule` (Node >= 20.16) instead of an `import 'node:module'`: this file is
 * type-checked with the browser code too (through the scenario schema), which has no Node types.
 */
function loadMathjs(): typeof import('mathjs') {
  type NodeModule = { createRequire(url: string): (id: string) => unknown };
  const host = globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } };
  const nodeModule = host.process?.getBuiltinModule?.('node:module') as NodeModule | undefined;
  if (!nodeModule) throw new Error('custom expressions need Node.js >= 20.16 (process.getBuiltinModule)');
  return nodeModule.createRequire(import.meta.url)('mathjs') as typeof import('mathjs');
}

let mathInstance: ReturnType<typeof CreateMath> | undefined;
function math(): ReturnType<typeof CreateMath> {
  if (!mathInstance) {
    const { create, all } = loadMathjs();
    const m = create(all!);
    m.createUnit('USD', { prefixes: 'short' });
    m.createUnit('yr', { definition: '1 year', prefixes: 'none' });
    mathInstance = m;
  }
  return mathInstance;
}

/** Dimension exponents the model knows; everything else (length, current, …) is refused. */
interface Dims {
  mass: number;
  time: number;
  usd: number;
}
const ZERO: Dims = { mass: 0, time: 0, usd: 0 };
const SECONDS_PER_YEAR = 31557600;

/** The factor that turns one `name` into model units, and its dimensions; undefined when not a usable unit. */
function unitOf(name: string): { scale: number; dims: Dims } | { error: string } | undefined {
  const m = math();
  let unit;
  try {
    if (!m.Unit.isValuelessUnit(name)) return undefined;
    unit = m.unit(1, name);
  } catch {
    return undefined;
  }
  const base = m.Unit.BASE_DIMENSIONS as string[];
  const d = unit.dimensions as number[];
  const usdIndex = base.indexOf('USD_STUFF');
  const dims: Dims = { mass: d[0] ?? 0, time: d[2] ?? 0, usd: usdIndex >= 0 ? (d[usdIndex] ?? 0) : 0 };
  for (let i = 0; i < d.length; i++) {
    if (i !== 0 && i !== 2 && i !== usdIndex && d[i] !== 0)
      return { error: `'${name}' is a unit of ${String(base[i]).toLowerCase()}, which the model does not use` };
  }
  const si = unit.value as number;
  // Rounded to 12 significant digits: 1 yr is exactly one model year, not 0.9999999999.
  const scale = Number(((si * SECONDS_PER_YEAR ** -dims.time) / 1000 ** dims.mass).toPrecision(12));
  return { scale, dims };
}

const unitText = (dims: Dims) => {
  const parts: string[] = [];
  if (dims.usd) parts.push(dims.usd === 1 ? 'USD' : `USD^${dims.usd}`);
  if (dims.mass > 0) parts.push(dims.mass === 1 ? 't' : `t^${dims.mass}`);
  let text = parts.join('·') || '1';
  if (dims.mass < 0) text += dims.mass === -1 ? '/t' : `/t^${-dims.mass}`;
  return text;
};
const sameDims = (a: Dims, b: Dims) => a.mass === b.mass && a.usd === b.usd;

const QUANTITY_DIMS: Record<QuantityKind, Dims> = {
  capacity: { mass: 1, time: -1, usd: 0 },
  new_capacity: { mass: 1, time: -1, usd: 0 },
  builds: { mass: 1, time: -1, usd: 0 },
  production: { mass: 1, time: 0, usd: 0 },
  flow: { mass: 1, time: 0, usd: 0 },
  purchases: { mass: 1, time: 0, usd: 0 },
  spending: { mass: 0, time: 0, usd: 1 },
  consumption: { mass: 1, time: 0, usd: 0 },
  untrusted_use: { mass: 1, time: 0, usd: 0 },
  unserved: { mass: 1, time: 0, usd: 0 },
};

// ---------------------------------------------------------------------------------------------
// Positions: mathjs nodes carry none, so leaves are found in the text in tree order.
// ---------------------------------------------------------------------------------------------

interface Span {
  start: number;
  end: number;
}

function locate(text: string, root: MathNode): Map<MathNode, Span> {
  const spans = new Map<MathNode, Span>();
  let cursor = 0;
  const find = (token: RegExp): Span => {
    token.lastIndex = cursor;
    const match = token.exec(text);
    if (!match) return { start: cursor, end: cursor };
    cursor = match.index + match[0].length;
    return { start: match.index, end: cursor };
  };
  const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const visit = (node: MathNode): Span => {
    let own: Span | undefined;
    const children: MathNode[] = [];
    const n = node as MathNode & { name?: string; value?: unknown; fn?: MathNode; args?: MathNode[] };
    if (node.type === 'SymbolNode') own = find(new RegExp(escapeRegExp(String(n.name)), 'g'));
    else if (node.type === 'ConstantNode') {
      own =
        typeof n.value === 'string' ? find(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g) : find(/(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|true|false|null|undefined/g);
    } else if (node.type === 'FunctionNode') {
      if (n.fn) visit(n.fn);
      own = spans.get(n.fn!);
      children.push(...(n.args ?? []));
    } else node.forEach((child) => children.push(child));
    const spansOf = children.map(visit);
    const all = own ? [own, ...spansOf] : spansOf;
    const span = all.length ? { start: Math.min(...all.map((s) => s.start)), end: Math.max(...all.map((s) => s.end)) } : { start: cursor, end: cursor };
    spans.set(node, span);
    return span;
  };
  visit(root);
  return spans;
}

// ---------------------------------------------------------------------------------------------
// The walk
// ---------------------------------------------------------------------------------------------

interface Lin {
  terms: LinearTerm[];
  constant: number;
  /** null: a plain number, fits any unit. */
  dims: Dims | null;
}

const COMPARISONS: Record<string, Sense | 'strict'> = { largerEq: '>=', smallerEq: '<=', equal: '==', larger: 'strict', smaller: 'strict' };
const HELPERS = new Set(['bloc', 'years']);
const VOCABULARY_TEXT = `a quantity (${Object.keys(QUANTITIES).join(', ')}), a number (optionally with a unit such as 2.5 kt/yr), + - * / and parentheses`;

/** Parses and checks one expression; throws `ExpressionError`. */
export function parseConstraintExpression(text: string, vocabulary: Vocabulary): ParsedConstraint {
  if (text.length > MAX_EXPRESSION_LENGTH) {
    throw new ExpressionError(
      MAX_EXPRESSION_LENGTH + 1,
      `the expression is ${text.length} characters long`,
      `at most ${MAX_EXPRESSION_LENGTH} characters (split the condition into several constraints)`,
    );
  }
  if (!text.trim()) throw new ExpressionError(1, 'the expression is empty', 'a comparison such as capacity("IN", "magnet", 2030) >= 1000');
  // Nesting is bounded before mathjs' recursive-descent parser sees the text.
  let depth = 0;
  let inString: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      if (c === '\\') i++;
      else if (c === inString) inString = null;
      continue;
    }
    if (c === '"' || c === "'") inString = c;
    else if (c === '(' || c === '[' || c === '{') {
      if (++depth > MAX_NESTING) throw new ExpressionError(i + 1, `parentheses nested more than ${MAX_NESTING} deep`, 'a flatter expression');
    } else if (c === ')' || c === ']' || c === '}') {
      if (--depth < 0) throw new ExpressionError(i + 1, `unbalanced '${c}': nothing opened it`, 'an opening parenthesis before it, or none of it');
    }
  }
  if (inString) throw new ExpressionError(text.length + 1, 'a quoted id is not closed', `a closing ${inString}`);
  if (depth > 0) throw new ExpressionError(text.length + 1, 'unbalanced parenthesis: one is never closed', "a closing ')'");

  let root: MathNode;
  try {
    root = math().parse(text);
  } catch (error) {
    const e = error as { message?: string; char?: number };
    const position = typeof e.char === 'number' ? Math.max(1, e.char) : 1;
    const message = String(e.message ?? 'not a valid expression').replace(/\s*\(char \d+\)\s*$/, '');
    throw new ExpressionError(
      position,
      `cannot read the expression (${message})`,
      'a comparison of linear expressions, e.g. capacity("IN", "magnet", 2030) >= 1000',
    );
  }
  const spans = locate(text, root);
  const at = (node: MathNode) => (spans.get(node)?.start ?? 0) + 1;
  const opAt = (node: MathNode, symbol: string) => {
    const args = (node as MathNode & { args?: MathNode[] }).args ?? [];
    if (args.length === 2) {
      const left = spans.get(args[0]!);
      const right = spans.get(args[1]!);
      if (left && right) {
        const k = text.indexOf(symbol, left.end);
        return k >= 0 && k < right.start ? k + 1 : right.start + 1;
      }
    }
    return at(node);
  };
  const fail = (position: number, problem: string, expected: string): never => {
    throw new ExpressionError(position, problem, expected);
  };

  // The top: exactly one comparison.
  let sense: Sense;
  let left: MathNode;
  let right: MathNode;
  if (root.type === 'OperatorNode' && Object.hasOwn(COMPARISONS, (root as MathNode & { fn: string }).fn)) {
    const op = root as MathNode & { fn: string; op: string; args: MathNode[] };
    const s = COMPARISONS[op.fn]!;
    if (s === 'strict') fail(opAt(root, op.op), `'${op.op}' is a strict comparison, which a linear programme cannot hold`, `'${op.op}=' instead`);
    sense = s as Sense;
    [left, right] = op.args as [MathNode, MathNode];
  } else if (root.type === 'RelationalNode') {
    const r = root as MathNode & { params: MathNode[] };
    return fail(at(r.params[2] ?? root), 'more than one comparison', 'one comparison per constraint (write a chain as two constraints)');
  } else if (root.type === 'AssignmentNode') {
    return fail(text.indexOf('=') + 1, "'=' assigns a value, which an expression may not do", "'==' for equality, or '>=' / '<='");
  } else if (root.type === 'ParenthesisNode') {
    return fail(at(root), 'the comparison is inside parentheses', 'the comparison at the top level, e.g. (a + b) >= c');
  } else {
    return fail(at(root), 'no comparison', "a comparison with '>=', '<=' or '==' between two linear expressions");
  }

  let perYear = false;
  const walk = (node: MathNode): Lin => {
    const n = node as MathNode & {
      fn?: unknown;
      op?: string;
      args?: MathNode[];
      value?: unknown;
      name?: string;
      content?: MathNode;
      isPercentage?: boolean;
      implicit?: boolean;
    };
    switch (node.type) {
      case 'ParenthesisNode':
        return walk(n.content!);
      case 'ConstantNode': {
        if (typeof n.value === 'number' && Number.isFinite(n.value)) return { terms: [], constant: n.value, dims: null };
        if (typeof n.value === 'string') return fail(at(node), `a quoted id ("${n.value}") outside a quantity's arguments`, VOCABULARY_TEXT);
        return fail(at(node), `'${String(n.value)}' is not a number`, VOCABULARY_TEXT);
      }
      case 'SymbolNode': {
        const name = String(n.name);
        const unit = unitOf(name);
        if (unit && 'error' in unit) return fail(at(node), unit.error, 'a unit of mass (t, kt, kg), money (USD, MUSD) or time (yr)');
        if (unit) return { terms: [], constant: unit.scale, dims: unit.dims };
        if (Object.hasOwn(QUANTITIES, name))
          return fail(at(node), `'${name}' without its arguments`, `${name}(${QUANTITIES[name as QuantityKind].args.join(', ')}[, year])`);
        if (vocabulary.countries.has(name) || vocabulary.plants.has(name) || vocabulary.products.has(name) || vocabulary.funders.has(name)) {
          return fail(at(node), `'${name}' is an id written without quotes`, `"${name}" inside a quantity's arguments`);
        }
        return fail(at(node), `unknown name '${name}'`, VOCABULARY_TEXT);
      }
      case 'FunctionNode': {
        const fnNode = n.fn as MathNode & { name?: string };
        const name = fnNode.type === 'SymbolNode' ? String(fnNode.name) : '';
        if (Object.hasOwn(QUANTITIES, name)) return quantity(node, name as QuantityKind);
        if (HELPERS.has(name))
          return fail(
            at(node),
            `${name}(…) stands for a set of ${name === 'bloc' ? 'countries' : 'years'}, not a number`,
            `${name}(…) as an argument of a quantity`,
          );
        return fail(at(node), `unknown function '${name || fnNode.toString()}'`, `one of ${Object.keys(QUANTITIES).join(', ')}`);
      }
      case 'OperatorNode': {
        const args = n.args ?? [];
        const fn = String(n.fn);
        if (fn === 'unaryMinus') return scale(walk(args[0]!), -1);
        if (fn === 'unaryPlus') return walk(args[0]!);
        if (fn === 'add' || fn === 'subtract') {
          const a = walk(args[0]!);
          const b = walk(args[1]!);
          const dims = combine(a, b, opAt(node, n.op!), fn === 'add' ? 'adds' : 'subtracts');
          const bs = fn === 'add' ? b : scale(b, -1);
          return { terms: [...a.terms, ...bs.terms], constant: a.constant + bs.constant, dims };
        }
        if (fn === 'multiply') {
          const a = walk(args[0]!);
          const b = walk(args[1]!);
          if (a.terms.length && b.terms.length)
            return fail(opAt(node, n.implicit ? ' ' : '*'), 'a product of two quantities is not linear', 'a quantity multiplied by a number only');
          const [lin, factor] = a.terms.length ? [a, b] : [b, a];
          return { ...scale(lin, factor.constant), dims: mulDims(lin.dims, factor.dims, 1) };
        }
        if (fn === 'divide') {
          const a = walk(args[0]!);
          const b = walk(args[1]!);
          if (b.terms.length) return fail(opAt(node, '/'), 'a division by a quantity is not linear', 'a division by a number only');
          if (b.constant === 0) return fail(opAt(node, '/'), 'a division by zero', 'a non-zero divisor');
          return { ...scale(a, 1 / b.constant), dims: mulDims(a.dims, b.dims, -1) };
        }
        if (fn === 'pow') {
          const a = walk(args[0]!);
          const b = walk(args[1]!);
          if (a.terms.length || b.terms.length) return fail(opAt(node, '^'), 'a power of a quantity is not linear', 'powers of numbers and units only');
          if (b.dims && (b.dims.mass || b.dims.time || b.dims.usd)) return fail(at(args[1]!), 'an exponent with a unit', 'a plain number as exponent');
          const value = a.constant ** b.constant;
          if (!Number.isFinite(value)) return fail(opAt(node, '^'), 'the power is not a finite number', 'a finite number');
          return {
            terms: [],
            constant: value,
            dims: a.dims ? { mass: a.dims.mass * b.constant, time: a.dims.time * b.constant, usd: a.dims.usd * b.constant } : null,
          };
        }
        if (Object.hasOwn(COMPARISONS, fn))
          return fail(opAt(node, n.op!), 'a comparison inside an expression', 'one comparison per constraint, at the top level');
        return fail(opAt(node, n.op ?? ''), `the operator '${n.op}' is not linear arithmetic`, "'+', '-', '*' by a number, '/' by a number");
      }
      default:
        return fail(at(node), `${describeNode(node.type)} is not allowed`, VOCABULARY_TEXT);
    }
  };

  const combine = (a: Lin, b: Lin, position: number, verb: string): Dims | null => {
    if (a.dims && b.dims && !sameDims(a.dims, b.dims))
      fail(position, `the expression ${verb} ${unitText(b.dims)} and ${unitText(a.dims)}`, 'terms of the same unit');
    return a.terms.length ? a.dims : b.terms.length ? b.dims : (a.dims ?? b.dims);
  };

  const quantity = (node: MathNode, kind: QuantityKind): Lin => {
    const spec = QUANTITIES[kind];
    const args = (node as MathNode & { args: MathNode[] }).args;
    const arity = spec.args.length;
    if (args.length < arity || args.length > arity + 1) {
      return fail(at(node), `${kind} takes ${arity} or ${arity + 1} arguments, not ${args.length}`, `${kind}(${spec.args.join(', ')}[, year])`);
    }
    const call = {
      kind,
      countries: [] as string[],
      plants: [] as string[],
      to: [] as string[],
      stages: [] as string[],
      products: [] as string[],
      funders: [] as string[],
      years: null as number[] | null,
      text: node.toString(),
    };
    spec.args.forEach((role, i) => {
      const arg = args[i]!;
      switch (role) {
        case 'where':
        case 'from': {
          const set = places(arg, kind === 'capacity' || kind === 'new_capacity' || kind === 'builds' || kind === 'production');
          call.countries = set.countries;
          call.plants = set.plants;
          break;
        }
        case 'to':
          call.to = places(arg, false).countries;
          break;
        case 'stage':
          call.stages = stagesOf(arg);
          break;
        case 'product':
          call.products = productsOf(arg);
          break;
        case 'funder':
          call.funders = fundersOf(arg);
          break;
      }
    });
    if (args.length === arity + 1) call.years = yearsOf(args[arity]!);
    else perYear = true;
    return { terms: [{ coefficient: 1, call }], constant: 0, dims: QUANTITY_DIMS[kind] };
  };

  const strings = (node: MathNode, what: string, expected: string): Array<{ value: string; node: MathNode }> => {
    if (node.type === 'ConstantNode' && typeof (node as MathNode & { value: unknown }).value === 'string')
      return [{ value: (node as MathNode & { value: string }).value, node }];
    if (node.type === 'ArrayNode') {
      const items = (node as MathNode & { items: MathNode[] }).items;
      if (!items.length) return fail(at(node), `an empty list of ${what}`, expected);
      return items.flatMap((item) => strings(item, what, expected));
    }
    if (node.type === 'SymbolNode')
      return fail(
        at(node),
        `'${(node as MathNode & { name: string }).name}' is written without quotes`,
        `"${(node as MathNode & { name: string }).name}" (${expected})`,
      );
    return fail(at(node), `${describeNode(node.type)} where ${what} belong`, expected);
  };

  const places = (node: MathNode, plantsAllowed: boolean): { countries: string[]; plants: string[] } => {
    const expected = `a country id in quotes ("US")${plantsAllowed ? ', a plant id' : ''}, "*" for every country, bloc("QUAD"), or a list ["US", "JP"]`;
    const countries = new Set<string>();
    const plants = new Set<string>();
    const add = (item: MathNode) => {
      if (item.type === 'FunctionNode' && (item as MathNode & { fn: MathNode & { name?: string } }).fn.name === 'bloc') {
        for (const c of bloc(item)) countries.add(c);
        return;
      }
      if (item.type === 'ArrayNode') {
        for (const x of (item as MathNode & { items: MathNode[] }).items) add(x);
        return;
      }
      for (const { value, node: at_ } of strings(item, 'countries', expected)) {
        if (value === '*') for (const c of vocabulary.countries) countries.add(c);
        else if (vocabulary.countries.has(value)) countries.add(value);
        else if (plantsAllowed && vocabulary.plants.has(value)) plants.add(value);
        else if (!plantsAllowed && vocabulary.plants.has(value)) fail(at(at_), `'${value}' is a plant; this quantity is about countries`, expected);
        else fail(at(at_), `unknown ${plantsAllowed ? 'country or plant' : 'country'} '${value}'`, expected);
      }
    };
    add(node);
    return { countries: [...countries].sort(), plants: [...plants].sort() };
  };

  const bloc = (node: MathNode): string[] => {
    const args = (node as MathNode & { args: MathNode[] }).args;
    const names = [...vocabulary.groups.keys()].map((g) => g.toUpperCase());
    const expected = `bloc("NAME") with NAME a country group (${names.join(', ')}), TRUSTED, UNTRUSTED, ALL or a target id (${[...vocabulary.targets.keys()].join(', ') || 'none in this scenario'})`;
    if (args.length !== 1) return fail(at(node), `bloc takes one name, not ${args.length}`, expected);
    const [{ value, node: item }] = strings(args[0]!, 'a bloc name', expected) as [{ value: string; node: MathNode }];
    const upper = value.toUpperCase();
    if (upper === 'ALL') return [...vocabulary.countries];
    if (upper === 'TRUSTED') return [...vocabulary.trusted];
    if (upper === 'UNTRUSTED') return [...vocabulary.countries].filter((c) => !vocabulary.trusted.has(c));
    const group = [...vocabulary.groups.entries()].find(([g]) => g.toUpperCase() === upper);
    if (group) return [...group[1]];
    const target = vocabulary.targets.get(value);
    if (target) return [...target];
    return fail(at(item), `unknown bloc '${value}'`, expected);
  };

  const stagesOf = (node: MathNode): string[] => {
    const stages = new Set([...vocabulary.products.values()]);
    const expected = `a stage (${[...stages].join(', ')}), a product id (its stage), "*" or a list`;
    const out = new Set<string>();
    for (const { value, node: item } of strings(node, 'stages', expected)) {
      if (value === '*') for (const s of stages) out.add(s);
      else if (stages.has(value)) out.add(value);
      else if (vocabulary.products.has(value)) out.add(vocabulary.products.get(value)!);
      else fail(at(item), `unknown stage '${value}'`, expected);
    }
    return [...out].sort();
  };

  const productsOf = (node: MathNode): string[] => {
    const expected = `a product id ("ndpr_oxide"), a stage (all its products), "*" or a list`;
    const out = new Set<string>();
    for (const { value, node: item } of strings(node, 'products', expected)) {
      if (value === '*') for (const p of vocabulary.products.keys()) out.add(p);
      else if (vocabulary.products.has(value)) out.add(value);
      else if ([...vocabulary.products.values()].includes(value)) {
        for (const [p, s] of vocabulary.products) if (s === value) out.add(p);
      } else fail(at(item), `unknown product '${value}'`, expected);
    }
    return [...out].sort();
  };

  const fundersOf = (node: MathNode): string[] => {
    const expected = `a funder id in quotes, "*" for every funder, or a list`;
    const out = new Set<string>();
    for (const { value, node: item } of strings(node, 'funders', expected)) {
      if (value === '*') for (const f of vocabulary.funders) out.add(f);
      else if (vocabulary.funders.has(value)) out.add(value);
      else fail(at(item), `unknown funder '${value}'`, expected);
    }
    return [...out].sort();
  };

  const yearsOf = (node: MathNode): number[] => {
    const expected = `a year from ${vocabulary.startYear} to ${vocabulary.endYear}, a list [2029, 2030], or years(2028, 2030)`;
    const one = (item: MathNode): number => {
      const v = (item as MathNode & { value?: unknown }).value;
      if (item.type !== 'ConstantNode' || typeof v !== 'number' || !Number.isInteger(v))
        return fail(at(item), `${item.type === 'ConstantNode' ? `'${String(v)}'` : describeNode(item.type)} is not a year`, expected);
      if (v < vocabulary.startYear || v > vocabulary.endYear)
        return fail(at(item), `year ${v} is outside the horizon ${vocabulary.startYear}-${vocabulary.endYear}`, expected);
      return v;
    };
    if (node.type === 'ArrayNode') {
      const items = (node as MathNode & { items: MathNode[] }).items;
      if (!items.length) return fail(at(node), 'an empty list of years', expected);
      return [...new Set(items.map(one))].sort((a, b) => a - b);
    }
    if (node.type === 'FunctionNode' && (node as MathNode & { fn: MathNode & { name?: string } }).fn.name === 'years') {
      const args = (node as MathNode & { args: MathNode[] }).args;
      if (args.length !== 2) return fail(at(node), `years takes two years (first, last), not ${args.length}`, expected);
      const a = one(args[0]!);
      const b = one(args[1]!);
      if (b < a) return fail(at(args[1]!), `years(${a}, ${b}) ends before it starts`, expected);
      const out: number[] = [];
      for (let y = a; y <= b; y++) out.push(y);
      return out;
    }
    return [one(node)];
  };

  const l = walk(left!);
  const r = walk(right!);
  const dims = combine(l, r, opAt(root, (root as MathNode & { op: string }).op), 'compares');
  const rs = scale(r, -1);
  const terms = [...l.terms, ...rs.terms];
  if (!terms.length)
    fail(1, 'both sides are constants: the comparison does not involve the model', 'at least one quantity such as capacity("IN", "magnet", 2030)');
  if (terms.every((t) => t.coefficient === 0)) fail(1, 'every quantity has a zero coefficient', 'a quantity with a non-zero coefficient');
  const constant = l.constant + rs.constant;
  if (!Number.isFinite(constant) || terms.some((t) => !Number.isFinite(t.coefficient)))
    fail(1, 'a coefficient or constant is not a finite number', 'finite numbers');
  return {
    sense: sense!,
    terms,
    constant,
    perYear,
    left: left!.toString(),
    right: right!.toString(),
    unit: dims ? (dims.usd ? 'USD' : dims.time < 0 ? 't/yr' : 't') : 't',
  };
}

function scale(lin: Lin, factor: number): Lin {
  return { terms: lin.terms.map((t) => ({ coefficient: t.coefficient * factor, call: t.call })), constant: lin.constant * factor, dims: lin.dims };
}

function mulDims(a: Dims | null, b: Dims | null, sign: 1 | -1): Dims | null {
  if (!a && !b) return null;
  const x = a ?? ZERO;
  const y = b ?? ZERO;
  return { mass: x.mass + sign * y.mass, time: x.time + sign * y.time, usd: x.usd + sign * y.usd };
}

function describeNode(type: string): string {
  switch (type) {
    case 'AssignmentNode':
      return "an assignment ('=': write '==' for equality)";
    case 'FunctionAssignmentNode':
      return 'a function definition';
    case 'BlockNode':
      return "several statements (';' or a new line)";
    case 'ConditionalNode':
      return "a conditional ('? :')";
    case 'AccessorNode':
    case 'IndexNode':
      return 'an index';
    case 'ObjectNode':
      return 'an object';
    case 'RangeNode':
      return "a range (':')";
    case 'ArrayNode':
      return 'a list';
    case 'RelationalNode':
      return 'a chain of comparisons';
    default:
      return `a ${type.replace(/Node$/, '').toLowerCase()}`;
  }
}

// ---------------------------------------------------------------------------------------------
// Numbers with units in scenario fields (part 3 of issue 16)
// ---------------------------------------------------------------------------------------------

export type ModelUnit = 'USD' | 'USD/t' | 't' | 't/yr';
const MODEL_UNIT_DIMS: Record<ModelUnit, Dims> = {
  USD: { mass: 0, time: 0, usd: 1 },
  'USD/t': { mass: -1, time: 0, usd: 1 },
  t: { mass: 1, time: 0, usd: 0 },
  't/yr': { mass: 1, time: -1, usd: 0 },
};

/**
 * Reads `"2.5 kt/yr"`, `"USD 110/kg"`, `"3 GUSD"` as a number in `target` units. Only numbers,
 * units, `*`, `/`, `^` and parentheses are accepted (never evaluated by mathjs: the same walk as
 * expressions). Throws an `ExpressionError` naming the position and the expected unit.
 */
export function parseQuantity(text: string, target: ModelUnit): number {
  if (text.length > 100) throw new ExpressionError(101, 'a number with a unit longer than 100 characters', `a number in ${target}, e.g. "2.5 kt/yr"`);
  let root: MathNode;
  try {
    root = math().parse(text);
  } catch (error) {
    const e = error as { char?: number };
    throw new ExpressionError(
      typeof e.char === 'number' ? Math.max(1, e.char) : 1,
      'cannot read the number',
      `a number with a unit in ${target}, e.g. "USD 110/kg"`,
    );
  }
  const expected = `a number with a unit convertible to ${target}`;
  const walk = (node: MathNode): { value: number; dims: Dims } => {
    const n = node as MathNode & { value?: unknown; name?: string; fn?: unknown; args?: MathNode[]; content?: MathNode };
    if (node.type === 'ConstantNode' && typeof n.value === 'number') return { value: n.value, dims: { ...ZERO } };
    if (node.type === 'ParenthesisNode') return walk(n.content!);
    if (node.type === 'SymbolNode') {
      const unit = unitOf(String(n.name));
      if (!unit || 'error' in unit) throw new ExpressionError(1, unit && 'error' in unit ? unit.error : `unknown unit '${String(n.name)}'`, expected);
      return { value: unit.scale, dims: unit.dims };
    }
    if (node.type === 'OperatorNode') {
      const fn = String(n.fn);
      const args = (n.args ?? []).map(walk);
      if (fn === 'unaryMinus') return { value: -args[0]!.value, dims: args[0]!.dims };
      if (fn === 'multiply') return { value: args[0]!.value * args[1]!.value, dims: mulDims(args[0]!.dims, args[1]!.dims, 1)! };
      if (fn === 'divide' && args[1]!.value !== 0) return { value: args[0]!.value / args[1]!.value, dims: mulDims(args[0]!.dims, args[1]!.dims, -1)! };
      if (fn === 'pow' && !args[1]!.dims.mass && !args[1]!.dims.usd && !args[1]!.dims.time) {
        const e = args[1]!.value;
        return { value: args[0]!.value ** e, dims: { mass: args[0]!.dims.mass * e, time: args[0]!.dims.time * e, usd: args[0]!.dims.usd * e } };
      }
    }
    throw new ExpressionError(1, `'${text}' is not a number with a unit`, expected);
  };
  const { value, dims } = walk(root);
  const want = MODEL_UNIT_DIMS[target];
  const plain = !dims.mass && !dims.usd && !dims.time;
  if (!plain && !(sameDims(dims, want) && (dims.time === want.time || dims.time === 0 || want.time === 0))) {
    throw new ExpressionError(1, `'${text}' is in ${unitText(dims)}${dims.time ? '/yr' : ''}, not ${target}`, expected);
  }
  if (!Number.isFinite(value)) throw new ExpressionError(1, `'${text}' is not a finite number`, expected);
  return Number(value.toPrecision(12));
}
