/**
 * Requests against the Worker started by setup/worker.ts, from Node.
 */
import { inject } from 'vitest';

export const workerUrl = () => inject('workerUrl');

// biome-ignore lint/suspicious/noExplicitAny: tests read response fields by name.
type Body = any;

export async function call(
  method: string,
  path: string,
  auth?: string,
  body?: unknown
): Promise<{ status: number; body: Body }> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (auth) headers.Authorization = auth;
  const init: RequestInit = {
    method,
    headers,
    ...(body !== undefined && { body: JSON.stringify(body) }),
  };
  const res = await fetch(`${workerUrl()}${path}`, init);
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** A fresh organisation; returns the Owner's auth header. */
export async function bootstrap() {
  const res = await call('POST', '/v1/bootstrap/', `Bearer ${inject('bootstrapToken')}`, {
    organisation: { name: `Node ${Math.random().toString(36).slice(2, 8)}` },
    owner: { name: 'Node Owner', email: 'node-owner@example.org' },
  });
  if (res.status !== 201) throw new Error(`bootstrap: ${res.status} ${JSON.stringify(res.body)}`);
  return { ...res.body, auth: `Bearer ${res.body.bearerToken}` };
}

/** The id of a role of the caller's organisation, by name. */
export async function roleId(auth: string, name: string): Promise<string> {
  const res = await call('GET', '/v1/roles/', auth);
  return res.body.data.find((r: { name: string }) => r.name === name).id;
}
