/**
 * API keys: 32 random bytes shown once at creation (`amp_` + base64url), stored as their SHA-256.
 * A key has a role: `read` may only read (GET, HEAD), `write` may also create, solve and delete.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { ApiKeyRepository, KeyRole, StoredApiKey } from '../store/repository.js';

export const KEY_PREFIX = 'amp_';
const KEY_PATTERN = /^amp_[A-Za-z0-9_-]{43}$/;

export const hashKey = (key: string) => createHash('sha256').update(key, 'utf8').digest('hex');

export function generateKey(): string {
  return KEY_PREFIX + randomBytes(32).toString('base64url');
}

/** Creates a key; the returned `key` is the only time the key itself exists outside the client. */
export async function createKey(repo: ApiKeyRepository, options: { name: string; role: KeyRole; now?: Date }): Promise<{ key: string; record: StoredApiKey }> {
  const key = generateKey();
  const record = await repo.insert({
    id: randomUUID().slice(0, 8),
    name: options.name,
    role: options.role,
    hash: hashKey(key),
    createdAt: (options.now ?? new Date()).toISOString(),
  });
  return { key, record };
}

/** The active key this secret belongs to, or null (malformed, unknown or revoked). */
export async function authenticate(repo: ApiKeyRepository, key: string): Promise<StoredApiKey | null> {
  if (!KEY_PATTERN.test(key)) return null;
  return repo.findActiveByHash(hashKey(key));
}

/** The key a request carries: `Authorization: Bearer <key>` or `X-API-Key: <key>`. */
export function keyFromHeaders(headers: Record<string, string | string[] | undefined>): string | null {
  const authorization = headers.authorization;
  if (typeof authorization === 'string') {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (match) return match[1]!;
  }
  const header = headers['x-api-key'];
  return typeof header === 'string' && header.trim() ? header.trim() : null;
}
