/**
 * Builds the Hono app: the middleware pipeline in the order ARCHITECTURE.md §2 gives, the route
 * mounts, and the single error handler. Nothing else writes an error body.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { isUniqueViolation } from '../db/errors';
import { CryptoError, KmsConfigError } from './crypto/errors';
import type { AppEnv } from './env';
import { ApiError, toErrorResponse } from './errors';
import { requireAuth } from './middleware/auth';
import { limitBody, treatBodyAsJson } from './middleware/body';
import { database } from './middleware/db';
import { rateLimit } from './middleware/rate-limit';
import { requestContext } from './middleware/request-context';
import { allowedMethods, canonicalPath } from './middleware/routing';
import { rejectInvalid } from './middleware/validate';
import { appRoutes } from './routes/apps';
import { bootstrapRoutes } from './routes/bootstrap';
import { e2eeSecretRoutes } from './routes/e2ee-secrets';
import { environmentRoutes } from './routes/environments';
import { healthRoutes } from './routes/health';
import { kmsRoutes } from './routes/kms';
import { memberRoutes } from './routes/members';
import { networkPolicyRoutes } from './routes/network-policies';
import { personalTokenRoutes } from './routes/personal-tokens';
import { mountReference } from './routes/reference';
import { roleRoutes } from './routes/roles';
import { secretsTokenRoutes } from './routes/secrets-tokens';
import { serviceAccountAccessRoutes } from './routes/service-account-access';
import { serviceAccountKeyRoutes } from './routes/service-account-keys';
import { serviceAccountTokenRoutes } from './routes/service-account-tokens';
import { serviceAccountRoutes } from './routes/service-accounts';
import { sseSecretRoutes } from './routes/sse-secrets';

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

export function createApp(): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid, getPath: canonicalPath });

  app.use(requestContext());
  app.use(limitBody());
  app.use(treatBodyAsJson());
  app.use(rateLimit());
  app.use(database());

  // Everything under these needs a bearer; one middleware per prefix, so a request is
  // authenticated exactly once however many routers share the prefix.
  const authenticated = [
    '/v1/apps/',
    '/v1/environments/',
    '/v1/members/',
    '/v1/network-access-policies/',
    '/v1/roles/',
    '/v1/secrets/',
    '/v1/service-accounts/',
    '/secrets/',
  ];
  for (const prefix of authenticated) {
    app.use(`${prefix}*`, requireAuth());
  }

  app.route('/', healthRoutes);
  app.route('/v1/bootstrap/', bootstrapRoutes);
  app.route('/v1/kms/', kmsRoutes);
  app.route('/v1/members/', memberRoutes);
  app.route('/v1/members/', personalTokenRoutes);
  app.route('/v1/roles/', roleRoutes);
  app.route('/v1/service-accounts/', serviceAccountKeyRoutes);
  app.route('/v1/service-accounts/', serviceAccountRoutes);
  app.route('/v1/service-accounts/', serviceAccountTokenRoutes);
  app.route('/v1/service-accounts/', serviceAccountAccessRoutes);
  app.route('/v1/', networkPolicyRoutes);
  app.route('/v1/apps/', appRoutes);
  app.route('/v1/environments/', environmentRoutes);
  app.route('/v1/secrets/', sseSecretRoutes);
  app.route('/', secretsTokenRoutes);
  app.route('/', e2eeSecretRoutes);
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
