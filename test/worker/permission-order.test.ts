/**
 * Phase checks the caller's permission before it looks at the body (phase-rest.md: "Precedence,
 * after the permission check"): a caller whose role grants nothing gets the 403 sentence, not a
 * body error, whatever it sends; and with the permission, the same body is a 400.
 */
import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { addMember, BASE, bootstrapOrg, call } from './helpers/api';

const ANY_ID = '00000000-0000-4000-8000-000000000000';

// Each write with a body whose first check is an organisation permission, and that sentence.
const WRITES: [method: string, path: string, refusal: string][] = [
  ['POST', '/v1/service-accounts/', 'create service accounts'],
  ['PUT', `/v1/service-accounts/${ANY_ID}/`, 'update service accounts'],
  ['PUT', '/v1/service-accounts/handlers/', 'update service accounts'],
  ['PUT', `/v1/service-accounts/${ANY_ID}/kms/`, 'update service accounts'],
  ['PUT', `/v1/service-accounts/${ANY_ID}/access/`, 'update service accounts'],
  ['POST', `/v1/service-accounts/${ANY_ID}/tokens/`, 'create service account tokens'],
  ['POST', `/v1/service-accounts/${ANY_ID}/tokens/register/`, 'create service account tokens'],
  [
    'POST',
    `/v1/service-accounts/${ANY_ID}/tokens/${ANY_ID}/rotate/`,
    'create service account tokens',
  ],
  ['POST', '/v1/members/', 'create members'],
  ['PUT', `/v1/members/${ANY_ID}/`, 'update members'],
  ['POST', '/v1/roles/', 'create roles'],
  ['PUT', `/v1/roles/${ANY_ID}/`, 'update roles'],
  ['POST', '/v1/network-access-policies/', 'create network access policies'],
  ['PUT', `/v1/network-access-policies/${ANY_ID}/`, 'update network access policies'],
  ['PUT', `/v1/members/${ANY_ID}/network-policies/`, 'update members'],
  ['PUT', `/v1/service-accounts/${ANY_ID}/network-policies/`, 'update members'],
  ['POST', '/v1/apps/', 'create apps'],
  ['PUT', `/v1/apps/${ANY_ID}/`, 'update apps'],
];

/** Sends `body` as it is, so it can be something other than JSON. */
async function send(method: string, path: string, auth: string, body: string) {
  const res = await SELF.fetch(`${BASE}${path}`, {
    method,
    headers: { Authorization: auth, 'Content-Type': 'application/json' },
    body,
  });
  return { status: res.status, body: (await res.json()) as { error: string } };
}

describe('permission before body', () => {
  it('refuses a caller without the permission with 403 whatever the body', async () => {
    const org = await bootstrapOrg();
    const empty = { permissions: {}, app_permissions: {} };
    const role = await call('POST', '/v1/roles/', org.auth, {
      name: 'Nothing',
      permissions: empty,
    });
    expect(role.status).toBe(201);
    const nobody = await addMember(org.auth, role.body.id);
    for (const [method, path, refusal] of WRITES) {
      for (const body of ['not json', '{"name": 5}']) {
        const res = await send(method, path, nobody.auth, body);
        expect([path, res.status, res.body.error]).toEqual([
          path,
          403,
          `You don't have permission to ${refusal}.`,
        ]);
      }
    }
  });

  it('answers the same malformed body with 400 to a caller who has the permission', async () => {
    const org = await bootstrapOrg();
    for (const [method, path] of WRITES) {
      const res = await send(method, path, org.auth, 'not json');
      expect([path, res.status]).toEqual([path, 400]);
    }
  });
});
