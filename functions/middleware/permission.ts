/**
 * The organisation permission a route's operation checks first, checked before the request
 * body is validated. Phase answers a caller without the permission with 403 whatever it sent,
 * and only then reports what is wrong with the body (phase-rest.md: "Precedence, after the
 * permission check"); the body hook runs before the handler, so the check goes here as route
 * middleware. The operation keeps its own check: this only puts the answers in Phase's order.
 */
import type { MiddlewareHandler } from 'hono';
import { requirePermission } from '../access/authorize';
import type { Action, OrgResource } from '../access/policies';
import type { AppEnv } from '../env';

/** How Phase names a resource in its refusal: `ServiceAccountTokens`, "service account tokens". */
export function resourcePhrase(resource: OrgResource): string {
  return resource.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

export function requires(action: Action, resource: OrgResource): MiddlewareHandler<AppEnv> {
  const phrase = resourcePhrase(resource);
  return async function requiresPermission(c, next) {
    requirePermission(c.var.principal, action, resource, phrase);
    await next();
  };
}
