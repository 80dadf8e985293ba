/**
 * The REST API from the browser: same origin, JSON in and out. Every error answer of the service is
 * an RFC 9457 problem document; `ApiError` carries it so a page can show each failing field.
 */
import type { Problem } from './types.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem | null,
  ) {
    super(problem ? `${problem.title}: ${problem.detail}` : `the service answered ${status}`);
    this.name = 'ApiError';
  }
}

async function request<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<{ status: number; body: T }> {
  const response = await fetch(path, {
    method,
    headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
    body: body === undefined ? null : typeof body === 'string' ? body : JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });
  const type = response.headers.get('content-type') ?? '';
  const parsed = type.includes('json') ? await response.json().catch(() => null) : null;
  if (!response.ok) throw new ApiError(response.status, type.includes('problem+json') ? (parsed as Problem) : null);
  return { status: response.status, body: parsed as T };
}

export const api = {
  get: <T>(path: string, signal?: AbortSignal) => request<T>('GET', path, undefined, signal).then((r) => r.body),
  /** POST with a JSON body; the answer's status matters (200 vs 201 vs 202), so it is returned too. */
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, body),
  delete: <T>(path: string) => request<T>('DELETE', path).then((r) => r.body),
};
