/**
 * API keys for a service that listens beyond loopback, in the store the service uses (the same
 * DATABASE_PATH or DATABASE_URL / DATABASE_SCHEMA environment):
 *
 *   npm run keys -- create --role read|write --name <who>   prints the key once; only its hash is stored
 *   npm run keys -- list                                    ids, names, roles, created, revoked
 *   npm run keys -- revoke <id>
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config.js';
import { createKey } from '../services/keys.js';
import { openPostgresStore } from '../store/postgres.js';
import type { Store } from '../store/repository.js';
import { openSqliteStore } from '../store/sqlite.js';

const USAGE = 'usage: npm run keys -- create --role read|write --name <who> | list | revoke <id>';

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({ args: argv, allowPositionals: true, options: { role: { type: 'string' }, name: { type: 'string' } } });
  const [command, ...rest] = positionals;
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const open = async (): Promise<Store> =>
    config.databaseUrl ? openPostgresStore({ url: config.databaseUrl, schema: config.databaseSchema, poolSize: 2 }) : openSqliteStore(config.databasePath);
  const where = config.databaseUrl ? `schema ${config.databaseSchema}` : config.databasePath;

  switch (command) {
    case 'create': {
      const role = values.role;
      const name = values.name?.trim();
      if ((role !== 'read' && role !== 'write') || !name || name.length > 100) {
        process.stderr.write(`create needs --role read|write and --name (1-100 characters)\n${USAGE}\n`);
        return 2;
      }
      const store = await open();
      try {
        const { key, record } = await createKey(store.keys, { name, role });
        process.stdout.write(`created key ${record.id} (${record.role}, ${record.name}) in ${where}\n`);
        process.stdout.write(`${key}\n`);
        process.stderr.write('This is the only time the key is shown: only its SHA-256 is stored. Send it as `Authorization: Bearer <key>`.\n');
      } finally {
        await store.close();
      }
      return 0;
    }
    case 'list': {
      const store = await open();
      try {
        const keys = await store.keys.list();
        if (!keys.length) process.stdout.write(`no keys in ${where}\n`);
        for (const k of keys)
          process.stdout.write(`${k.id}  ${k.role.padEnd(5)}  ${k.createdAt}  ${k.revokedAt ? `revoked ${k.revokedAt}` : 'active'}  ${k.name}\n`);
      } finally {
        await store.close();
      }
      return 0;
    }
    case 'revoke': {
      const id = rest[0];
      if (!id) {
        process.stderr.write(`revoke needs the key id (see list)\n${USAGE}\n`);
        return 2;
      }
      const store = await open();
      try {
        const revoked = await store.keys.revoke(id, new Date().toISOString());
        process.stdout.write(revoked ? `revoked key ${id}\n` : `no active key ${id} in ${where}\n`);
        return revoked ? 0 : 1;
      } finally {
        await store.close();
      }
    }
    default:
      process.stderr.write(`${USAGE}\n`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
