/**
 * Request-body handling shared by every route: a size cap applied before anything reads the
 * body, and Phase's rule that a body is JSON whatever its Content-Type says.
 */
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { ApiError } from '../errors';

const DEFAULT_MAX_BODY_BYTES = 1_048_576;
const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i;

/** Reads `MAX_BODY_BYTES`, falling back to 1 MiB when it is unset or not a positive integer. */
export function parseMaxBodyBytes(value: string | undefined): number {
  const bytes = Number(value);
  return Number.isSafeInteger(bytes) && bytes > 0 ? bytes : DEFAULT_MAX_BODY_BYTES;
}

/** Refuses bodies over `MAX_BODY_BYTES` with 413 payload_too_large before they are parsed. */
export function limitBody(): MiddlewareHandler<{ Bindings: { MAX_BODY_BYTES?: string } }> {
  return async function limitBodyMiddleware(c, next) {
    const limit = bodyLimit({
      maxSize: parseMaxBodyBytes(c.env.MAX_BODY_BYTES),
      onError: () => {
        throw new ApiError('payload_too_large');
      },
    });
    return limit(c, next);
  };
}

/**
 * Relabels a request body as JSON. The Phase Node SDK sends JSON labelled
 * `application/x-www-form-urlencoded` (POST, PUT) or `text/plain` (DELETE), and Phase parses it
 * as JSON regardless; doing the same here, once, lets every validator read `json` and means a
 * form-encoded body is refused as malformed JSON rather than silently validated as `{}`.
 */
export function treatBodyAsJson(): MiddlewareHandler {
  return async function treatBodyAsJsonMiddleware(c, next) {
    const raw = c.req.raw;
    const mediaType = raw.headers.get('Content-Type')?.split(';')[0]?.trim() ?? '';
    if (raw.body && !JSON_MEDIA_TYPE.test(mediaType)) {
      const headers = new Headers(raw.headers);
      headers.set('Content-Type', 'application/json');
      c.req.raw = new Request(raw, { headers });
    }
    await next();
  };
}
