/**
 * One object per rate-limited caller: a fixed-window request counter. Requests to one object are
 * serialised by its input gate, so two concurrent hits can never both take the last slot.
 *
 * The count lives in memory only. An object is evicted only after it has been idle, and an idle
 * caller's window has almost always ended by then, so losing the count costs at most one extra
 * window's worth of requests; in exchange a hit costs no storage write.
 */
import { DurableObject } from 'cloudflare:workers';

/** The outcome of one request against the limit. */
export interface RateDecision {
  allowed: boolean;
  /** Requests left in the current window. */
  remaining: number;
  /** When refused, whole seconds until the window resets; otherwise 0. */
  retryAfterSeconds: number;
}

export class RateLimiter extends DurableObject<Env> {
  #windowStartMs = 0;
  #count = 0;

  /** Counts one request and says whether it fits in `limit` per `windowMs`. */
  hit(limit: number, windowMs: number): RateDecision {
    const nowMs = Date.now();
    const windowStartMs = nowMs - (nowMs % windowMs);
    if (windowStartMs !== this.#windowStartMs) {
      this.#windowStartMs = windowStartMs;
      this.#count = 0;
    }
    this.#count += 1;
    if (this.#count <= limit) {
      return { allowed: true, remaining: limit - this.#count, retryAfterSeconds: 0 };
    }
    const retryAfterSeconds = Math.max(1, Math.ceil((windowStartMs + windowMs - nowMs) / 1000));
    return { allowed: false, remaining: 0, retryAfterSeconds };
  }
}
