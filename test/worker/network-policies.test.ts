import { env, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { addMember, addServiceAccount, bootstrapOrg, roleId } from './helpers/api';

const DENIED = {
  error: 'Access denied: a network access policy restricts access from your IP address.',
  code: 'network_policy_denied',
};

/** A request from a given client address (or none). */
async function from(ip: string | null, method: string, path: string, auth: string, body?: unknown) {
  const headers: Record<string, string> = {
    Authorization: auth,
    'Content-Type': 'application/json',
  };
  if (ip !== null) headers['CF-Connecting-IP'] = ip;
  const init: RequestInit = { method, headers };
  if (body !== undefined) init.body = JSON.stringify(body);
  const res = await SELF.fetch(`https://custodian.test${path}`, init);
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

const HOME = '203.0.113.5';
const AWAY = '198.51.100.9';

async function policy(auth: string, allowed_ips: string[], extra: Record<string, unknown> = {}) {
  const res = await from(HOME, 'POST', '/v1/network-access-policies/', auth, {
    name: 'office',
    allowed_ips,
    ...extra,
  });
  expect(res.status).toBe(201);
  return res.body;
}

describe('/v1/network-access-policies/', () => {
  it('stores entries in canonical form and answers in camelCase', async () => {
    const org = await bootstrapOrg();
    const created = await policy(org.auth, [
      ' 10.0.0.5/32',
      '2001:DB8:0:0::/32',
      '::ffff:192.0.2.0/120',
    ]);
    expect(created).toMatchObject({
      name: 'office',
      allowedIps: ['10.0.0.5', '2001:db8::/32', '192.0.2.0/24'],
      isGlobal: false,
    });
    const got = await from(HOME, 'GET', `/v1/network-access-policies/${created.id}/`, org.auth);
    expect(got.body.allowedIps).toEqual(created.allowedIps);
  });

  it.each(['10.0.0.256', '10.0.0.5/8', 'fe80::1%eth0', '1.2.3.4/33', 'example.com'])(
    'refuses %s naming it, and stores nothing',
    async (bad) => {
      const org = await bootstrapOrg();
      const res = await from(HOME, 'POST', '/v1/network-access-policies/', org.auth, {
        name: 'x',
        allowed_ips: ['10.0.0.1', bad],
      });
      expect(res.status).toBe(400);
      expect(res.body.error).toContain(JSON.stringify(bad).slice(1, -1));
      expect((await from(HOME, 'GET', '/v1/network-access-policies/', org.auth)).body.data).toEqual(
        []
      );
    }
  );
});

describe('enforcement', () => {
  it('confines a service account to its policy, /service/secrets/tokens/ included', async () => {
    const org = await bootstrapOrg();
    const sa = await addServiceAccount(org.auth, await roleId(org.auth, 'Service'));
    const office = await policy(org.auth, ['203.0.113.0/24']);
    const attach = await from(
      HOME,
      'PUT',
      `/v1/service-accounts/${sa.account.id}/network-policies/`,
      org.auth,
      { policy_ids: [office.id] }
    );
    expect(attach.status).toBe(200);

    expect((await from(HOME, 'GET', '/service/secrets/tokens/', sa.auth)).status).toBe(200);
    expect((await from(`::ffff:${HOME}`, 'GET', '/v1/service-accounts/', sa.auth)).status).toBe(
      200
    );
    for (const ip of [AWAY, null, `${HOME}, ${HOME}`]) {
      const res = await from(ip, 'GET', '/service/secrets/tokens/', sa.auth);
      expect(res.status, String(ip)).toBe(403);
      expect(res.body).toEqual(DENIED);
    }
  });

  it('changes nothing on a denied request', async () => {
    const org = await bootstrapOrg();
    const sa = await addServiceAccount(org.auth, await roleId(org.auth, 'Service'));
    const office = await policy(org.auth, ['203.0.113.0/24']);
    await from(HOME, 'PUT', `/v1/service-accounts/${sa.account.id}/network-policies/`, org.auth, {
      policy_ids: [office.id],
    });
    const res = await from(AWAY, 'POST', '/v1/apps/', sa.auth, { name: 'sneaky' });
    expect(res.status).toBe(403);
    const apps = await env.DB.prepare('SELECT id FROM apps WHERE organisation_id = ?')
      .bind(org.organisation.id)
      .all();
    expect(apps.results).toEqual([]);
  });

  it('confines a member, and global policies bind only those without their own', async () => {
    const org = await bootstrapOrg();
    const dev = await addMember(org.auth, await roleId(org.auth, 'Developer'));
    const mine = await policy(org.auth, ['198.51.100.0/24']);
    await from(HOME, 'PUT', `/v1/members/${dev.member.id}/network-policies/`, org.auth, {
      policy_ids: [mine.id],
    });
    const global = await from(HOME, 'POST', '/v1/network-access-policies/', org.auth, {
      name: 'hq',
      allowed_ips: ['203.0.113.0/24'],
      is_global: true,
    });
    expect(global.status).toBe(201);

    expect((await from(AWAY, 'GET', '/v1/members/', dev.auth)).status).toBe(200);
    expect((await from(HOME, 'GET', '/v1/members/', dev.auth)).status).toBe(403);
    expect((await from(HOME, 'GET', '/v1/members/', org.auth)).status).toBe(200);
    expect((await from(AWAY, 'GET', '/v1/members/', org.auth)).status).toBe(403);

    const detach = await from(
      HOME,
      'PUT',
      `/v1/members/${dev.member.id}/network-policies/`,
      org.auth,
      { policy_ids: [] }
    );
    expect(detach.status).toBe(200);
    expect((await from(AWAY, 'GET', '/v1/members/', dev.auth)).status).toBe(403);
    expect((await from(HOME, 'GET', '/v1/members/', dev.auth)).status).toBe(200);
  });

  it('refuses a global policy that would lock the caller out, unless forced', async () => {
    const org = await bootstrapOrg();
    const body = { name: 'elsewhere', allowed_ips: ['192.0.2.0/24'], is_global: true };
    const refused = await from(HOME, 'POST', '/v1/network-access-policies/', org.auth, body);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toContain(HOME);
    expect((await from(HOME, 'GET', '/v1/network-access-policies/', org.auth)).body.data).toEqual(
      []
    );

    const office = await policy(org.auth, ['203.0.113.0/24'], { is_global: true });
    const edit = await from(HOME, 'PUT', `/v1/network-access-policies/${office.id}/`, org.auth, {
      allowed_ips: ['192.0.2.0/24'],
    });
    expect(edit.status).toBe(409);
    const forcedEdit = { allowed_ips: ['192.0.2.0/24'], force: true };
    const forced = await from(
      HOME,
      'PUT',
      `/v1/network-access-policies/${office.id}/`,
      org.auth,
      forcedEdit
    );
    expect(forced.status).toBe(200);
    // Forced through, the policy now applies to the caller too.
    expect((await from(HOME, 'GET', '/v1/members/', org.auth)).body).toEqual(DENIED);
  });

  it('keeps callers from lifting their own policies or restricting global access', async () => {
    const org = await bootstrapOrg();
    const manager = await addMember(org.auth, await roleId(org.auth, 'Manager'));
    const admin = await addMember(org.auth, await roleId(org.auth, 'Admin'));
    const office = await policy(org.auth, ['203.0.113.0/24']);
    const path = (id: string) => `/v1/members/${id}/network-policies/`;
    await from(HOME, 'PUT', path(manager.member.id), org.auth, { policy_ids: [office.id] });

    const lift = await from(HOME, 'PUT', path(manager.member.id), manager.auth, { policy_ids: [] });
    expect(lift.status).toBe(403);
    const restrict = await from(HOME, 'PUT', path(admin.member.id), manager.auth, {
      policy_ids: [office.id],
    });
    expect(restrict.status).toBe(403);
    expect((await from(AWAY, 'GET', '/v1/members/', admin.auth)).status).toBe(200);
    expect((await from(AWAY, 'GET', '/v1/members/', manager.auth)).status).toBe(403);
  });

  it('answers 404 for unknown policy ids and attaches nothing', async () => {
    const org = await bootstrapOrg();
    const sa = await addServiceAccount(org.auth, await roleId(org.auth, 'Service'));
    const res = await from(
      HOME,
      'PUT',
      `/v1/service-accounts/${sa.account.id}/network-policies/`,
      org.auth,
      { policy_ids: [crypto.randomUUID()] }
    );
    expect(res.status).toBe(404);
    expect((await from(AWAY, 'GET', '/v1/service-accounts/', sa.auth)).status).toBe(200);
  });
});
