/**
 * Builds the Hono app: the middleware pipeline in the order ARCHITECTURE.md §2 gives, the route
 * mounts, and the single error handler. Nothing else writes an error body.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { AppEnv } from './env';
import { ApiError, toErrorResponse } from './errors';
import { limitBody, treatBodyAsJson } from './middleware/body';
import { rateLimit } from './middleware/rate-limit';
import { requestContext } from './middleware/request-context';
import { allowedMethods, canonicalPath } from './middleware/routing';
import { rejectInvalid } from './middleware/validate';
import { healthRoutes } from './routes/health';
import { mountReference } from './routes/reference';

/** Maps anything thrown to the common error shape; unknown errors never show their message. */
function handleError(err: Error, c: Context<AppEnv>): Response {
  const log = c.get('log');
  const requestId = c.get('requestId');
  if (err instanceof ApiError) {
    log?.info('request refused', { code: err.code, reason: err.internal?.reason ?? err.code });
    return toErrorResponse(err, requestId);
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

export function createApp(): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid, getPath: canonicalPath });

  app.use(requestContext());
  app.use(limitBody());
  app.use(treatBodyAsJson());
  app.use(rateLimit());

  app.route('/', healthRoutes);
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
