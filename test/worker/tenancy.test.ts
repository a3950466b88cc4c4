import { env } from 'cloudflare:test';
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes } from '../../functions/crypto/encoding';
import { rebuildKxSecretKey } from '../../functions/crypto/tokens';
import {
  addMember,
  bootstrapOrg,
  call,
  clientKeyring,
  clientToken,
  OPERATOR,
  roleId,
  userAuth,
} from './helpers/api';

// The Phase Node SDK's own token pattern (src/utils/crypto/...: validateAndParseToken).
const HEX64 = '([a-fA-F0-9]{64})';
const SDK_TOKEN_PATTERN = new RegExp(
  `^(pss_(user|service)):v\\d+:${HEX64}:${HEX64}:${HEX64}:${HEX64}$`
);

async function tokenRows(memberId: string) {
  const { results } = await env.DB.prepare('SELECT * FROM tokens WHERE member_id = ?')
    .bind(memberId)
    .all();
  return results as Record<string, unknown>[];
}

describe('POST /v1/bootstrap/', () => {
  it('returns 401 without the operator secret and creates nothing', async () => {
    const name = `Nope ${crypto.randomUUID()}`;
    const body = { organisation: { name }, owner: { email: 'x@example.org' } };
    for (const auth of [undefined, 'Bearer wrong-secret', `Bearer User test-bootstrap-token`]) {
      const res = await call('POST', '/v1/bootstrap/', auth, body);
      expect(res.status).toBe(401);
      expect(res.headers.get('WWW-Authenticate')).toBe('Bearer');
    }
    const row = await env.DB.prepare('SELECT id FROM organisations WHERE name = ?')
      .bind(name)
      .first();
    expect(row).toBeNull();
  });

  it('creates an organisation, five managed roles and an Owner with a one-time token', async () => {
    const org = await bootstrapOrg('Acme');
    expect(org.organisation.name).toBe('Acme');
    expect(org.owner.role.name).toBe('Owner');
    expect(org.token).toMatch(SDK_TOKEN_PATTERN);
    expect(org.token.startsWith('pss_user:v1:')).toBe(true);
    expect(org.bearerToken).toBe(`User ${org.token.split(':')[2]}`);

    const roles = await call('GET', '/v1/roles/', org.auth);
    expect(roles.status).toBe(200);
    expect(roles.body.data.map((r: { name: string }) => r.name)).toEqual([
      'Owner',
      'Admin',
      'Manager',
      'Developer',
      'Service',
    ]);
  });

  it('creates as many organisations as the operator asks for, each isolated', async () => {
    const [a, b] = await Promise.all([bootstrapOrg(), bootstrapOrg()]);
    expect(a.organisation.id).not.toBe(b.organisation.id);
    expect((await call('GET', '/v1/members/', a.auth)).body.data).toHaveLength(1);
  });

  it('mints a token whose rebuilt X25519 key belongs to the Owner identity key', async () => {
    const org = await bootstrapOrg();
    const [row] = await tokenRows(org.owner.id);
    const kxSecret = rebuildKxSecretKey(org.token, row?.wrapped_key_share as string);
    // Checked with noble directly: Montgomery form of the registered Ed25519 identity key.
    const expected = ed25519.utils.toMontgomery(hexToBytes(org.owner.identityKey));
    expect(bytesToHex(x25519.getPublicKey(kxSecret))).toBe(bytesToHex(expected));
    expect(org.token.split(':')[3]).toBe(bytesToHex(expected));
    expect(bytesToHex(ed25519.getPublicKey(hexToBytes(org.keyring.privateKey).slice(0, 32)))).toBe(
      org.owner.identityKey
    );
  });

  it('keeps no bearer, share A, wrap key or private key in the database', async () => {
    const org = await bootstrapOrg();
    const [, , bearer, , shareA, wrapKey] = org.token.split(':');
    const rows = await tokenRows(org.owner.id);
    expect(rows).toHaveLength(1);
    const dump =
      JSON.stringify(await env.DB.prepare('SELECT * FROM tokens').all()) +
      JSON.stringify(await env.DB.prepare('SELECT * FROM members').all());
    for (const secret of [bearer, shareA, wrapKey, org.keyring.privateKey.slice(0, 64)]) {
      expect(dump).not.toContain(secret);
    }
    expect(rows[0]?.bearer_digest).toMatch(/^[0-9a-f]{64}$/);
  });

  it('takes a client-held identity key with a signed token registration', async () => {
    const { keyring, identityKey } = clientKeyring();
    const { minted, registration } = clientToken(keyring);
    const res = await call('POST', '/v1/bootstrap/', OPERATOR, {
      organisation: { name: 'Client keys' },
      owner: { email: 'c@example.org', identity_key: identityKey, token: registration },
    });
    expect(res.status).toBe(201);
    expect(res.body.token).toBeUndefined();
    expect(res.body.keyring).toBeUndefined();
    const me = await call('GET', `/v1/members/${res.body.owner.id}/`, userAuth(minted.bearer));
    expect(me.status).toBe(200);
    expect(me.body.identityKey).toBe(identityKey);
  });

  it('returns 400 for a registration signed by another key, and creates nothing', async () => {
    const { identityKey } = clientKeyring();
    const other = clientKeyring();
    const { registration } = clientToken(other.keyring);
    const name = `Forged ${crypto.randomUUID()}`;
    const res = await call('POST', '/v1/bootstrap/', OPERATOR, {
      organisation: { name },
      owner: { email: 'f@example.org', identity_key: identityKey, token: registration },
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: 'The token registration is not signed by the identity key.',
      code: 'invalid_request',
    });
    expect(
      await env.DB.prepare('SELECT id FROM organisations WHERE name = ?').bind(name).first()
    ).toBeNull();
  });

  it('returns 400 for a malformed identity key instead of failing inside the crypto', async () => {
    const res = await call('POST', '/v1/bootstrap/', OPERATOR, {
      organisation: { name: 'Bad key' },
      owner: { email: 'b@example.org', identity_key: '00'.repeat(32) },
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('invalid_request');
  });

  it('returns 400 with Phase’s sentence for a blank organisation name', async () => {
    const res = await call('POST', '/v1/bootstrap/', OPERATOR, {
      organisation: { name: ' <b></b> ' },
      owner: { email: 'n@example.org' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('Missing required field: name');
  });
});

describe('authentication', () => {
  it('answers 401 with WWW-Authenticate for a missing, malformed or unknown bearer', async () => {
    const org = await bootstrapOrg();
    const cases: [string | undefined, string][] = [
      [undefined, 'Authentication credentials were not provided.'],
      ['Bearer User', 'Invalid token'],
      ['Bearer  User x', 'Invalid token'],
      [`Bearer user ${org.bearer}`, 'Invalid token'],
      [`Basic User ${org.bearer}`, 'Invalid token'],
      [`Bearer User ${'0'.repeat(64)}`, 'Token expired or deleted'],
      [`Bearer ServiceAccount ${org.bearer}`, 'Token expired or deleted'],
      ['Bearer User not-hex', 'Token expired or deleted'],
    ];
    for (const [auth, error] of cases) {
      const res = await call('GET', '/v1/members/', auth);
      expect(res.status, String(auth)).toBe(401);
      expect(res.body.error, String(auth)).toBe(error);
      expect(res.headers.get('WWW-Authenticate')).toBe('Bearer');
    }
  });

  it('accepts the Bearer keyword in any case', async () => {
    const org = await bootstrapOrg();
    expect((await call('GET', '/v1/members/', `bEaReR User ${org.bearer}`)).status).toBe(200);
  });

  it('refuses an expired token on the very next request', async () => {
    const org = await bootstrapOrg();
    expect((await call('GET', '/v1/members/', org.auth)).status).toBe(200);
    await env.DB.prepare('UPDATE tokens SET expires_at = ? WHERE member_id = ?')
      .bind(Date.now() - 1, org.owner.id)
      .run();
    const res = await call('GET', '/v1/members/', org.auth);
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('Token expired or deleted');
  });

  it('records last use after the response', async () => {
    const org = await bootstrapOrg();
    await call('GET', '/v1/members/', org.auth);
    await expect
      .poll(async () => (await tokenRows(org.owner.id))[0]?.last_used_at)
      .toBeTypeOf('number');
  });
});

describe('tenancy isolation', () => {
  it('answers 404 for every id of another organisation', async () => {
    const [a, b] = await Promise.all([bootstrapOrg(), bootstrapOrg()]);
    const aDeveloper = await roleId(a.auth, 'Developer');
    const custom = await call('POST', '/v1/roles/', a.auth, {
      name: 'Auditor',
      permissions: { permissions: { Apps: ['read'] }, app_permissions: {} },
    });
    const [aToken] = await tokenRows(a.owner.id);
    const probes: [string, string, unknown?][] = [
      ['GET', `/v1/members/${a.owner.id}/`],
      ['PUT', `/v1/members/${a.owner.id}/`, { role_id: aDeveloper }],
      ['DELETE', `/v1/members/${a.owner.id}/`],
      ['GET', `/v1/members/${a.owner.id}/tokens/`],
      ['DELETE', `/v1/members/${a.owner.id}/tokens/${aToken?.id}/`],
      ['GET', `/v1/roles/${custom.body.id}/`],
      ['PUT', `/v1/roles/${custom.body.id}/`, { name: 'Mine now' }],
      ['DELETE', `/v1/roles/${custom.body.id}/`],
    ];
    for (const [method, path, body] of probes) {
      const res = await call(method, path, b.auth, body);
      expect(res.status, `${method} ${path}`).toBe(404);
    }
    const bMember = await addMember(b.auth, await roleId(b.auth, 'Developer'));
    const stolenRole = await call('PUT', `/v1/members/${bMember.member.id}/`, b.auth, {
      role_id: aDeveloper,
    });
    expect(stolenRole.status).toBe(404);
    expect((await call('GET', `/v1/roles/${custom.body.id}/`, a.auth)).body.name).toBe('Auditor');
  });
});
