/**
 * Per-caller rate limiting through one {@link RateLimiter} object per caller. Until a request is
 * authenticated the caller is its client address; `RATE_LIMIT_PER_MINUTE` sets the budget and
 * "0" turns the check off (as an unset rate does in Phase).
 */
import type { MiddlewareHandler } from 'hono';
import { ApiError } from '../errors';

const WINDOW_MS = 60_000;
const DEFAULT_PER_MINUTE = 600;

/** Reads the per-minute budget: a whole number, 0 meaning off, default 600. */
export function parsePerMinute(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return DEFAULT_PER_MINUTE;
  const perMinute = Number(value);
  return Number.isSafeInteger(perMinute) && perMinute >= 0 ? perMinute : DEFAULT_PER_MINUTE;
}

export function rateLimit(): MiddlewareHandler<{ Bindings: Env }> {
  return async function rateLimitMiddleware(c, next) {
    const perMinute = parsePerMinute(c.env.RATE_LIMIT_PER_MINUTE);
    if (perMinute === 0) return next();

    const caller = `ip:${c.req.header('CF-Connecting-IP') ?? 'unknown'}`;
    const limiter = c.env.RATE_LIMITER.get(c.env.RATE_LIMITER.idFromName(caller));
    const decision = await limiter.hit(perMinute, WINDOW_MS);
    if (!decision.allowed) {
      const seconds = decision.retryAfterSeconds;
      const wait = `${seconds} second${seconds === 1 ? '' : 's'}`;
      throw new ApiError('rate_limited', `Request was throttled. Expected available in ${wait}.`, {
        headers: { 'Retry-After': String(decision.retryAfterSeconds) },
        internal: { reason: 'rate_limited' },
      });
    }
    await next();
  };
}
