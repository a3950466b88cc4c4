import { env } from 'cloudflare:test';
import { x25519 } from '@noble/curves/ed25519.js';
import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes } from '../../functions/crypto/encoding';
import { formatKeyringJson } from '../../functions/crypto/keyring';
import {
  generateSigningKeyring,
  signDetached,
  signingKeyringToKx,
} from '../../functions/crypto/keys';
import { encryptPhV1 } from '../../functions/crypto/ph-v1';
import { mintTokenMaterial, rebuildKxSecretKey } from '../../functions/crypto/tokens';
import { tokenSweep } from '../../functions/housekeeping/token-sweep';
import { runScheduled } from '../../functions/scheduled';
import { registrationMessage } from '../../functions/tenancy/identity';
import { addMember, addServiceAccount, bootstrapOrg, call, roleId, rows } from './helpers/api';

const DAY_MS = 86_400_000;
const NOT_ISO_STRING =
  "'expires_at' must be an ISO-8601 datetime string with timezone (e.g. '2026-12-31T23:59:59Z').";
const NO_EXPIRY_FIELD =
  "Unknown field 'expiry'. Use 'expires_at' (ISO-8601 with timezone) or " +
  "'expires_in' (positive integer seconds).";

async function setup() {
  const org = await bootstrapOrg();
  const sa = await addServiceAccount(org.auth, await roleId(org.auth, 'Service'));
  const tokens = `/v1/service-accounts/${sa.account.id}/tokens/`;
  return { org, sa, tokens };
}

const asServiceAccount = (res: { body: { bearerToken: string } }) =>
  `Bearer ${res.body.bearerToken}`;

