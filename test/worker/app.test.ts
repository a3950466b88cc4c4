import { env, SELF } from 'cloudflare:test';
import { createRoute, z } from '@hono/zod-openapi';
import { x25519 } from '@noble/curves/ed25519.js';
import { blake2b } from '@noble/hashes/blake2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../functions/app';
import { CryptoError } from '../../functions/crypto/errors';
import { createRouter } from '../../functions/middleware/validate';
import packageJson from '../../package.json';

const BASE = 'https://custodian.test';

async function errorOf(res: Response) {
  expect(res.headers.get('Content-Type')).toMatch(/^application\/json/);
  return (await res.json()) as { error: string; code: string };
}

/** The real app plus two routes that exist only to exercise the shell. */
function appWithProbes() {
  const app = createApp();
  const echo = createRoute({
    method: 'post',
    path: '/probe/echo/',
    request: {
      body: {
        required: true,
        content: { 'application/json': { schema: z.object({ name: z.string().max(8) }) } },
      },
    },
    responses: { 200: { description: 'echo' } },
  });
  const probes = createRouter()
    .openapi(echo, (c) => c.json(c.req.valid('json'), 200))
    .get('/probe/boom/', () => {
      throw new Error('database password is hunter2');
    })
    .get('/probe/bad-key/', () => {
      throw new CryptoError('low_order_point', 'expected an X25519 key of prime order');
    });
  app.route('/', probes);
  return app;
}

