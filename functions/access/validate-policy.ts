/**
 * Validation of a custom role's policy as Phase's REST API performs it (phase-rest.md §7.4):
 * exactly the keys `permissions` and `app_permissions` (`appPermissions` accepted as an alias),
 * resources and actions drawn from the Owner template, and no `global_access`, which only
 * managed roles carry. Messages are Phase's, word for word, because clients show them.
 */
import { type Action, APP_RESOURCES, ORG_RESOURCES, type Policy } from './policies';

export type PolicyCheck = { ok: true; policy: Policy } | { ok: false; message: string };

const REQUIRED_KEYS = ['app_permissions', 'permissions'];
// Plain code-point order, as Phase sorts: upper case before lower case.
const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const sorted = (items: Iterable<string>) => [...items].sort(byCodePoint).join(', ');

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkMap(
  value: unknown,
  level: 'org' | 'app',
  catalogue: Record<string, readonly Action[]>
): { ok: true; map: Policy['permissions'] } | { ok: false; message: string } {
  if (value === null || value === undefined) return { ok: true, map: {} };
  const label = level === 'org' ? 'permissions' : 'app_permissions';
  if (!isPlainObject(value)) return { ok: false, message: `${label} must be a JSON object.` };
  const map: Policy['permissions'] = Object.create(null);
  for (const [resource, actions] of Object.entries(value)) {
    // Own properties only: `constructor` or `__proto__` must read as unknown classes.
    const allowed = Object.hasOwn(catalogue, resource) ? catalogue[resource] : undefined;
    if (!allowed) {
      const classes = sorted(Object.keys(catalogue));
      return {
        ok: false,
        message: `Unknown ${level} permission class: '${resource}'. Valid classes: ${classes}.`,
      };
    }
    if (!Array.isArray(actions)) {
      return { ok: false, message: `Actions for '${resource}' must be an array.` };
    }
    for (const action of actions) {
      if (!allowed.includes(action)) {
        const valid = sorted(allowed);
        const message =
          `Unknown action '${String(action)}' for ${level} permission class '${resource}'. ` +
          `Valid actions: ${valid}.`;
        return { ok: false, message };
      }
    }
    map[resource] = actions as Action[];
  }
  return { ok: true, map };
}

function normaliseKeys(value: Record<string, unknown>): Record<string, unknown> {
  const out = { ...value };
  if ('appPermissions' in out && !('app_permissions' in out)) {
    out.app_permissions = out.appPermissions;
    delete out.appPermissions;
  }
  return out;
}

/** Checks a policy supplied over REST and returns it in stored (snake_case) form. */
export function validateCustomPolicy(value: unknown): PolicyCheck {
  if (!isPlainObject(value) || Object.keys(value).length === 0) {
    return { ok: false, message: 'Missing required field: permissions (must be a JSON object)' };
  }
  const input = normaliseKeys(value);
  const unknown = Object.keys(input).filter((key) => !REQUIRED_KEYS.includes(key));
  if (unknown.length > 0) {
    const message =
      `Unknown top-level keys: ${sorted(unknown)}. ` +
      'Allowed keys: permissions, app_permissions.';
    return { ok: false, message };
  }
  const missing = REQUIRED_KEYS.filter((key) => !(key in input));
  if (missing.length > 0) {
    const message =
      `Missing required keys: ${sorted(missing)}. ` +
      'Required keys: permissions, app_permissions.';
    return { ok: false, message };
  }
  const org = checkMap(input.permissions, 'org', ORG_RESOURCES);
  if (!org.ok) return org;
  const app = checkMap(input.app_permissions, 'app', APP_RESOURCES);
  if (!app.ok) return app;
  return { ok: true, policy: { permissions: org.map, app_permissions: app.map } };
}
