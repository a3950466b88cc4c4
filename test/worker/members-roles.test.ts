import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import {
  addMember,
  bootstrapOrg,
  call,
  clientKeyring,
  clientToken,
  roleId,
  userAuth,
} from './helpers/api';

async function auditFor(resourceId: string) {
  const { results } = await env.DB.prepare(
    'SELECT * FROM audit_events WHERE resource_id = ? ORDER BY created_at'
  )
    .bind(resourceId)
    .all();
  return results as Record<string, string | null>[];
}

describe('/v1/members/', () => {
  it('lets the Owner add a member whose first token works at once', async () => {
    const org = await bootstrapOrg();
    const dev = await addMember(org.auth, await roleId(org.auth, 'Developer'));
    expect(dev.member.role.name).toBe('Developer');
    expect(dev.member.keyring.privateKey).toMatch(/^[0-9a-f]{128}$/);
    const list = await call('GET', '/v1/members/', dev.auth);
    expect(list.status).toBe(200);
    expect(list.body.data.map((m: { id: string }) => m.id)).toEqual([org.owner.id, dev.member.id]);
    const [event] = await auditFor(dev.member.id);
    expect(event).toMatchObject({
      event_type: 'C',
      resource_type: 'member',
      actor_id: org.owner.id,
    });
  });

  it('adds a member holding its own key, who then registers its own token', async () => {
    const org = await bootstrapOrg();
    const { keyring, identityKey } = clientKeyring();
    const first = clientToken(keyring);
    const res = await call('POST', '/v1/members/', org.auth, {
      email: 'own-key@example.org',
      role_id: await roleId(org.auth, 'Manager'),
      identity_key: identityKey,
      token: first.registration,
    });
    expect(res.status).toBe(201);
    expect(res.body.keyring).toBeUndefined();
    const auth = userAuth(first.minted.bearer);

    const second = clientToken(keyring, new Date(Date.now() + 3_600_000).toISOString());
    const path = `/v1/members/${res.body.id}/tokens/`;
    const registered = await call('POST', path, auth, { name: 'laptop', ...second.registration });
    expect(registered.status).toBe(201);
    expect(registered.body.expiresAt).not.toBeNull();
    expect((await call('GET', '/v1/members/', userAuth(second.minted.bearer))).status).toBe(200);
    const again = await call('POST', path, auth, { name: 'again', ...second.registration });
    expect(again.status).toBe(409);
  });

  it('refuses a token registration an Owner forges for a member whose key it lacks', async () => {
    const org = await bootstrapOrg();
    const { identityKey } = clientKeyring();
    const created = await call('POST', '/v1/members/', org.auth, {
      email: 'victim@example.org',
      role_id: await roleId(org.auth, 'Developer'),
      identity_key: identityKey,
    });
    const forged = clientToken(clientKeyring().keyring);
    const path = `/v1/members/${created.body.id}/tokens/`;
    const res = await call('POST', path, org.auth, { name: 'forged', ...forged.registration });
    expect(res.status).toBe(400);
    expect((await call('GET', path, org.auth)).body.data).toEqual([]);
  });

  it('returns 403 for a role without the permission, in Phase’s words', async () => {
    const org = await bootstrapOrg();
    const developer = await roleId(org.auth, 'Developer');
    const dev = await addMember(org.auth, developer);
    const res = await call('POST', '/v1/members/', dev.auth, {
      email: 'x@example.org',
      role_id: developer,
    });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({
      error: "You don't have permission to create members.",
      code: 'forbidden',
    });
  });

  it('guards the Owner, self-changes and global-access roles', async () => {
    const org = await bootstrapOrg();
    const ids = {
      owner: await roleId(org.auth, 'Owner'),
      admin: await roleId(org.auth, 'Admin'),
      manager: await roleId(org.auth, 'Manager'),
    };
    const manager = await addMember(org.auth, ids.manager);
    const admin = await addMember(org.auth, ids.admin);
    const cases: [string, string, string, unknown, string][] = [
      [
        org.auth,
        'PUT',
        org.owner.id,
        { role_id: ids.manager },
        'The Owner role cannot be changed via the API. Use the ownership transfer flow.',
      ],
      [
        org.auth,
        'DELETE',
        org.owner.id,
        undefined,
        'The Owner cannot be removed via the API. Use the ownership transfer flow.',
      ],
      [
        manager.auth,
        'PUT',
        manager.member.id,
        { role_id: ids.manager },
        'You cannot update your own role.',
      ],
      [
        manager.auth,
        'DELETE',
        manager.member.id,
        undefined,
        'You cannot remove yourself from the organisation.',
      ],
      [
        manager.auth,
        'PUT',
        admin.member.id,
        { role_id: ids.manager },
        'You cannot update the role of a member with global access.',
      ],
      [
        manager.auth,
        'DELETE',
        admin.member.id,
        undefined,
        'You cannot remove a member with a global access role.',
      ],
      [
        org.auth,
        'PUT',
        manager.member.id,
        { role_id: ids.owner },
        'You cannot assign the Owner role directly. Use the ownership transfer flow.',
      ],
    ];
    for (const [auth, method, id, body, error] of cases) {
      const res = await call(method, `/v1/members/${id}/`, auth, body);
      expect(res.status, error).toBe(403);
      expect(res.body.error).toBe(error);
    }
    const dev = await addMember(org.auth, await roleId(org.auth, 'Developer'));
    const promote = await call('PUT', `/v1/members/${dev.member.id}/`, manager.auth, {
      role_id: ids.admin,
    });
    expect(promote.body.error).toBe("You cannot assign the 'Admin' role.");
  });

  it('changes a role, records old and new, and checks the body', async () => {
    const org = await bootstrapOrg();
    const dev = await addMember(org.auth, await roleId(org.auth, 'Developer'));
    const path = `/v1/members/${dev.member.id}/`;
    const missing = await call('PUT', path, org.auth, {});
    expect(missing.body).toEqual({
      error: 'Missing required field: role_id',
      code: 'invalid_request',
    });
    const unknown = await call('PUT', path, org.auth, { role_id: crypto.randomUUID() });
    expect(unknown.status).toBe(404);
    const res = await call('PUT', path, org.auth, { role_id: await roleId(org.auth, 'Manager') });
    expect(res.status).toBe(200);
    expect(res.body.role.name).toBe('Manager');
    const update = (await auditFor(dev.member.id)).find((e) => e.event_type === 'U');
    expect(JSON.parse(update?.old_values ?? '{}')).toEqual({ role: 'Developer' });
    expect(JSON.parse(update?.new_values ?? '{}')).toEqual({ role: 'Manager' });
  });

  it('removes a member and its tokens stop working on the next request', async () => {
    const org = await bootstrapOrg();
    const dev = await addMember(org.auth, await roleId(org.auth, 'Developer'));
    expect((await call('GET', '/v1/members/', dev.auth)).status).toBe(200);
    expect((await call('DELETE', `/v1/members/${dev.member.id}/`, org.auth)).status).toBe(204);
    const res = await call('GET', '/v1/members/', dev.auth);
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('Token expired or deleted');
    expect((await call('GET', `/v1/members/${dev.member.id}/`, org.auth)).status).toBe(404);
    const live = await env.DB.prepare(
      'SELECT COUNT(*) AS n FROM tokens WHERE member_id = ? AND deleted_at IS NULL'
    )
      .bind(dev.member.id)
      .first<{ n: number }>();
    expect(live?.n).toBe(0);
  });

  it('answers 405 naming the allowed methods, after authentication', async () => {
    const org = await bootstrapOrg();
    expect((await call('PATCH', '/v1/members/', undefined)).status).toBe(401);
    const res = await call('PATCH', '/v1/members/', org.auth);
    expect(res.status).toBe(405);
    expect(res.headers.get('Allow')).toBe('GET, POST');
  });
});

