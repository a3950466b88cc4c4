/**
 * One-off API calls for seeding and setup, from the address the network policy allows. The
 * load generator (load.ts) does its own fetches so nothing here sits in a measured loop.
 */

/** The client address every benchmark request claims; the seeded policy allows it. */
export const CLIENT_IP = '203.0.113.7';

// biome-ignore lint/suspicious/noExplicitAny: setup reads response fields by name.
export type Body = any;

/** A parsed answer. */
export interface Answer {
  status: number;
  body: Body;
}

/** A client bound to one Worker origin. */
export interface Api {
  origin: string;
  call(method: string, path: string, auth?: string, body?: unknown): Promise<Answer>;
  /** As call, but throws unless the status is `expected`. */
  must(expected: number, method: string, path: string, auth?: string, body?: unknown): Body;
}

/** The headers every benchmark request sends, with the caller's Authorization if any. */
export function baseHeaders(auth?: string, ip = CLIENT_IP): Record<string, string> {
  return {
    'Content-Type': 'application/json',
    'CF-Connecting-IP': ip,
    ...(auth !== undefined && { Authorization: auth }),
  };
}

/** An Api for `origin`. */
export function apiFor(origin: string): Api {
  async function call(method: string, path: string, auth?: string, body?: unknown) {
    const res = await fetch(`${origin}${path}`, {
      method,
      headers: baseHeaders(auth),
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }
  async function must(expected: number, ...args: Parameters<typeof call>) {
    const res = await call(...args);
    if (res.status !== expected) {
      const [method, path] = args;
      throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    }
    return res.body;
  }
  return { origin, call, must };
}
