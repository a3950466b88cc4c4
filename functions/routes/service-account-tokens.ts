/**
 * `/v1/service-accounts/{sa_id}/tokens/`: list, mint, register, revoke and rotate a service
 * account's tokens (phase-rest.md §6.8–6.9, plus registration and rotation).
 */
import { createRoute, z } from '@hono/zod-openapi';
import { requires } from '../middleware/permission';
import { createRouter } from '../middleware/validate';
import {
  DEFAULT_GRACE_SECONDS,
  listServiceAccountTokenViews,
  mintServiceAccountToken,
  registerServiceAccountToken,
  revokeServiceAccountToken,
  rotateServiceAccountToken,
} from '../service-accounts/tokens';
import { AUTH_ERRORS, errorResponse, jsonResponse as json, jsonBody } from './schemas';
import {
  ListedTokenSchema,
  MintedTokenSchema,
  MintTokenBodySchema,
  RegisterTokenBodySchema,
  RotateTokenBodySchema,
  ServiceAccountParams,
  TokenParams,
  TokenSummarySchema,
} from './service-account-schemas';

const TAGS = ['Service account tokens'];
const NOT_FOUND = {
  404: errorResponse('Service account or token not found, or not yours to manage'),
};

const list = createRoute({
  method: 'get',
  path: '/{sa_id}/tokens/',
  tags: TAGS,
  summary: "List an account's live tokens (no secret material)",
  request: { params: ServiceAccountParams },
  responses: {
    200: json(z.object({ data: z.array(ListedTokenSchema) }), 'The tokens'),
    ...AUTH_ERRORS,
    ...NOT_FOUND,
  },
});

const mint = createRoute({
  method: 'post',
  middleware: [requires('create', 'ServiceAccountTokens')] as const,
  path: '/{sa_id}/tokens/',
  tags: TAGS,
  summary: 'Mint a token from the server-side keyring; shown once',
  description: 'A service account mints only for itself; a member needs global access.',
  request: { params: ServiceAccountParams, ...jsonBody(MintTokenBodySchema) },
  responses: {
    201: json(MintedTokenSchema, 'The token, once'),
    400: errorResponse('Bad expiry, or client-side KMS'),
    ...AUTH_ERRORS,
    ...NOT_FOUND,
  },
});

const register = createRoute({
  method: 'post',
  middleware: [requires('create', 'ServiceAccountTokens')] as const,
  path: '/{sa_id}/tokens/register/',
  tags: TAGS,
  summary: 'Register a token a handler minted, signed by the account key',
  request: { params: ServiceAccountParams, ...jsonBody(RegisterTokenBodySchema) },
  responses: {
    201: json(TokenSummarySchema, 'The token'),
    400: errorResponse('Malformed registration or bad signature'),
    ...AUTH_ERRORS,
    ...NOT_FOUND,
    409: errorResponse('Already registered'),
  },
});

const revoke = createRoute({
  method: 'delete',
  path: '/{sa_id}/tokens/{token_id}/',
  tags: TAGS,
  summary: 'Revoke a token; it fails from the next request',
  request: { params: TokenParams },
  responses: { 204: { description: 'Revoked' }, ...AUTH_ERRORS, ...NOT_FOUND },
});

const rotate = createRoute({
  method: 'post',
  middleware: [requires('create', 'ServiceAccountTokens')] as const,
  path: '/{sa_id}/tokens/{token_id}/rotate/',
  tags: TAGS,
  summary: 'Mint a successor and give the old token a grace period',
  request: { params: TokenParams, ...jsonBody(RotateTokenBodySchema) },
  responses: {
    201: json(
      MintedTokenSchema.extend({ previousTokenExpiresAt: z.string() }),
      'The successor, once'
    ),
    ...AUTH_ERRORS,
    ...NOT_FOUND,
  },
});

export const serviceAccountTokenRoutes = createRouter()
  .openapi(list, async (c) => {
    const { sa_id } = c.req.valid('param');
    return c.json(
      { data: await listServiceAccountTokenViews(c.var.db, c.var.principal, sa_id) },
      200
    );
  })
  .openapi(mint, async (c) => {
    const { sa_id } = c.req.valid('param');
    const { db, principal, actor } = c.var;
    const body = c.req.valid('json');
    return c.json(
      await mintServiceAccountToken(db, c.env, principal, actor, sa_id, body, Date.now()),
      201
    );
  })
  .openapi(register, async (c) => {
    const { sa_id } = c.req.valid('param');
    const { db, principal, actor } = c.var;
    const body = c.req.valid('json');
    return c.json(
      await registerServiceAccountToken(db, principal, actor, sa_id, body, Date.now()),
      201
    );
  })
  .openapi(revoke, async (c) => {
    const { sa_id, token_id } = c.req.valid('param');
    await revokeServiceAccountToken(
      c.var.db,
      c.var.principal,
      c.var.actor,
      sa_id,
      token_id,
      Date.now()
    );
    return c.body(null, 204);
  })
  .openapi(rotate, async (c) => {
    const { sa_id, token_id } = c.req.valid('param');
    const { db, principal, actor } = c.var;
    const grace = c.req.valid('json').grace_seconds ?? DEFAULT_GRACE_SECONDS;
    const rotated = await rotateServiceAccountToken(
      db,
      c.env,
      principal,
      actor,
      sa_id,
      token_id,
      grace,
      Date.now()
    );
    return c.json(rotated, 201);
  });