describe('GET /health', () => {
  it('returns 200 with the version and a reachable database', async () => {
    const res = await SELF.fetch(`${BASE}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      status: 'ok',
      version: packageJson.version,
      database: 'reachable',
    });
  });

  it.each(['/health', '/public/health', '/service/health', '/service/public/health'])(
    'answers under the prefix of %s',
    async (path) => {
      const res = await SELF.fetch(`${BASE}${path}`);
      expect(res.status).toBe(200);
      expect(((await res.json()) as { status: string }).status).toBe('ok');
    }
  );

  it('does not treat look-alike prefixes as Phase prefixes', async () => {
    const res = await SELF.fetch(`${BASE}/services/health`);
    expect(res.status).toBe(404);
  });

  it('returns 503 service_unavailable when D1 does not answer', async () => {
    const broken = {
      ...env,
      DB: {
        prepare: () => {
          throw new Error('down');
        },
      },
    };
    const res = await createApp().request('/health', {}, broken);
    expect(res.status).toBe(503);
    expect(await errorOf(res)).toEqual({
      error: 'The database is unreachable.',
      code: 'service_unavailable',
    });
  });
});

describe('GET /', () => {
  it('answers the liveness probe under every prefix', async () => {
    for (const path of ['/', '/public/', '/service/', '/service/public/']) {
      const res = await SELF.fetch(`${BASE}${path}`);
      expect(res.status, path).toBe(200);
      expect(((await res.json()) as { status: string }).status).toBe('ok');
    }
  });
});

describe('error shape', () => {
  it('returns 404 not_found in the common shape for an unknown path', async () => {
    const res = await SELF.fetch(`${BASE}/v1/nothing-here/`);
    expect(res.status).toBe(404);
    expect(await errorOf(res)).toEqual({ error: 'Not found.', code: 'not_found' });
    expect(res.headers.get('Cache-Control')).toBe('no-store');
  });

  it('keeps trailing slashes significant, as Phase does', async () => {
    expect((await SELF.fetch(`${BASE}/health/`)).status).toBe(404);
  });

  it('returns 405 method_not_allowed with an Allow header for a known path', async () => {
    const res = await SELF.fetch(`${BASE}/service/health`, { method: 'DELETE' });
    expect(res.status).toBe(405);
    expect(res.headers.get('Allow')).toBe('GET');
    expect(await errorOf(res)).toEqual({
      error: 'Method "DELETE" not allowed.',
      code: 'method_not_allowed',
    });
  });

  it('returns 413 payload_too_large for a body over MAX_BODY_BYTES', async () => {
    const body = JSON.stringify({ name: 'x'.repeat(2048) });
    const small = { ...env, MAX_BODY_BYTES: '1024' };
    const res = await appWithProbes().request('/probe/echo/', { method: 'POST', body }, small);
    expect(res.status).toBe(413);
    expect((await errorOf(res)).code).toBe('payload_too_large');
  });

  it('enforces the limit on a streamed body with no Content-Length', async () => {
    const stream = new Blob(['{"name":"', 'y'.repeat(4096), '"}']).stream();
    const small = { ...env, MAX_BODY_BYTES: '1024' };
    const init = { method: 'POST', body: stream, duplex: 'half' } as RequestInit;
    const res = await appWithProbes().request('/probe/echo/', init, small);
    expect(res.status).toBe(413);
  });

  it('returns 400 invalid_request for malformed JSON', async () => {
    const init = {
      method: 'POST',
      body: '{"name": ',
      headers: { 'Content-Type': 'application/json' },
    };
    const res = await appWithProbes().request('/probe/echo/', init, env);
    expect(res.status).toBe(400);
    expect(await errorOf(res)).toEqual({
      error: 'Malformed JSON in request body.',
      code: 'invalid_request',
    });
  });

  it('returns 400 invalid_request naming the field that failed validation', async () => {
    const init = { method: 'POST', body: JSON.stringify({ name: 'much too long' }) };
    const res = await appWithProbes().request('/probe/echo/', init, env);
    expect(res.status).toBe(400);
    const body = await errorOf(res);
    expect(body.code).toBe('invalid_request');
    expect(body.error).toMatch(/^Invalid request: name: /);
  });

  it('parses a JSON body labelled as form data or text, as the Phase SDK sends it', async () => {
    for (const type of ['application/x-www-form-urlencoded', 'text/plain;charset=UTF-8']) {
      const init = { method: 'POST', body: '{"name":"sdk"}', headers: { 'Content-Type': type } };
      const res = await appWithProbes().request('/probe/echo/', init, env);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ name: 'sdk' });
    }
  });

  it('returns 500 server_error for a thrown error without leaking its message', async () => {
    const res = await appWithProbes().request('/probe/boom/', {}, env);
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain('hunter2');
    expect(JSON.parse(text)).toEqual({ error: 'Internal server error.', code: 'server_error' });
    expect(res.headers.get('X-Request-Id')).toBeTruthy();
  });
});

describe('crypto input errors', () => {
  it('answers a CryptoError with 400 invalid_request, never a 500', async () => {
    const res = await appWithProbes().request('/probe/bad-key/', {}, env);
    expect(res.status).toBe(400);
    expect(await errorOf(res)).toEqual({
      error: 'Invalid cryptographic input: expected an X25519 key of prime order.',
      code: 'invalid_request',
    });
  });
});

describe('X-Request-Id', () => {
  it('echoes an acceptable id the caller supplies', async () => {
    const id = 'trace-0123456789abcdef';
    const res = await SELF.fetch(`${BASE}/health`, { headers: { 'X-Request-Id': id } });
    expect(res.headers.get('X-Request-Id')).toBe(id);
  });

  it('replaces an unacceptable id with a fresh UUID, on errors too', async () => {
    const res = await SELF.fetch(`${BASE}/nope`, {
      headers: { 'X-Request-Id': 'bad id\t<script>' },
    });
    expect(res.status).toBe(404);
    expect(res.headers.get('X-Request-Id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('generates a different id for each request without one', async () => {
    const [a, b] = await Promise.all([SELF.fetch(`${BASE}/health`), SELF.fetch(`${BASE}/health`)]);
    expect(a.headers.get('X-Request-Id')).not.toBe(b.headers.get('X-Request-Id'));
  });
});

describe('rate limiting', () => {
  it('returns 429 rate_limited with Retry-After once a caller exceeds its budget', async () => {
    const limited = { ...env, RATE_LIMIT_PER_MINUTE: '3' };
    const app = createApp();
    const headers = { 'CF-Connecting-IP': `192.0.2.${Math.floor(Math.random() * 250)}` };
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 4; i++) {
      last = await app.request('/health', { headers }, limited);
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    const wait = Number(last?.headers.get('Retry-After'));
    expect(wait).toBeGreaterThan(0);
    expect(await errorOf(last as Response)).toEqual({
      error: `Request was throttled. Expected available in ${wait} second${wait === 1 ? '' : 's'}.`,
      code: 'rate_limited',
    });
    const other = await app.request(
      '/health',
      { headers: { 'CF-Connecting-IP': '198.51.100.7' } },
      limited
    );
    expect(other.status).toBe(200);
  });
});

describe('GET /v1/kms/server-public-key/', () => {
  it('returns the kx seed key pair of SERVER_SECRET, under every prefix', async () => {
    // Derived here with noble directly: sk = BLAKE2b-256(seed), pk = X25519(sk).
    const seed = Uint8Array.from(env.SERVER_SECRET.match(/../g) ?? [], (h) => parseInt(h, 16));
    const expected = bytesToHex(x25519.getPublicKey(blake2b(seed, { dkLen: 32 })));
    for (const prefix of ['', '/service/public']) {
      const res = await SELF.fetch(`${BASE}${prefix}/v1/kms/server-public-key/`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ publicKey: expected });
    }
  });

  it('returns 500 without naming the value when SERVER_SECRET is malformed', async () => {
    const broken = { ...env, SERVER_SECRET: 'not-a-secret-value' };
    const res = await createApp().request('/v1/kms/server-public-key/', {}, broken);
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain('not-a-secret-value');
    expect(JSON.parse(text).code).toBe('server_error');
  });
});

describe('the API reference', () => {
  it('lists every mounted route in /openapi.json', async () => {
    const res = await SELF.fetch(`${BASE}/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, object> };
    expect(doc.openapi).toBe('3.1.0');
    const mounted = createApp().routes.filter((route) => route.method !== 'ALL');
    expect(mounted.length).toBeGreaterThan(2);
    for (const route of mounted) {
      const path = route.path.replace(/:([^/]+)/g, '{$1}');
      expect(doc.paths[path], `${route.method} ${path}`).toHaveProperty(route.method.toLowerCase());
    }
  });

  it('serves a self-contained HTML page at /docs naming each path', async () => {
    const res = await SELF.fetch(`${BASE}/service/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain('<code>/health</code>');
    expect(html).not.toMatch(/<script[^>]+src=/);
  });
});