describe('POST /v1/service-accounts/{id}/tokens/', () => {
  it('mints a pss_service:v2 token that works at once and is stored only as a digest', async () => {
    const { org, tokens } = await setup();
    const res = await call('POST', tokens, org.auth, { name: 'nightly', expires_in: 86_400 });
    expect(res.status).toBe(201);
    expect(res.body.token).toMatch(/^pss_service:v2:([0-9a-f]{64}:){3}[0-9a-f]{64}$/);
    expect(Date.parse(res.body.expiresAt) - Date.now()).toBeGreaterThan(86_300_000);
    expect((await call('GET', '/v1/service-accounts/', asServiceAccount(res))).status).toBe(200);
    const dump = JSON.stringify(await rows('SELECT * FROM tokens'));
    const [, , bearer, , shareA, wrapKey] = res.body.token.split(':');
    for (const secret of [bearer, shareA, wrapKey]) expect(dump).not.toContain(secret);
  });

  it.each<[Record<string, unknown>, string]>([
    [{ expires_at: 3600 }, NOT_ISO_STRING],
    [{ expires_at: 1.5 }, NOT_ISO_STRING],
    [{ expires_at: true }, NOT_ISO_STRING],
    [{ expires_at: ['2099-01-01T00:00:00Z'] }, NOT_ISO_STRING],
    [{ expires_at: 'tomorrow' }, "'expires_at' is not a valid ISO-8601 datetime."],
    [{ expires_at: '2099-13-01T00:00:00Z' }, "'expires_at' is not a valid ISO-8601 datetime."],
    [{ expires_at: '2099-02-30T00:00:00Z' }, "'expires_at' is not a valid ISO-8601 datetime."],
    [
      { expires_at: '2099-01-01T00:00:00' },
      "'expires_at' must include a timezone offset (e.g. 'Z' or '+00:00').",
    ],
    [{ expires_at: '2001-01-01T00:00:00Z' }, "'expires_at' must be in the future."],
    [{ expiry: 1000 }, NO_EXPIRY_FIELD],
    [{ expires_in: -1 }, "'expires_in' must be a positive integer (seconds)."],
    [{ expires_in: 0 }, "'expires_in' must be a positive integer (seconds)."],
    [{ expires_in: '24h' }, "'expires_in' must be a positive integer (seconds)."],
    [{ expires_in: '3600' }, "'expires_in' must be a positive integer (seconds)."],
    [{ expires_in: 1.5 }, "'expires_in' must be a positive integer (seconds)."],
    [{ expires_in: true }, "'expires_in' must be a positive integer (seconds)."],
    [{ expires_in: [3600] }, "'expires_in' must be a positive integer (seconds)."],
  ])('refuses %j and mints nothing', async (expiry, error) => {
    const { org, sa, tokens } = await setup();
    const res = await call('POST', tokens, org.auth, { name: 'x', ...expiry });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe(error);
    expect(
      await rows('SELECT id FROM tokens WHERE service_account_id = ?', sa.account.id)
    ).toHaveLength(1);
  });

  it.each<[Record<string, unknown>, (ms: number | null, now: number) => boolean]>([
    [{}, (ms) => ms === null],
    [{ expires_in: 3600 }, (ms, now) => ms !== null && Math.abs(ms - (now + 3_600_000)) < 60_000],
    [{ expires_at: '2099-06-01T12:00:00+02:00' }, (ms) => ms === Date.UTC(2099, 5, 1, 10)],
    [
      { expires_at: '2099-06-01T12:00:00Z', expires_in: 5 },
      (ms) => ms === Date.UTC(2099, 5, 1, 12),
    ],
  ])('stores the expiry of %j', async (expiry, check) => {
    const { org, tokens } = await setup();
    const now = Date.now();
    const res = await call('POST', tokens, org.auth, { name: 'x', ...expiry });
    expect(res.status).toBe(201);
    const [row] = await rows('SELECT expires_at FROM tokens WHERE id = ?', res.body.id);
    expect(check(row?.expires_at as number | null, now)).toBe(true);
  });

  it('answers 400 for a client-side account, which the server cannot mint for', async () => {
    const org = await bootstrapOrg();
    const keyring = generateSigningKeyring();
    const { data } = (await call('GET', '/v1/service-accounts/handlers/', org.auth)).body;
    const handlers = data.map((h: { id: string; kxPublicKey: string }) => ({
      member_id: h.id,
      wrapped_keyring: encryptPhV1(formatKeyringJson(keyring), hexToBytes(h.kxPublicKey)),
    }));
    const created = await call('POST', '/v1/service-accounts/', org.auth, {
      name: 'client',
      role_id: await roleId(org.auth, 'Service'),
      identity_key: bytesToHex(keyring.publicKey),
      handlers,
    });
    const res = await call('POST', `/v1/service-accounts/${created.body.id}/tokens/`, org.auth, {
      name: 'x',
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(
      /^Service account does not have server-side key management enabled/
    );
  });
});

describe('who may mint and revoke', () => {
  it('answers 404 to a Manager for an organisation account, minting nothing', async () => {
    const { org, sa, tokens } = await setup();
    const manager = await addMember(org.auth, await roleId(org.auth, 'Manager'));
    const res = await call('POST', tokens, manager.auth, { name: 'sneaky' });
    expect(res.status).toBe(404);
    expect(res.body.error).toBe('Service account not found.');
    const revoke = await call('DELETE', `${tokens}${sa.account.initialToken.id}/`, manager.auth);
    expect(revoke.status).toBe(404);
    expect(
      await rows(
        'SELECT id FROM tokens WHERE service_account_id = ? AND deleted_at IS NULL',
        sa.account.id
      )
    ).toHaveLength(1);
  });

  it('lets an account mint for itself but answers 404 for another account', async () => {
    const org = await bootstrapOrg();
    const minter = await call('POST', '/v1/roles/', org.auth, {
      name: 'Minter',
      permissions: {
        permissions: {
          ServiceAccountTokens: ['create', 'read', 'delete'],
          ServiceAccounts: ['read'],
        },
        app_permissions: {},
      },
    });
    const a = await addServiceAccount(org.auth, minter.body.id, 'a');
    const b = await addServiceAccount(org.auth, minter.body.id, 'b');
    const own = await call('POST', `/v1/service-accounts/${a.account.id}/tokens/`, a.auth, {
      name: 'self',
    });
    expect(own.status).toBe(201);
    const [row] = await rows(
      'SELECT created_by_service_account_id AS by FROM tokens WHERE id = ?',
      own.body.id
    );
    expect(row?.by).toBe(a.account.id);
    const other = await call('POST', `/v1/service-accounts/${b.account.id}/tokens/`, a.auth, {
      name: 'lateral',
    });
    expect(other.status).toBe(404);
    expect(
      await rows('SELECT id FROM tokens WHERE service_account_id = ?', b.account.id)
    ).toHaveLength(1);
  });

  it('answers 403 to a role without ServiceAccountTokens', async () => {
    const { org, tokens } = await setup();
    const developer = await addMember(org.auth, await roleId(org.auth, 'Developer'));
    expect((await call('POST', tokens, developer.auth, { name: 'x' })).status).toBe(403);
  });
});

describe('token life', () => {
  it('refuses a revoked token on the next request', async () => {
    const { org, sa, tokens } = await setup();
    expect((await call('GET', '/v1/service-accounts/', sa.auth)).status).toBe(200);
    expect((await call('DELETE', `${tokens}${sa.account.initialToken.id}/`, org.auth)).status).toBe(
      204
    );
    const res = await call('GET', '/v1/service-accounts/', sa.auth);
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('Token expired or deleted');
    expect((await call('DELETE', `${tokens}${sa.account.initialToken.id}/`, org.auth)).status).toBe(
      404
    );
  });

  it('lists tokens without secret material', async () => {
    const { org, sa, tokens } = await setup();
    await call('GET', '/v1/service-accounts/', sa.auth);
    const res = await call('GET', tokens, org.auth);
    expect(res.body.data).toHaveLength(1);
    expect(Object.keys(res.body.data[0]).sort()).toEqual([
      'createdAt',
      'createdBy',
      'expiresAt',
      'id',
      'lastUsedAt',
      'name',
    ]);
    expect(res.body.data[0].createdBy).toBe(org.owner.id);
  });

  it('rotates: the successor works, the old token lasts only its grace period', async () => {
    const { org, sa, tokens } = await setup();
    const path = `${tokens}${sa.account.initialToken.id}/rotate/`;
    const res = await call('POST', path, org.auth, {});
    expect(res.status).toBe(201);
    expect(res.body.name).toBe('Default');
    expect(res.body.expiresAt).toBeNull();
    expect(
      Math.abs(Date.parse(res.body.previousTokenExpiresAt) - (Date.now() + 3_600_000))
    ).toBeLessThan(60_000);
    expect((await call('GET', '/v1/service-accounts/', sa.auth)).status).toBe(200);
    expect((await call('GET', '/v1/service-accounts/', asServiceAccount(res))).status).toBe(200);

    const again = await call('POST', `${tokens}${res.body.id}/rotate/`, org.auth, {
      grace_seconds: 0,
    });
    expect(again.status).toBe(201);
    expect((await call('GET', '/v1/service-accounts/', asServiceAccount(res))).status).toBe(401);
    expect((await call('POST', path, org.auth, { grace_seconds: 8 * 86_400 })).status).toBe(400);
  });

  it('keeps the lifetime of an expiring token across rotation', async () => {
    const { org, tokens } = await setup();
    const minted = await call('POST', tokens, org.auth, { name: 'weekly', expires_in: 7 * 86_400 });
    const res = await call('POST', `${tokens}${minted.body.id}/rotate/`, org.auth, {
      grace_seconds: 60,
    });
    expect(Math.abs(Date.parse(res.body.expiresAt) - (Date.now() + 7 * DAY_MS))).toBeLessThan(
      60_000
    );
  });

  it('registers a token a handler minted, only with the account key’s signature', async () => {
    const { org, sa, tokens } = await setup();
    const keyring = generateSigningKeyring();
    const kx = signingKeyringToKx(keyring);
    const minted = mintTokenMaterial(kx.secretKey, kx.publicKey, 'ServiceAccount');
    const fields = {
      bearer_digest: minted.bearerDigest,
      wrapped_key_share: minted.wrappedKeyShare,
    };
    const signature = bytesToHex(signDetached(registrationMessage(fields), keyring.secretKey));
    // Signed by a key that is not the account's: refused, nothing stored.
    const res = await call('POST', `${tokens}register/`, org.auth, {
      name: 'forged',
      ...fields,
      signature,
    });
    expect(res.status).toBe(400);
    expect(
      await rows('SELECT id FROM tokens WHERE service_account_id = ?', sa.account.id)
    ).toHaveLength(1);
  });
});

describe('GET /service/secrets/tokens/', () => {
  it("returns the calling token's wrapped share in snake_case; it rebuilds the key", async () => {
    const { org, sa } = await setup();
    const res = await call('GET', '/service/secrets/tokens/', sa.auth);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      wrapped_key_share: expect.stringMatching(/^[0-9a-f]{208}$/),
      account_id: sa.account.id,
      offline_enabled: false,
      organisation: { id: org.organisation.id, name: org.organisation.name },
      apps: [],
    });
    const token = sa.account.initialToken.token as string;
    const secret = rebuildKxSecretKey(token, res.body.wrapped_key_share);
    expect(bytesToHex(x25519.getPublicKey(secret))).toBe(token.split(':')[3]);
  });

  it('answers 401, not 500, without a token', async () => {
    const res = await call('GET', '/service/secrets/tokens/');
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('unauthenticated');
  });
});

