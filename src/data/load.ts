/**
 * Loads a reference dataset from `data/reference/<id>/`, validates it with zod and checks that
 * every cross-reference (country, product, process, funder) points at a record that exists.
 * This is the only place the dataset is checked; everything downstream trusts the result.
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DATASET_FILES, DatasetSchema, OPTIONAL_DATASET_FILES, type Dataset } from './schema.js';
import { crossReferenceIssues } from './cross-reference.js';

export { crossReferenceIssues, crossReferenceProblems, type CrossReferenceIssue } from './cross-reference.js';

/** The project root, found from this file's location (works from `src/` and from `dist/`). */
export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`package.json not found above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
  return dir;
}

export const REFERENCE_DIR = () => resolve(projectRoot(), 'data', 'reference');

export class DatasetError extends Error {
  constructor(
    message: string,
    readonly issues: readonly string[],
  ) {
    super(message + (issues.length ? `:\n- ${issues.join('\n- ')}` : ''));
    this.name = 'DatasetError';
  }
}

export function listDatasetIds(dir = REFERENCE_DIR()): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, DATASET_FILES.meta)))
    .map((entry) => entry.name)
    .sort();
}

const cache = new Map<string, Dataset>();

/** Loads (once per process) and validates the dataset with this id. */
export function loadDataset(id: string, dir = REFERENCE_DIR()): Dataset {
  const key = join(dir, id);
  const cached = cache.get(key);
  if (cached) return cached;
  if (!/^[A-Za-z0-9_.-]+$/.test(id) || !existsSync(join(key, DATASET_FILES.meta))) {
    throw new DatasetError(`unknown dataset '${id}'`, []);
  }
  const raw: Record<string, unknown> = {};
  for (const [field, file] of Object.entries(DATASET_FILES)) {
    const path = join(key, file);
    if (OPTIONAL_DATASET_FILES.has(field as keyof typeof DATASET_FILES) && !existsSync(path)) continue;
    raw[field] = JSON.parse(readFileSync(path, 'utf8'));
  }
  const dataset = parseDataset(raw);
  cache.set(key, dataset);
  return dataset;
}

/** Validates a dataset object (schema and cross-references) and freezes it. */
export function parseDataset(raw: unknown): Dataset {
  const parsed = DatasetSchema.safeParse(raw);
  if (!parsed.success) {
    throw new DatasetError(
      'the dataset does not match its schema',
      parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
    );
  }
  const data = parsed.data;
  const issues = crossReferenceIssues(data);
  if (issues.length) throw new DatasetError('the dataset refers to records that do not exist', issues);
  return deepFreeze(data);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value as object)) deepFreeze(child);
  }
  return value;
}
