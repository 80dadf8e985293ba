// Loader hooks registered by from-dist.mjs: src/**/*.ts → dist/**/*.js when the copy is not older.
import { readFile, stat } from 'node:fs/promises';

const root = new URL('../../', import.meta.url).href;
const sources = `${root}src/`;
const web = `${root}src/web/`;
/** @type {Map<string, Promise<string | null>>} */
const copies = new Map();

/** The compiled copy of a source module's URL, or null. */
function copyOf(url) {
  if (!url.startsWith(sources) || url.startsWith(web) || !url.endsWith('.ts')) return Promise.resolve(null);
  let copy = copies.get(url);
  if (!copy) {
    const compiled = `${root}dist/${url.slice(sources.length, -3)}.js`;
    copy = Promise.all([stat(new URL(compiled)), stat(new URL(url))]).then(
      ([built, source]) => (built.mtimeMs >= source.mtimeMs ? compiled : null),
      () => null,
    );
    copies.set(url, copy);
  }
  return copy;
}

const distPrefix = `${root}dist/`;

export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  const compiled = await copyOf(resolved.url);
  return compiled ? { url: compiled, format: 'module', shortCircuit: true } : resolved;
}

export async function load(url, context, nextLoad) {
  // Compiled modules need no transform: read them here so no later hook (tsx) looks at them.
  if (url.startsWith(distPrefix) && url.endsWith('.js')) return { format: 'module', source: await readFile(new URL(url)), shortCircuit: true };
  return nextLoad(url, context);
}
