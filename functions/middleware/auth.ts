/**
 * Requires an authenticated caller and puts it on `c.var.principal`, with the actor the audit
 * log records. Refusals are 401 with `WWW-Authenticate: Bearer`; the precise reason goes to the
 * log only. A token's `last_used_at` is written after the response, at most once a minute.
 */
import type { MiddlewareHandler } from 'hono';
import { touchTokenLastUsed } from '../../db/queries/tokens';
import { type AuthFailure, authenticate } from '../auth/authenticate';
import { type Actor, actorFor, type Principal } from '../auth/principal';
import { ApiError } from '../errors';
import type { DbVariables } from './db';
import type { RequestContextVariables } from './request-context';

export type AuthVariables = {
  principal: Principal;
  actor: Actor;
};

const LAST_USED_INTERVAL_MS = 60_000;
const CHALLENGE = { 'WWW-Authenticate': 'Bearer' };

function refusal(reason: AuthFailure): ApiError {
  const internal = { reason };
  if (reason === 'missing')
    return new ApiError('unauthenticated', undefined, { headers: CHALLENGE, internal });
  if (reason === 'malformed' || reason === 'unknown_type') {
    return new ApiError('invalid_token', 'Invalid token', { headers: CHALLENGE, internal });
  }
  return new ApiError('invalid_token', undefined, { headers: CHALLENGE, internal });
}

/** The client address, as the edge reports it. */
export function clientAddress(headers: { header(name: string): string | undefined }) {
  return headers.header('CF-Connecting-IP') ?? null;
}

export function requireAuth(): MiddlewareHandler<{
  Bindings: Env;
  Variables: RequestContextVariables & DbVariables & AuthVariables;
}> {
  return async function requireAuthMiddleware(c, next) {
    const nowMs = Date.now();
    const result = await authenticate(c.var.db, c.req.header('Authorization'), nowMs);
    if (!result.ok) throw refusal(result.reason);

    const { principal, lastUsedAt } = result;
    c.set('principal', principal);
    const origin = {
      ipAddress: clientAddress(c.req),
      userAgent: c.req.header('User-Agent') ?? null,
    };
    c.set('actor', actorFor(principal, origin));

    if (lastUsedAt === null || nowMs - lastUsedAt >= LAST_USED_INTERVAL_MS) {
      const staleBefore = nowMs - LAST_USED_INTERVAL_MS;
      c.executionCtx.waitUntil(touchTokenLastUsed(c.var.db, principal.tokenId, nowMs, staleBefore));
    }
    await next();
  };
}

/** Where a request came from, for the audit log. */
export function requestOrigin(req: { header(name: string): string | undefined }) {
  return { ipAddress: clientAddress(req), userAgent: req.header('User-Agent') ?? null };
}
