import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes } from '../../functions/crypto/encoding';
import { rebuildKxSecretKey } from '../../functions/crypto/tokens';
import { addMember, addServiceAccount, bootstrapOrg, call, roleId, rows } from './helpers/api';

const SA_TOKEN = /^pss_service:v2:[0-9a-f]{64}:[0-9a-f]{64}:[0-9a-f]{64}:[0-9a-f]{64}$/;

async function countAccounts(organisationId: string) {
  const [row] = await rows(
    'SELECT COUNT(*) AS n FROM service_accounts WHERE organisation_id = ?',
    organisationId
  );
  return row?.n;
}

describe('POST /v1/service-accounts/ (server-side KMS)', () => {
  it('creates the account with its keyring in the KMS envelope and a one-time token', async () => {
    const org = await bootstrapOrg();
    const service = await roleId(org.auth, 'Service');
    const res = await call('POST', '/v1/service-accounts/', org.auth, {
      name: 'ci-runner',
      role_id: service,
      token_name: 'github-actions',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: 'ci-runner',
      role: { id: service, name: 'Service' },
      kmsMode: 'server',
    });
    const { initialToken } = res.body;
    expect(initialToken).toMatchObject({ name: 'github-actions', expiresAt: null });
    expect(initialToken.token).toMatch(SA_TOKEN);
    expect(initialToken.bearerToken).toBe(`ServiceAccount ${initialToken.token.split(':')[2]}`);

    const [keyring] = await rows(
      'SELECT * FROM service_account_keyrings WHERE service_account_id = ?',
      res.body.id
    );
    expect(keyring?.envelope).toMatch(/^kms:v1:2:/);
    const [token] = await rows('SELECT * FROM tokens WHERE service_account_id = ?', res.body.id);
    const kxSecret = rebuildKxSecretKey(initialToken.token, token?.wrapped_key_share as string);
    const montgomery = ed25519.utils.toMontgomery(hexToBytes(res.body.identityKey));
    expect(bytesToHex(x25519.getPublicKey(kxSecret))).toBe(bytesToHex(montgomery));

    const dump =
      JSON.stringify(await rows('SELECT * FROM tokens')) +
      JSON.stringify(await rows('SELECT * FROM service_account_keyrings'));
    for (const part of initialToken.token.split(':').slice(2)) {
      if (part !== bytesToHex(montgomery)) expect(dump).not.toContain(part);
    }
  });

  it('lets the new token act as the account at once', async () => {
    const org = await bootstrapOrg();
    const sa = await addServiceAccount(org.auth, await roleId(org.auth, 'Service'));
    const res = await call('GET', `/v1/service-accounts/${sa.account.id}/`, sa.auth);
    expect(res.status).toBe(200);
    expect(res.body.tokens).toEqual([
      {
        id: sa.account.initialToken.id,
        name: 'Default',
        createdAt: sa.account.initialToken.createdAt,
        expiresAt: null,
      },
    ]);
    expect(res.body.apps).toEqual([]);
    expect(JSON.stringify(res.body)).not.toContain(sa.bearer);
  });

  it.each<[Record<string, unknown>, number, string]>([
    [{ role_id: 'R' }, 400, 'Missing required field: name'],
    [{ name: '  <i></i> ', role_id: 'R' }, 400, 'Missing required field: name'],
    [{ name: 7, role_id: 'R' }, 400, "'name' must be a string."],
    [{ name: 'x'.repeat(65), role_id: 'R' }, 400, "'name' cannot exceed 64 characters."],
    [{ name: 'ok', role_id: 'R', token_name: null }, 400, 'Missing required field: token_name'],
    [
      { name: 'ok', role_id: 'R', token_name: 'y'.repeat(65) },
      400,
      "'token_name' cannot exceed 64 characters.",
    ],
    [{ name: 'ok' }, 400, 'Missing required field: role_id'],
    [{ name: 'ok', role_id: 'no-such-role' }, 404, 'Role not found.'],
    [
      { name: 'ok', role_id: 'Owner' },
      400,
      "Service accounts cannot be assigned the 'Owner' role.",
    ],
    [
      { name: 'ok', role_id: 'Admin' },
      400,
      "Service accounts cannot be assigned the 'Admin' role.",
    ],
    [
      { name: 'ok', role_id: 'R', team_id: 'abc' },
      403,
      "Teams are not available on your organisation's plan.",
    ],
  ])('refuses %j with %i and changes nothing', async (body, status, error) => {
    const org = await bootstrapOrg();
    const names: Record<string, string> = { R: 'Service', Owner: 'Owner', Admin: 'Admin' };
    const named = names[String(body.role_id)];
    const role = named ? await roleId(org.auth, named) : body.role_id;
    const res = await call('POST', '/v1/service-accounts/', org.auth, { ...body, role_id: role });
    expect(res.status).toBe(status);
    expect(res.body.error).toBe(error);
    expect(await countAccounts(org.organisation.id)).toBe(0);
  });
});

