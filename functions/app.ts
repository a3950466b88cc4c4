/**
 * Builds the Hono app: the middleware pipeline in the order ARCHITECTURE.md §2 gives, the route
 * mounts, and the single error handler. Nothing else writes an error body.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { isUniqueViolation } from '../db/errors';
import { CryptoError, KmsConfigError } from './crypto/errors';
import type { AppEnv } from './env';
import { ApiError, toErrorResponse } from './errors';
import { limitBody, treatBodyAsJson } from './middleware/body';
import { database } from './middleware/db';
import { rateLimit } from './middleware/rate-limit';
import { requestContext } from './middleware/request-context';
import { allowedMethods, canonicalPath } from './middleware/routing';
import { rejectInvalid } from './middleware/validate';
import { mountRoutes } from './routes';
import { mountReference } from './routes/reference';

/** Maps anything thrown to the common error shape; unknown errors never show their message. */
function handleError(err: Error, c: Context<AppEnv>): Response {
  const log = c.get('log');
  const requestId = c.get('requestId');
  if (err instanceof ApiError) {
    log?.info('request refused', { code: err.code, reason: err.internal?.reason ?? err.code });
    return toErrorResponse(err, requestId);
  }
  // Malformed keys, envelopes or tokens in a request: the caller's input, never our 500.
  if (err instanceof CryptoError) {
    log?.info('request refused', { code: 'invalid_request', reason: err.reason });
    const error = new ApiError('invalid_request', `Invalid cryptographic input: ${err.message}.`);
    return toErrorResponse(error, requestId);
  }
  if (err instanceof KmsConfigError) {
    log?.error('server secret misconfigured', { variable: err.variable });
    return toErrorResponse(new ApiError('server_error'), requestId);
  }
  // A duplicate that slipped past a check-then-write race: the index refused it, nothing changed.
  if (isUniqueViolation(err)) {
    log?.info('request refused', { code: 'conflict', reason: 'unique_violation' });
    return toErrorResponse(new ApiError('conflict'), requestId);
  }
  // Hono raises these for a body that is not JSON; they are the caller's fault, not ours.
  if (err instanceof HTTPException && err.status === 400) {
    return toErrorResponse(
      new ApiError('invalid_request', 'Malformed JSON in request body.'),
      requestId
    );
  }
  log?.error('unhandled error', { error: err });
  return toErrorResponse(new ApiError('server_error'), requestId);
}

/** Hooks for builds other than the deployed one (the benchmark build uses them). */
export interface AppOptions {
  /** Middleware run before all others, such as instrumentation. */
  prelude?: MiddlewareHandler<AppEnv>[];
  /** Routes added before the API reference is built. */
  extraRoutes?: (app: OpenAPIHono<AppEnv>) => void;
}

export function createApp(options: AppOptions = {}): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid, getPath: canonicalPath });

  for (const middleware of options.prelude ?? []) app.use(middleware);
  app.use(requestContext());
  app.use(limitBody());
  app.use(treatBodyAsJson());
  app.use(rateLimit());
  app.use(database());

  mountRoutes(app);
  options.extraRoutes?.(app);
  mountReference(app);

  app.notFound((c) => {
    const allow = allowedMethods(app.routes, canonicalPath(c.req.raw));
    const error =
      allow.length > 0
        ? new ApiError('method_not_allowed', `Method "${c.req.method}" not allowed.`, {
            headers: { Allow: allow.join(', ') },
          })
        : new ApiError('not_found');
    return toErrorResponse(error, c.get('requestId'));
  });
  app.onError(handleError);
  return app;
}
