/**
 * The operator's routes (creating organisations, later root-key rotation) take
 * `Authorization: Bearer <BOOTSTRAP_TOKEN>`. Both sides are hashed before the constant-time
 * compare, so neither the secret's content nor its length shows in the timing.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import type { MiddlewareHandler } from 'hono';
import { constantTimeEqual } from '../crypto/compare';
import { utf8ToBytes } from '../crypto/encoding';
import { ApiError } from '../errors';
import type { RequestContextVariables } from './request-context';

const CHALLENGE = { 'WWW-Authenticate': 'Bearer' };

/** Whether `presented` is the configured operator secret; false when none is configured. */
export function isOperatorSecret(presented: string, configured: string | undefined): boolean {
  if (!configured) return false;
  return constantTimeEqual(sha256(utf8ToBytes(presented)), sha256(utf8ToBytes(configured)));
}

export function requireOperator(): MiddlewareHandler<{
  Bindings: { BOOTSTRAP_TOKEN?: string };
  Variables: RequestContextVariables;
}> {
  return async function requireOperatorMiddleware(c, next) {
    const header = c.req.header('Authorization');
    if (!header) throw new ApiError('unauthenticated', undefined, { headers: CHALLENGE });
    if (!c.env.BOOTSTRAP_TOKEN)
      c.var.log.warn('operator route called but BOOTSTRAP_TOKEN is unset');

    const [scheme, secret, ...rest] = header.split(' ');
    const ok = scheme?.toLowerCase() === 'bearer' && rest.length === 0 && secret !== undefined;
    if (!ok || !isOperatorSecret(secret, c.env.BOOTSTRAP_TOKEN)) {
      throw new ApiError('invalid_token', 'Invalid token', {
        headers: CHALLENGE,
        internal: { reason: 'bad_operator_secret' },
      });
    }
    await next();
  };
}