describe('PUT /v1/service-accounts/{id}/', () => {
  it('renames and changes role, recording both', async () => {
    const org = await bootstrapOrg();
    const sa = await addServiceAccount(org.auth, await roleId(org.auth, 'Service'));
    const developer = await roleId(org.auth, 'Developer');
    const res = await call('PUT', `/v1/service-accounts/${sa.account.id}/`, org.auth, {
      name: 'deployer',
      role_id: developer,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      name: 'deployer',
      role: { id: developer, name: 'Developer' },
    });
    const [event] = await rows(
      "SELECT * FROM audit_events WHERE resource_id = ? AND event_type = 'U'",
      sa.account.id
    );
    expect(JSON.parse(event?.old_values as string)).toEqual({ name: 'ci-runner', role: 'Service' });
  });

  it.each<[Record<string, unknown>, number, string]>([
    [{}, 400, "At least one of 'name' or 'role_id' must be provided."],
    [{ name: null, role_id: null }, 400, "At least one of 'name' or 'role_id' must be provided."],
    [{ name: '   ' }, 400, 'Missing required field: name'],
    [{ role_id: '' }, 404, 'Role not found.'],
    [{ role_id: 'Admin' }, 400, "Service accounts cannot be assigned the 'Admin' role."],
  ])('refuses %j with %i', async (body, status, error) => {
    const org = await bootstrapOrg();
    const sa = await addServiceAccount(org.auth, await roleId(org.auth, 'Service'));
    const role = body.role_id === 'Admin' ? await roleId(org.auth, 'Admin') : body.role_id;
    const res = await call('PUT', `/v1/service-accounts/${sa.account.id}/`, org.auth, {
      ...body,
      role_id: role,
    });
    expect(res.status).toBe(status);
    expect(res.body.error).toBe(error);
    expect((await call('GET', `/v1/service-accounts/${sa.account.id}/`, org.auth)).body.name).toBe(
      'ci-runner'
    );
  });
});

describe('DELETE /v1/service-accounts/{id}/', () => {
  it('kills every token at once and leaves no key material behind', async () => {
    const org = await bootstrapOrg();
    const sa = await addServiceAccount(org.auth, await roleId(org.auth, 'Service'));
    expect((await call('GET', '/v1/service-accounts/', sa.auth)).status).toBe(200);
    expect((await call('DELETE', `/v1/service-accounts/${sa.account.id}/`, org.auth)).status).toBe(
      204
    );

    const res = await call('GET', '/v1/service-accounts/', sa.auth);
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('Token expired or deleted');
    expect(
      await rows(
        'SELECT * FROM service_account_keyrings WHERE service_account_id = ?',
        sa.account.id
      )
    ).toEqual([]);
    expect(
      await rows(
        'SELECT * FROM service_account_handlers WHERE service_account_id = ?',
        sa.account.id
      )
    ).toEqual([]);
    const live = await rows(
      'SELECT id FROM tokens WHERE service_account_id = ? AND deleted_at IS NULL',
      sa.account.id
    );
    expect(live).toEqual([]);
    expect((await call('GET', `/v1/service-accounts/${sa.account.id}/`, org.auth)).status).toBe(
      404
    );
    const [event] = await rows(
      "SELECT * FROM audit_events WHERE resource_id = ? AND event_type = 'D'",
      sa.account.id
    );
    expect(event?.actor_id).toBe(org.owner.id);
  });

  it('keeps a role held by an account from being deleted', async () => {
    const org = await bootstrapOrg();
    const custom = await call('POST', '/v1/roles/', org.auth, {
      name: 'Bot',
      permissions: { permissions: { Apps: ['read'] }, app_permissions: {} },
    });
    await addServiceAccount(org.auth, custom.body.id);
    const res = await call('DELETE', `/v1/roles/${custom.body.id}/`, org.auth);
    expect(res.status).toBe(409);
    expect(res.body.error).toBe('Cannot delete a role that has service accounts assigned to it.');
  });
});

