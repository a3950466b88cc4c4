/**
 * Requires an authenticated caller and puts it on `c.var.principal`, with the actor the audit
 * log records. Refusals are 401 with `WWW-Authenticate: Bearer`; the precise reason goes to the
 * log only. A token's `last_used_at` is written after the response, at most once a minute.
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { SqlResult } from '../../db/client';
import { touchTokenLastUsed } from '../../db/queries/tokens';
import { type AuthFailure, authenticate } from '../auth/authenticate';
import { type Actor, actorFor, type Principal } from '../auth/principal';
import { ApiError } from '../errors';
import { applicablePolicies, clientAddressFrom, isAddressAllowed } from '../network/enforce';
import type { DbVariables } from './db';
import type { RequestContextVariables } from './request-context';

export type AuthVariables = {
  principal: Principal;
  actor: Actor;
  /** The answer to this request's read-ahead (see {@link ReadAhead}), or null if it had none. */
  readAhead: SqlResult | null;
};

type AuthEnv = {
  Bindings: Env;
  Variables: RequestContextVariables & DbVariables & AuthVariables;
};

/**
 * Chooses the read, if any, that a request's handler will make, so it can travel in the same
 * D1 batch as the token lookup: one round trip instead of two on the paths SDKs call most.
 * The statement takes the bearer digest as `?1`; its answer waits on `c.var.readAhead` and is
 * only used after the caller has been admitted.
 */
export type ReadAhead = (c: Context<AuthEnv>, bearerDigest: string) => D1PreparedStatement | null;

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

const DEFAULT_CLIENT_IP_HEADER = 'CF-Connecting-IP';

type HeaderSource = { header(name: string): string | undefined };

/** The client address from the header named by `CLIENT_IP_HEADER` (CF-Connecting-IP). */
export function clientAddress(req: HeaderSource, headerName?: string) {
  return clientAddressFrom(req.header(headerName || DEFAULT_CLIENT_IP_HEADER));
}

export function requireAuth(readAhead?: ReadAhead): MiddlewareHandler<AuthEnv> {
  return async function requireAuthMiddleware(c, next) {
    const nowMs = Date.now();
    const alongside = readAhead && ((digest: string) => readAhead(c, digest));
    const result = await authenticate(c.var.db, c.req.header('Authorization'), nowMs, alongside);
    if (!result.ok) throw refusal(result.reason);

    const { principal, lastUsedAt } = result;
    const address = clientAddress(c.req, c.env.CLIENT_IP_HEADER);
    if (!isAddressAllowed(applicablePolicies(principal.network), address)) {
      throw new ApiError('network_policy_denied', undefined, {
        internal: { reason: 'network_policy' },
      });
    }
    c.set('principal', principal);
    c.set('readAhead', result.alongside);
    c.set('actor', actorFor(principal, requestOrigin(c.req, c.env.CLIENT_IP_HEADER)));

    if (lastUsedAt === null || nowMs - lastUsedAt >= LAST_USED_INTERVAL_MS) {
      const staleBefore = nowMs - LAST_USED_INTERVAL_MS;
      c.executionCtx.waitUntil(touchTokenLastUsed(c.var.db, principal.tokenId, nowMs, staleBefore));
    }
    await next();
  };
}

/** Where a request came from, for the audit log. */
export function requestOrigin(req: HeaderSource, headerName?: string) {
  return { ipAddress: clientAddress(req, headerName), userAgent: req.header('User-Agent') ?? null };
}
