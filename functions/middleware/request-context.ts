/**
 * First in the pipeline: gives the request an id and a logger that carries it, and writes one
 * access line when the response is ready. A caller-supplied `X-Request-Id` is kept when it is a
 * plausible id, so traces join up across services; anything else is replaced, because the id is
 * echoed in a header and in every log line.
 */
import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import { createLogger, type Logger, parseLogLevel } from '../log';

export type RequestContextVariables = {
  requestId: string;
  log: Logger;
};

const ACCEPTED_REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** Returns the caller's request id if it is acceptable, else a fresh UUID. */
export function chooseRequestId(supplied: string | undefined): string {
  return supplied && ACCEPTED_REQUEST_ID.test(supplied) ? supplied : crypto.randomUUID();
}

export function requestContext(): MiddlewareHandler<{
  Bindings: { LOG_LEVEL?: string };
  Variables: RequestContextVariables;
}> {
  return async function requestContextMiddleware(c, next) {
    const startedAt = Date.now();
    const requestId = chooseRequestId(c.req.header('X-Request-Id'));
    const log = createLogger(parseLogLevel(c.env.LOG_LEVEL), { requestId });
    c.set('requestId', requestId);
    c.set('log', log);

    await next();

    c.res.headers.set('X-Request-Id', requestId);
    // Responses carry tokens, keyrings and ciphertext; no cache on the way may keep one.
    if (!c.res.headers.has('Cache-Control')) c.res.headers.set('Cache-Control', 'no-store');
    const status = c.res.status;
    // 4xx is the caller's business and logs at info; only 5xx is ours to be paged about.
    const level = status >= 500 ? 'error' : 'info';
    log[level]('request', {
      method: c.req.method,
      route: routePath(c),
      status,
      durationMs: Date.now() - startedAt,
    });
  };
}