describe('permissions by role', () => {
  // Org-level ServiceAccounts per phase-reference.md §4.1: Owner/Admin/Manager CRUD, Developer
  // none, Service read only.
  const matrix = { Admin: 'CRUD', Manager: 'CRUD', Developer: '', Service: 'R' } as const;

  it.each(Object.entries(matrix))('lets %s do exactly %s', async (roleName, letters) => {
    const org = await bootstrapOrg();
    const target = await addServiceAccount(org.auth, await roleId(org.auth, 'Service'));
    const caller = await addMember(org.auth, await roleId(org.auth, roleName));
    const path = `/v1/service-accounts/${target.account.id}/`;
    const service = await roleId(org.auth, 'Service');
    const attempts: [string, string, string, unknown?][] = [
      ['R', 'GET', '/v1/service-accounts/'],
      ['R', 'GET', path],
      ['C', 'POST', '/v1/service-accounts/', { name: 'new', role_id: service }],
      ['U', 'PUT', path, { name: 'renamed' }],
      ['D', 'DELETE', path],
    ];
    for (const [letter, method, url, body] of attempts) {
      const res = await call(method, url, caller.auth, body);
      const allowed = letters.includes(letter);
      expect(res.status, `${roleName} ${method} ${url}`).toBe(
        allowed ? (method === 'POST' ? 201 : method === 'DELETE' ? 204 : 200) : 403
      );
      if (!allowed)
        expect(res.body.error).toMatch(/^You don't have permission to \w+ service accounts\.$/);
    }
  });

  it('lets a service account with the Service role read but not create', async () => {
    const org = await bootstrapOrg();
    const service = await roleId(org.auth, 'Service');
    const sa = await addServiceAccount(org.auth, service);
    expect((await call('GET', '/v1/service-accounts/', sa.auth)).status).toBe(200);
    const res = await call('POST', '/v1/service-accounts/', sa.auth, {
      name: 'child',
      role_id: service,
    });
    expect(res.status).toBe(403);
  });

  it('answers 404 for accounts of another organisation', async () => {
    const [a, b] = await Promise.all([bootstrapOrg(), bootstrapOrg()]);
    const sa = await addServiceAccount(a.auth, await roleId(a.auth, 'Service'));
    const path = `/v1/service-accounts/${sa.account.id}/`;
    for (const [method, url, body] of [
      ['GET', path],
      ['PUT', path, { name: 'x' }],
      ['DELETE', path],
      ['PUT', `${path}kms/`, { mode: 'client' }],
    ] as [string, string, unknown?][]) {
      const res = await call(method, url, b.auth, body);
      expect(res.status, `${method} ${url}`).toBe(404);
      expect(res.body.error).toBe('Service account not found.');
    }
    expect((await call('GET', path, a.auth)).body.name).toBe('ci-runner');
  });
});

describe('permissions by role, on the keyring, token, access and policy endpoints', () => {
  // Expected status per role: Admin, Manager, Developer, Service (phase-reference.md §4.1,
  // with the token caller rule of §4.4: only global access mints for another account).
  const table: [string, string, (id: string) => string, unknown, number[]][] = [
    ['GET', 'handlers', () => '/v1/service-accounts/handlers/', undefined, [200, 200, 403, 200]],
    [
      'PUT',
      'kms',
      (id) => `/v1/service-accounts/${id}/kms/`,
      { mode: 'client' },
      [409, 409, 403, 403],
    ],
    [
      'GET',
      'tokens',
      (id) => `/v1/service-accounts/${id}/tokens/`,
      undefined,
      [200, 200, 403, 200],
    ],
    [
      'POST',
      'mint',
      (id) => `/v1/service-accounts/${id}/tokens/`,
      { name: 'x' },
      [201, 404, 403, 403],
    ],
    [
      'PUT',
      'access',
      (id) => `/v1/service-accounts/${id}/access/`,
      { apps: [] },
      [200, 200, 403, 403],
    ],
    [
      'PUT',
      'policies',
      (id) => `/v1/service-accounts/${id}/network-policies/`,
      { policy_ids: [] },
      [200, 200, 403, 403],
    ],
  ];

  it.each(table)(
    '%s %s answers each managed role as its permissions say',
    async (method, _name, path, body, expected) => {
      const org = await bootstrapOrg();
      const target = await addServiceAccount(org.auth, await roleId(org.auth, 'Service'));
      const statuses: number[] = [];
      for (const role of ['Admin', 'Manager', 'Developer', 'Service']) {
        const caller = await addMember(org.auth, await roleId(org.auth, role));
        statuses.push((await call(method, path(target.account.id), caller.auth, body)).status);
      }
      expect(statuses).toEqual(expected);
    }
  );
});