describe('personal access tokens', () => {
  it('lists without secret material and revokes at once', async () => {
    const org = await bootstrapOrg();
    const path = `/v1/members/${org.owner.id}/tokens/`;
    const list = await call('GET', path, org.auth);
    expect(list.status).toBe(200);
    const [token] = list.body.data;
    expect(Object.keys(token).sort()).toEqual([
      'createdAt',
      'createdBy',
      'expiresAt',
      'id',
      'lastUsedAt',
      'name',
    ]);
    expect(JSON.stringify(list.body)).not.toContain(org.bearer);

    expect((await call('DELETE', `${path}${token.id}/`, org.auth)).status).toBe(204);
    const after = await call('GET', path, org.auth);
    expect(after.status).toBe(401);
    const [event] = (await auditFor(token.id)).filter((e) => e.event_type === 'D');
    expect(event?.actor_token_id).toBe(token.id);
  });

  it("keeps other members' tokens to those with MemberPersonalAccessTokens", async () => {
    const org = await bootstrapOrg();
    const manager = await addMember(org.auth, await roleId(org.auth, 'Manager'));
    const res = await call('GET', `/v1/members/${org.owner.id}/tokens/`, manager.auth);
    expect(res.status).toBe(403);
    expect((await call('GET', `/v1/members/${manager.member.id}/tokens/`, org.auth)).status).toBe(
      200
    );
  });
});

