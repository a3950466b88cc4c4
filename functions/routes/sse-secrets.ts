/**
 * `/v1/secrets/?app_id=…&env=…` (phase-rest.md §5): plaintext secrets of SSE apps for clients
 * that hold only a bearer. Answers are bare arrays, and every success is 200, as Phase answers.
 * Reads resolve secret references (`${KEY}`, `${env.KEY}`, `${app::env.KEY}`) in values.
 */
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { Action } from '../access/policies';
import type { AppEnv } from '../env';
import { createRouter } from '../middleware/validate';
import { changeSecrets, createSecrets, removeSecrets, secretItems } from '../secrets/ciphertext';
import { decryptSecret, encryptInput, plaintextContext } from '../secrets/plaintext';
import { readPlaintext } from '../secrets/plaintext-read';
import { AUTH_ERRORS, errorResponse, jsonBody, jsonResponse } from './schemas';

const Query = z.object({
  app_id: z.string().optional(),
  env: z.string().optional().openapi({ description: 'Environment name, any case' }),
  path: z.string().optional(),
  key: z.string().optional(),
  tags: z.string().optional().openapi({ description: 'Comma-separated; any of them matches' }),
});
const Body = z.object({ secrets: z.unknown() });
const OK = jsonResponse(z.array(z.record(z.string(), z.unknown())), 'The secrets, in plaintext');
const ERRORS = {
  400: errorResponse('Malformed body, or an app without SSE'),
  ...AUTH_ERRORS,
  404: errorResponse('App, environment or secret not found'),
  409: errorResponse('Duplicate secret found'),
};
const read = createRoute({
  method: 'get',
  path: '/',
  tags: ['Secrets'],
  summary: 'Read secrets in plaintext',
  request: { query: Query },
  responses: { 200: OK, ...ERRORS },
});
const remove = createRoute({
  method: 'delete',
  path: '/',
  tags: ['Secrets'],
  summary: 'Delete secrets',
  request: { query: Query, ...jsonBody(Body) },
  responses: {
    200: jsonResponse(z.object({ message: z.string() }), '"Deleted N secrets"'),
    ...ERRORS,
  },
});
const write = (method: 'post' | 'put', summary: string) =>
  createRoute({
    method,
    path: '/',
    tags: ['Secrets'],
    summary,
    request: { query: Query, ...jsonBody(Body) },
    responses: { 200: OK, ...ERRORS },
  });

async function context(c: Context<AppEnv>, action: Action) {
  const { app_id, env } = c.req.query();
  return plaintextContext(c.var.db, c.env, c.var.principal, app_id, env, action);
}

export const sseSecretRoutes = createRouter()
  .openapi(read, async (c) => {
    const admitted = await context(c, 'read');
    const { path, key, tags } = c.req.query();
    const filter = { path, key, tags };
    const secrets = await readPlaintext(c.var.db, c.env, c.var.principal, admitted, filter);
    return c.json(secrets, 200);
  })
  .openapi(write('post', 'Create secrets from plaintext'), async (c) => {
    const { environment, material } = await context(c, 'create');
    const encrypted = secretItems(c.req.valid('json')).map((item) => encryptInput(item, material));
    const rows = await createSecrets(c.var.db, environment, encrypted, Date.now());
    return c.json(
      rows.map((row) => decryptSecret(row, material)),
      200
    );
  })
  .openapi(write('put', 'Update secrets from plaintext'), async (c) => {
    const { environment, material } = await context(c, 'update');
    const encrypted = secretItems(c.req.valid('json')).map((item) => encryptInput(item, material));
    const keepSealed = { keepSealed: true };
    const rows = await changeSecrets(c.var.db, environment, encrypted, Date.now(), keepSealed);
    return c.json(
      rows.map((row) => decryptSecret(row, material)),
      200
    );
  })
  .openapi(remove, async (c) => {
    const { environment } = await context(c, 'delete');
    const ids = c.req.valid('json').secrets;
    const list = Array.isArray(ids) ? ids : [];
    await removeSecrets(c.var.db, environment, list, Date.now());
    const n = new Set(list).size;
    return c.json({ message: `Deleted ${n} secret${n === 1 ? '' : 's'}` }, 200);
  });
