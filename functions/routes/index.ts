/**
 * Every resource router, mounted where Phase serves it. Authentication runs once per request for
 * the prefixes that need it, however many routers share a prefix.
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../env';
import { type ReadAhead, requireAuth } from '../middleware/auth';
import { appRoutes } from './apps';
import { bootstrapRoutes } from './bootstrap';
import { e2eeSecretRoutes, readSecretsAhead } from './e2ee-secrets';
import { environmentRoutes } from './environments';
import { healthRoutes } from './health';
import { kmsRoutes } from './kms';
import { memberRoutes } from './members';
import { networkPolicyRoutes } from './network-policies';
import { personalTokenRoutes } from './personal-tokens';
import { roleRoutes } from './roles';
import { readSessionAhead, secretsTokenRoutes } from './secrets-tokens';
import { serviceAccountAccessRoutes } from './service-account-access';
import { serviceAccountKeyRoutes } from './service-account-keys';
import { serviceAccountTokenRoutes } from './service-account-tokens';
import { serviceAccountRoutes } from './service-accounts';
import { sseSecretRoutes } from './sse-secrets';

export function mountRoutes(app: OpenAPIHono<AppEnv>): void {
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
  // Reads that travel with the token lookup, by prefix (see ReadAhead).
  const readAheads: Record<string, ReadAhead> = {
    '/secrets/': (c, digest) => readSecretsAhead(c, digest) ?? readSessionAhead(c, digest),
  };
  for (const prefix of authenticated) {
    app.use(`${prefix}*`, requireAuth(readAheads[prefix]));
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
}