describe('/v1/roles/', () => {
  const policy = { permissions: { Apps: ['read'] }, app_permissions: { Secrets: ['read'] } };

  it('creates, reads, updates and deletes a custom role', async () => {
    const org = await bootstrapOrg();
    const created = await call('POST', '/v1/roles/', org.auth, {
      name: ' Auditor<script> ',
      color: '#0ea5e9',
      permissions: policy,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'Auditor',
      description: '',
      isDefault: false,
      permissions: {
        permissions: policy.permissions,
        appPermissions: policy.app_permissions,
        globalAccess: false,
      },
    });
    const path = `/v1/roles/${created.body.id}/`;
    const updated = await call('PUT', path, org.auth, { description: 'Read-only reviewers' });
    expect(updated.body.description).toBe('Read-only reviewers');
    expect((await call('GET', path, org.auth)).body.description).toBe('Read-only reviewers');
    expect((await call('DELETE', path, org.auth)).status).toBe(204);
    expect((await call('GET', path, org.auth)).status).toBe(404);
  });

  it('refuses duplicate names ignoring case, managed names included', async () => {
    const org = await bootstrapOrg();
    for (const name of ['developer', 'OWNER']) {
      const res = await call('POST', '/v1/roles/', org.auth, { name, permissions: policy });
      expect(res.status).toBe(409);
      expect(res.body.error).toBe('A role with this name already exists.');
    }
  });

  it('refuses global_access and bad maps with Phase’s sentences, creating nothing', async () => {
    const org = await bootstrapOrg();
    const before = (await call('GET', '/v1/roles/', org.auth)).body.data.length;
    const res = await call('POST', '/v1/roles/', org.auth, {
      name: 'Sneaky',
      permissions: { ...policy, global_access: true },
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe(
      'Unknown top-level keys: global_access. Allowed keys: permissions, app_permissions.'
    );
    const long = await call('POST', '/v1/roles/', org.auth, {
      name: 'x'.repeat(65),
      permissions: policy,
    });
    expect(long.body.error).toBe("'name' cannot exceed 64 characters.");
    const color = await call('POST', '/v1/roles/', org.auth, {
      name: 'Colour',
      color: '#12345678',
      permissions: policy,
    });
    expect(color.body.error).toBe('Role color cannot exceed 7 characters.');
    expect((await call('GET', '/v1/roles/', org.auth)).body.data.length).toBe(before);
  });

  it('keeps managed roles immutable and held roles undeletable', async () => {
    const org = await bootstrapOrg();
    const developer = await roleId(org.auth, 'Developer');
    const edit = await call('PUT', `/v1/roles/${developer}/`, org.auth, { name: 'Dev' });
    expect(edit.body).toEqual({ error: 'Default roles cannot be modified.', code: 'forbidden' });
    const del = await call('DELETE', `/v1/roles/${developer}/`, org.auth);
    expect(del.body.error).toBe('Default roles cannot be deleted.');

    const custom = await call('POST', '/v1/roles/', org.auth, {
      name: 'Auditor',
      permissions: policy,
    });
    const holder = await addMember(org.auth, custom.body.id);
    const held = await call('DELETE', `/v1/roles/${custom.body.id}/`, org.auth);
    expect(held.status).toBe(409);
    expect(held.body.error).toBe('Cannot delete a role that has members assigned to it.');
    // The custom role grants Apps:read only, so its holder may not read roles.
    expect((await call('GET', '/v1/roles/', holder.auth)).status).toBe(403);
  });

  it('returns the built-in policy for a managed role', async () => {
    const org = await bootstrapOrg();
    const res = await call('GET', `/v1/roles/${await roleId(org.auth, 'Service')}/`, org.auth);
    expect(res.body.isDefault).toBe(true);
    expect(res.body.permissions.globalAccess).toBe(false);
    expect(res.body.permissions.permissions.Apps).toEqual(['create', 'read', 'update']);
    expect(res.body.permissions.appPermissions.Lockbox).toEqual([]);
  });

  it('requires at least one field on update', async () => {
    const org = await bootstrapOrg();
    const custom = await call('POST', '/v1/roles/', org.auth, {
      name: 'Empty',
      permissions: policy,
    });
    const res = await call('PUT', `/v1/roles/${custom.body.id}/`, org.auth, {});
    expect(res.body.error).toBe('At least one field must be provided.');
  });
});

describe('privilege boundaries', () => {
  const wide = {
    permissions: { Members: ['create', 'read'], MemberPersonalAccessTokens: ['read', 'delete'] },
    app_permissions: {},
  };

  it('keeps a Manager from defining or assigning a role beyond its own', async () => {
    const org = await bootstrapOrg();
    const manager = await addMember(org.auth, await roleId(org.auth, 'Manager'));
    const define = await call('POST', '/v1/roles/', manager.auth, {
      name: 'Wider',
      permissions: wide,
    });
    expect(define.status).toBe(403);
    expect(define.body.error).toBe('You cannot grant permissions your own role does not have.');

    const byOwner = await call('POST', '/v1/roles/', org.auth, {
      name: 'Wider',
      permissions: wide,
    });
    expect(byOwner.status).toBe(201);
    const assign = await call('POST', '/v1/members/', manager.auth, {
      email: 'puppet@example.org',
      role_id: byOwner.body.id,
    });
    expect(assign.status).toBe(403);
    expect(assign.body.error).toBe("You cannot assign the 'Wider' role.");
  });

  it("keeps an Admin from revoking the Owner's tokens", async () => {
    const org = await bootstrapOrg();
    const admin = await addMember(org.auth, await roleId(org.auth, 'Admin'));
    const path = `/v1/members/${org.owner.id}/tokens/`;
    const list = await call('GET', path, admin.auth);
    expect(list.status).toBe(403);
    const [token] = (await call('GET', path, org.auth)).body.data;
    expect((await call('DELETE', `${path}${token.id}/`, admin.auth)).status).toBe(403);
    expect((await call('GET', '/v1/members/', org.auth)).status).toBe(200);
  });

  it('marks responses carrying credentials as not cacheable', async () => {
    const org = await bootstrapOrg();
    const res = await call('POST', '/v1/members/', org.auth, {
      email: 'cache@example.org',
      role_id: await roleId(org.auth, 'Developer'),
    });
    expect(res.body.token).toBeDefined();
    expect(res.headers.get('Cache-Control')).toBe('no-store');
  });
});

describe('inputs that must not become 500s', () => {
  it('deletes a custom role whose only holder has been removed', async () => {
    const org = await bootstrapOrg();
    const role = await call('POST', '/v1/roles/', org.auth, {
      name: 'Temp',
      permissions: { permissions: { Apps: ['read'] }, app_permissions: {} },
    });
    const holder = await addMember(org.auth, role.body.id);
    await call('DELETE', `/v1/members/${holder.member.id}/`, org.auth);
    expect((await call('DELETE', `/v1/roles/${role.body.id}/`, org.auth)).status).toBe(204);
  });

  it('refuses inherited object names as permission classes', async () => {
    const org = await bootstrapOrg();
    for (const name of ['constructor', 'toString', 'hasOwnProperty']) {
      const permissions = { permissions: { [name]: ['read'] }, app_permissions: {} };
      const res = await call('POST', '/v1/roles/', org.auth, { name: `R ${name}`, permissions });
      expect(res.status, name).toBe(400);
      expect(res.body.error).toMatch(/^Unknown org permission class/);
    }
  });

  it('answers 409 when a registration reuses a registered bearer digest', async () => {
    const org = await bootstrapOrg();
    const { keyring, identityKey } = clientKeyring();
    const { registration } = clientToken(keyring);
    const body = (email: string) => ({
      email,
      role_id: '',
      identity_key: identityKey,
      token: registration,
    });
    const developer = await roleId(org.auth, 'Developer');
    const first = await call('POST', '/v1/members/', org.auth, {
      ...body('a@example.org'),
      role_id: developer,
    });
    expect(first.status).toBe(201);
    const second = await call('POST', '/v1/members/', org.auth, {
      ...body('b@example.org'),
      role_id: developer,
    });
    expect(second.status).toBe(409);
    expect(second.body.code).toBe('conflict');
  });

  it('refuses a token registration without the identity key it is signed with', async () => {
    const org = await bootstrapOrg();
    const { registration } = clientToken(clientKeyring().keyring);
    const res = await call('POST', '/v1/members/', org.auth, {
      email: 'nokey@example.org',
      role_id: await roleId(org.auth, 'Developer'),
      token: registration,
    });
    expect(res.status).toBe(400);
  });

  it('clears a role description with an empty string', async () => {
    const org = await bootstrapOrg();
    const role = await call('POST', '/v1/roles/', org.auth, {
      name: 'Described',
      description: 'Something',
      permissions: { permissions: {}, app_permissions: {} },
    });
    const res = await call('PUT', `/v1/roles/${role.body.id}/`, org.auth, { description: '' });
    expect(res.status).toBe(200);
    expect(res.body.description).toBe('');
  });
});
