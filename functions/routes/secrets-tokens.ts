/**
 * `GET /service/secrets/tokens/` (served at `/secrets/tokens/` under every prefix): what a Phase
 * SDK fetches first to rebuild its key: the wrapped share of the calling token, the account and
 * organisation, and the apps with their environment keys. snake_case whatever the request says,
 * as Phase answers; unlike Phase, a missing or bad header is a 401, never a 500 (§10.6).
 */
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../env';
import { isReadOf } from '../middleware/routing';
import { createRouter } from '../middleware/validate';
import { sessionKeys, sessionKeysStatement } from '../service-accounts/session';
import { AUTH_ERRORS, jsonResponse } from './schemas';

const SessionSchema = z
  .object({
    wrapped_key_share: z.string(),
    account_id: z.string().optional().openapi({ description: 'Service-account tokens' }),
    user_id: z.string().optional().openapi({ description: 'Personal access tokens' }),
    offline_enabled: z.boolean(),
    organisation: z.object({ id: z.string(), name: z.string() }),
    apps: z.array(z.unknown()),
  })
  .openapi('SecretsSession');

const get = createRoute({
  method: 'get',
  path: '/secrets/tokens/',
  tags: ['SDK'],
  summary: "The calling token's wrapped key share and environment keys",
  responses: { 200: jsonResponse(SessionSchema, 'The session'), ...AUTH_ERRORS },
});

/** The session's keys travel in the same D1 batch as the caller's token (see ReadAhead). */
export function readSessionAhead(c: Context<AppEnv>, bearerDigest: string) {
  if (!isReadOf(c.req.raw, '/secrets/tokens/')) return null;
  return sessionKeysStatement(c.var.db, bearerDigest);
}

export const secretsTokenRoutes = createRouter().openapi(get, async (c) =>
  c.json(sessionKeys(c.var.principal, c.var.readAhead), 200)
);
