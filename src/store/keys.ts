/**
 * API key rows (SQLite; the PostgreSQL store reads the same rows with `apiKeyFromRow`). Only the
 * SHA-256 of a key is stored: a key is 32 random bytes, so a plain hash cannot be reversed by
 * guessing, and a leaked database does not leak the keys.
 */
import type { Db } from './db.js';
import type { ApiKeyRepository, KeyRole, StoredApiKey } from './repository.js';

export interface ApiKeyDbRow {
  id: string;
  name: string;
  role: KeyRole;
  hash: string;
  created_at: string;
  revoked_at: string | null;
}

export const apiKeyFromRow = (row: ApiKeyDbRow): StoredApiKey => ({
  id: row.id,
  name: row.name,
  role: row.role,
  createdAt: row.created_at,
  revokedAt: row.revoked_at,
});

export function createApiKeyRepository(db: Db): ApiKeyRepository {
  const insert = db.prepare('INSERT INTO api_keys (id, name, role, hash, created_at) VALUES (@id, @name, @role, @hash, @createdAt)');
  const byId = db.prepare('SELECT * FROM api_keys WHERE id = ?');
  const byHash = db.prepare('SELECT * FROM api_keys WHERE hash = ? AND revoked_at IS NULL');
  const all = db.prepare('SELECT * FROM api_keys ORDER BY created_at, id');
  const revoke = db.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL');
  const active = db.prepare('SELECT COUNT(*) FROM api_keys WHERE revoked_at IS NULL').pluck();
  return {
    async insert(record) {
      insert.run(record);
      return apiKeyFromRow(byId.get(record.id) as ApiKeyDbRow);
    },
    async findActiveByHash(hash) {
      const row = byHash.get(hash) as ApiKeyDbRow | undefined;
      return row ? apiKeyFromRow(row) : null;
    },
    async list() {
      return (all.all() as ApiKeyDbRow[]).map(apiKeyFromRow);
    },
    async revoke(id, at) {
      return revoke.run(at, id).changes === 1;
    },
    async countActive() {
      return active.get() as number;
    },
  };
}