describe('the token sweep', () => {
  it('deletes tokens ended more than 30 days ago and keeps their audit events', async () => {
    const { org, tokens } = await setup();
    const old = await call('POST', tokens, org.auth, { name: 'old', expires_in: 60 });
    const recent = await call('POST', tokens, org.auth, { name: 'recent', expires_in: 60 });
    await env.DB.prepare('UPDATE tokens SET expires_at = ? WHERE id = ?')
      .bind(Date.now() - 31 * DAY_MS, old.body.id)
      .run();
    await env.DB.prepare('UPDATE tokens SET expires_at = ? WHERE id = ?')
      .bind(Date.now() - 10 * DAY_MS, recent.body.id)
      .run();
    const failures = await runScheduled({ cron: '17 * * * *', scheduledTime: Date.now() }, env, [
      tokenSweep,
    ]);
    expect(failures).toBe(0);
    expect(await rows('SELECT id FROM tokens WHERE id = ?', old.body.id)).toEqual([]);
    expect(await rows('SELECT id FROM tokens WHERE id = ?', recent.body.id)).toHaveLength(1);
    expect(
      (await rows('SELECT id FROM audit_events WHERE resource_id = ?', old.body.id)).length
    ).toBeGreaterThan(0);
  });
});

describe('expiry', () => {
  it('refuses a service-account token on the first request after it expires', async () => {
    const { org, tokens } = await setup();
    const minted = await call('POST', tokens, org.auth, { name: 'short', expires_in: 3600 });
    const auth = `Bearer ${minted.body.bearerToken}`;
    expect((await call('GET', '/service/secrets/tokens/', auth)).status).toBe(200);
    await env.DB.prepare('UPDATE tokens SET expires_at = ? WHERE id = ?')
      .bind(Date.now() - 1, minted.body.id)
      .run();
    const res = await call('GET', '/service/secrets/tokens/', auth);
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('Token expired or deleted');
  });
});
