/**
 * `/v1/members/{member_id}/tokens/`: a member's personal access tokens. Listing never returns
 * secret material; registration takes a token the client minted and signed.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { createRouter } from '../middleware/validate';
import {
  listPersonalTokens,
  registerPersonalToken,
  revokePersonalToken,
} from '../tenancy/personal-tokens';
import { AUTH_ERRORS, errorResponse, jsonResponse as json, jsonBody } from './schemas';
import {
  MemberParams,
  MemberTokenParams,
  PersonalTokenSchema,
  RegisterTokenBodySchema,
} from './tenancy-schemas';

const TAGS = ['Personal access tokens'];

const list = createRoute({
  method: 'get',
  path: '/{member_id}/tokens/',
  tags: TAGS,
  summary: "List a member's live tokens (no secret material)",
  request: { params: MemberParams },
  responses: {
    200: json(z.object({ data: z.array(PersonalTokenSchema) }), 'The tokens'),
    ...AUTH_ERRORS,
    404: errorResponse('Member not found'),
  },
});

const register = createRoute({
  method: 'post',
  path: '/{member_id}/tokens/',
  tags: TAGS,
  summary: "Register a token minted from the member's keyring, signed by its identity key",
  request: { params: MemberParams, ...jsonBody(RegisterTokenBodySchema) },
  responses: {
    201: json(PersonalTokenSchema, 'The token'),
    400: errorResponse('Malformed registration or bad signature'),
    ...AUTH_ERRORS,
    404: errorResponse('Member not found'),
    409: errorResponse('Already registered'),
  },
});

const revoke = createRoute({
  method: 'delete',
  path: '/{member_id}/tokens/{token_id}/',
  tags: TAGS,
  summary: 'Revoke a token; it fails from the next request',
  request: { params: MemberTokenParams },
  responses: { 204: { description: 'Revoked' }, ...AUTH_ERRORS, 404: errorResponse('Not found') },
});

export const personalTokenRoutes = createRouter()
  .openapi(list, async (c) => {
    const { member_id } = c.req.valid('param');
    return c.json({ data: await listPersonalTokens(c.var.db, c.var.principal, member_id) }, 200);
  })
  .openapi(register, async (c) => {
    const { member_id } = c.req.valid('param');
    const { db, principal, actor } = c.var;
    const token = await registerPersonalToken(
      db,
      principal,
      actor,
      member_id,
      c.req.valid('json'),
      Date.now()
    );
    return c.json(token, 201);
  })
  .openapi(revoke, async (c) => {
    const { member_id, token_id } = c.req.valid('param');
    const { db, principal, actor } = c.var;
    await revokePersonalToken(db, principal, actor, member_id, token_id, Date.now());
    return c.body(null, 204);
  });
