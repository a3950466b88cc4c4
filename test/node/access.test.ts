import { describe, expect, it } from 'vitest';
import { hasGlobalAccess, policyGrants, policyOf } from '../../functions/access/check';
import { MANAGED_ROLE_NAMES } from '../../functions/access/policies';
import { validateCustomPolicy } from '../../functions/access/validate-policy';

// phase-reference.md §4.1, transcribed cell by cell: one column per role in the order
// Owner, Admin, Manager, Developer, Service; letters are the actions granted, '-' none.
const ORG_MATRIX: Record<string, string[]> = {
  Organisation: ['CRUD', 'RU', 'R', '-', '-'],
  Billing: ['CRUD', 'CRUD', 'CRUD', '-', '-'],
  Apps: ['CRUD', 'CRUD', 'CRUD', 'R', 'CRU'],
  Members: ['CRUD', 'CRUD', 'CRUD', 'R', 'R'],
  MemberPersonalAccessTokens: ['CRUD', 'CRUD', '-', '-', '-'],
  ServiceAccounts: ['CRUD', 'CRUD', 'CRUD', '-', 'R'],
  ServiceAccountTokens: ['CRUD', 'CRUD', 'CRUD', '-', 'R'],
  ExternalIdentities: ['CRUD', 'CRUD', 'CRUD', '-', 'R'],
  Roles: ['CRUD', 'CRUD', 'CRUD', 'R', 'R'],
  IntegrationCredentials: ['CRUD', 'CRUD', 'CRUD', 'CRU', 'R'],
  NetworkAccessPolicies: ['CRUD', 'CRUD', 'CRUD', 'R', 'R'],
  Logs: ['R', 'R', 'R', 'R', '-'],
  SSO: ['CRUD', 'CRUD', '-', '-', '-'],
  Teams: ['CRUD', 'CRUD', 'CRUD', 'R', '-'],
  SCIM: ['CRUD', 'CRUD', '-', '-', '-'],
  LogStreams: ['CRUD', 'CRUD', '-', '-', '-'],
};

const APP_MATRIX: Record<string, string[]> = {
  Environments: ['CRUD', 'CRUD', 'CRU', 'CRU', 'CRUD'],
  Secrets: ['CRUD', 'CRUD', 'CRUD', 'CRUD', 'CRUD'],
  DynamicSecretLeases: ['CRUD', 'CRUD', 'CRUD', 'CR', 'CR'],
  RotatingSecrets: ['CRUD', 'CRUD', 'CRUD', 'R', 'R'],
  Lockbox: ['CRUD', 'CRUD', 'CRUD', 'CRUD', '-'],
  Logs: ['CRUD', 'CRUD', 'CRUD', 'R', '-'],
  Tokens: ['CRUD', 'CRUD', 'CRUD', 'CR', '-'],
  Members: ['CRUD', 'CRUD', 'CRUD', 'R', 'R'],
  ServiceAccounts: ['CRUD', 'CRUD', 'CRUD', 'C', 'R'],
  Integrations: ['CRUD', 'CRUD', 'CRUD', 'CRUD', 'R'],
  EncryptionMode: ['RU', 'RU', 'RU', 'RU', 'R'],
  Teams: ['CRUD', 'CRUD', 'CRUD', 'R', 'R'],
};

const ACTION_LETTERS = [
  ['create', 'C'],
  ['read', 'R'],
  ['update', 'U'],
  ['delete', 'D'],
] as const;

function cells(matrix: Record<string, string[]>, level: 'org' | 'app') {
  return MANAGED_ROLE_NAMES.flatMap((role, column) =>
    Object.entries(matrix).flatMap(([resource, row]) =>
      ACTION_LETTERS.map(([action, letter]) => ({
        role,
        resource,
        action,
        level,
        granted: (row[column] ?? '').includes(letter),
      }))
    )
  );
}

const managed = (name: string) => policyOf({ name, isDefault: true, permissions: '{}' });

describe('managed role matrix (phase-reference.md §4.1)', () => {
  const all = [...cells(ORG_MATRIX, 'org'), ...cells(APP_MATRIX, 'app')];

  it('covers every role, resource and action', () => {
    expect(all).toHaveLength(5 * (16 + 12) * 4);
  });

  it.each(all)(
    '$role $level $resource $action → $granted',
    ({ role, resource, action, level, granted }) => {
      expect(policyGrants(managed(role), action, resource, level)).toBe(granted);
    }
  );

  it('gives global access to Owner and Admin only', () => {
    const global = MANAGED_ROLE_NAMES.filter((name) => hasGlobalAccess(managed(name)));
    expect(global).toEqual(['Owner', 'Admin']);
  });

  it('grants nothing for an unknown managed name or unreadable stored JSON', () => {
    expect(policyGrants(managed('Auditor'), 'read', 'Apps')).toBe(false);
    const broken = policyOf({ name: 'x', isDefault: false, permissions: '{not json' });
    expect(policyGrants(broken, 'read', 'Apps')).toBe(false);
  });
});

describe('validateCustomPolicy()', () => {
  const good = { permissions: { Apps: ['read'] }, app_permissions: { Secrets: ['read'] } };

  it('accepts a subset of the Owner template and accepts appPermissions as an alias', () => {
    expect(validateCustomPolicy(good)).toEqual({ ok: true, policy: good });
    const aliased = { permissions: {}, appPermissions: { Secrets: ['read'] } };
    expect(validateCustomPolicy(aliased)).toEqual({
      ok: true,
      policy: { permissions: {}, app_permissions: { Secrets: ['read'] } },
    });
  });

  it.each([
    [undefined, 'Missing required field: permissions (must be a JSON object)'],
    [{}, 'Missing required field: permissions (must be a JSON object)'],
    [
      { ...good, global_access: true },
      'Unknown top-level keys: global_access. Allowed keys: permissions, app_permissions.',
    ],
    [
      { permissions: {} },
      'Missing required keys: app_permissions. Required keys: permissions, app_permissions.',
    ],
    [{ permissions: [], app_permissions: {} }, 'permissions must be a JSON object.'],
    [
      { permissions: {}, app_permissions: { Secrets: 'read' } },
      "Actions for 'Secrets' must be an array.",
    ],
    [
      { permissions: { Logs: ['update'] }, app_permissions: {} },
      "Unknown action 'update' for org permission class 'Logs'. Valid actions: read.",
    ],
    [
      { permissions: {}, app_permissions: { EncryptionMode: ['delete'] } },
      "Unknown action 'delete' for app permission class 'EncryptionMode'. " +
        'Valid actions: read, update.',
    ],
  ])('refuses %j with Phase’s message', (input, message) => {
    expect(validateCustomPolicy(input)).toEqual({ ok: false, message });
  });

  it('lists valid classes in code-point order', () => {
    const result = validateCustomPolicy({ permissions: { Nope: [] }, app_permissions: {} });
    expect(result.ok).toBe(false);
    const message = result.ok ? '' : result.message;
    expect(message).toContain('Valid classes: Apps, Billing, ExternalIdentities,');
    expect(message).toContain('LogStreams, Logs, MemberPersonalAccessTokens');
    expect(message).toContain('SCIM, SSO, ServiceAccountTokens, ServiceAccounts, Teams.');
  });
});
