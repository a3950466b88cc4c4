/**
 * `/service/secrets/` (served at `/secrets/` under every prefix): the Phase SDKs' ciphertext
 * secrets API. The environment comes from the `environment` header; bodies are JSON whatever
 * their Content-Type says; success is exactly 200, which the Node SDK insists on.
 */
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { SecretRow } from '../../db/queries/secrets';
import type { Action } from '../access/policies';
import type { AppEnv } from '../env';
import { isReadOf } from '../middleware/routing';
import { createRouter } from '../middleware/validate';
import { changeSecrets, createSecrets, removeSecrets, secretItems } from '../secrets/ciphertext';
import { admitSecretsRead, environmentContext, secretsReadStatement } from '../secrets/context';
import { secretView } from '../secrets/views';
import { AUTH_ERRORS, errorResponse, jsonBody, jsonResponse } from './schemas';

const TAGS = ['SDK'];
const Headers = z.object({
  environment: z.string().optional().openapi({ description: 'Environment id' }),
  path: z.string().optional(),
  keydigest: z.string().optional(),
  'x-use-camel-case': z.string().optional(),
});
const SecretsBody = z.object({ secrets: z.unknown() });
const OK = jsonResponse(z.array(z.record(z.string(), z.unknown())), 'The secrets (ciphertext)');
const ERRORS = {
  400: errorResponse('Malformed body or ciphertext'),
  ...AUTH_ERRORS,
  404: errorResponse('Environment or secret not found'),
  409: errorResponse('Duplicate secret found'),
};

const readRoute = createRoute({
  method: 'get',
  path: '/secrets/',
  tags: TAGS,
  summary: 'Read ciphertext secrets of the environment',
  request: { headers: Headers },
  responses: { 200: OK, ...ERRORS },
});

const writeRoute = (method: 'post' | 'put' | 'delete', summary: string) =>
  createRoute({
    method,
    path: '/secrets/',
    tags: TAGS,
    summary,
    request: { headers: Headers, ...jsonBody(SecretsBody) },
    responses: { 200: OK, ...ERRORS },
  });

/** The environment named by the `environment` header, once the caller is admitted to it. */
async function target(c: Context<AppEnv>, action: Action) {
  const found = await environmentContext(
    c.var.db,
    c.var.principal,
    c.req.header('environment'),
    action
  );
  return found.environment;
}

/** The secrets as the client asked to see them. */
function shaped(c: Context<AppEnv>, rows: SecretRow[]) {
  const camelCase = c.req.header('x-use-camel-case')?.toLowerCase() === 'true';
  return rows.map((row) => secretView(row, camelCase));
}

/** The SDK read fetches its secrets in the same D1 batch as the caller's token (ReadAhead). */
export function readSecretsAhead(c: Context<AppEnv>, bearerDigest: string) {
  if (!isReadOf(c.req.raw, '/secrets/')) return null;
  const filter = { path: c.req.header('path'), keyDigest: c.req.header('keydigest') };
  return secretsReadStatement(c.var.db, bearerDigest, c.req.header('environment'), filter);
}

export const e2eeSecretRoutes = createRouter()
  .openapi(readRoute, async (c) => {
    const environmentId = c.req.header('environment');
    const rows = admitSecretsRead(c.var.principal, environmentId, c.var.readAhead);
    return c.json(shaped(c, rows), 200);
  })
  .openapi(writeRoute('post', 'Create ciphertext secrets'), async (c) => {
    const environment = await target(c, 'create');
    const items = secretItems(c.req.valid('json'));
    return c.json(shaped(c, await createSecrets(c.var.db, environment, items, Date.now())), 200);
  })
  .openapi(writeRoute('put', 'Update ciphertext secrets of the environment'), async (c) => {
    const environment = await target(c, 'update');
    const items = secretItems(c.req.valid('json'));
    return c.json(shaped(c, await changeSecrets(c.var.db, environment, items, Date.now())), 200);
  })
  .openapi(writeRoute('delete', 'Delete secrets of the environment'), async (c) => {
    const environment = await target(c, 'delete');
    const ids = c.req.valid('json').secrets;
    await removeSecrets(c.var.db, environment, Array.isArray(ids) ? ids : [], Date.now());
    return c.json([], 200);
  });
