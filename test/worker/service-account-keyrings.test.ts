import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { hexToBytes } from '../../functions/crypto/encoding';
import { formatKeyringJson } from '../../functions/crypto/keyring';
import { generateSigningKeyring, type SigningKeyring } from '../../functions/crypto/keys';
import { unwrapSecret, wrapSecret } from '../../functions/crypto/kms';
import { loadRootKeys } from '../../functions/crypto/kms-root-keys';
import { encryptPhV1 } from '../../functions/crypto/ph-v1';
import { keyringBinding } from '../../functions/service-accounts/keyring';
import {
  addMember,
  addServiceAccount,
  bootstrapOrg,
  call,
  OPERATOR,
  roleId,
  rows,
} from './helpers/api';

const ONLY_V1 = `1:${'a'.repeat(64)}`;

/** The keyring JSON wrapped to every eligible handler, as a handler's browser would send it. */
async function wrapsFor(auth: string, keyring: SigningKeyring) {
  const eligible = await call('GET', '/v1/service-accounts/handlers/', auth);
  const json = formatKeyringJson(keyring);
  return (eligible.body.data as { id: string; kxPublicKey: string }[]).map((h) => ({
    member_id: h.id,
    wrapped_keyring: encryptPhV1(json, hexToBytes(h.kxPublicKey)),
  }));
}

async function clientSideAccount(auth: string, role: string, name = 'edge-worker') {
  const keyring = generateSigningKeyring();
  const identityKey = Buffer.from(keyring.publicKey).toString('hex');
  const handlers = await wrapsFor(auth, keyring);
  const res = await call('POST', '/v1/service-accounts/', auth, {
    name,
    role_id: role,
    identity_key: identityKey,
    handlers,
  });
  return { res, keyring };
}

async function wrappedToServer(keyring: SigningKeyring) {
  const { publicKey } = (await call('GET', '/v1/kms/server-public-key/')).body;
  return encryptPhV1(formatKeyringJson(keyring), hexToBytes(publicKey));
}

describe('client-side KMS', () => {
  it('lists Owner, Admin and Manager as handlers, never Developer or Service', async () => {
    const org = await bootstrapOrg();
    const members = await Promise.all(
      ['Admin', 'Manager', 'Developer', 'Service'].map(async (name) => [
        name,
        (await addMember(org.auth, await roleId(org.auth, name))).member.id,
      ])
    );
    const res = await call('GET', '/v1/service-accounts/handlers/', org.auth);
    const ids = new Set(res.body.data.map((h: { id: string }) => h.id));
    expect(ids.has(org.owner.id)).toBe(true);
    for (const [name, id] of members)
      expect(ids.has(id), name).toBe(name === 'Admin' || name === 'Manager');
    expect(res.body.data[0].kxPublicKey).toMatch(/^[0-9a-f]{64}$/);
  });

  it('stores the public key and the handler wraps, and no token or keyring', async () => {
    const org = await bootstrapOrg();
    const { res } = await clientSideAccount(org.auth, await roleId(org.auth, 'Service'));
    expect(res.status).toBe(201);
    expect(res.body.kmsMode).toBe('client');
    expect(res.body.initialToken).toBeUndefined();
    expect(
      await rows('SELECT * FROM service_account_keyrings WHERE service_account_id = ?', res.body.id)
    ).toEqual([]);
    const handlers = await rows(
      'SELECT * FROM service_account_handlers WHERE service_account_id = ?',
      res.body.id
    );
    expect(handlers.map((h) => h.member_id)).toEqual([org.owner.id]);
  });

  it('refuses a wrap set that leaves out an eligible handler, creating nothing', async () => {
    const org = await bootstrapOrg();
    await addMember(org.auth, await roleId(org.auth, 'Manager'));
    const keyring = generateSigningKeyring();
    const handlers = (await wrapsFor(org.auth, keyring)).slice(0, 1);
    const res = await call('POST', '/v1/service-accounts/', org.auth, {
      name: 'partial',
      role_id: await roleId(org.auth, 'Service'),
      identity_key: Buffer.from(keyring.publicKey).toString('hex'),
      handlers,
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(
      /^The keyring must be wrapped for every eligible handler; missing: /
    );
    expect(
      await rows('SELECT id FROM service_accounts WHERE organisation_id = ?', org.organisation.id)
    ).toEqual([]);
  });

  it('replaces handler sets all or nothing', async () => {
    const org = await bootstrapOrg();
    const { res, keyring } = await clientSideAccount(org.auth, await roleId(org.auth, 'Service'));
    const manager = await addMember(org.auth, await roleId(org.auth, 'Manager'));
    const wraps = (await wrapsFor(org.auth, keyring)).map((w) => ({
      ...w,
      service_account_id: res.body.id,
    }));
    const bad = await call('PUT', '/v1/service-accounts/handlers/', org.auth, {
      handlers: [...wraps, { ...wraps[0], service_account_id: crypto.randomUUID() }],
    });
    expect(bad.status).toBe(404);
    const before = await rows(
      'SELECT member_id FROM service_account_handlers WHERE service_account_id = ?',
      res.body.id
    );
    expect(before.map((h) => h.member_id)).toEqual([org.owner.id]);

    const ok = await call('PUT', '/v1/service-accounts/handlers/', org.auth, { handlers: wraps });
    expect(ok.body).toEqual({ serviceAccounts: 1, handlers: 2 });
    const after = await rows(
      'SELECT member_id FROM service_account_handlers WHERE service_account_id = ?',
      res.body.id
    );
    expect(after.map((h) => h.member_id).sort()).toEqual([org.owner.id, manager.member.id].sort());
  });
});

describe('removing a handler', () => {
  it('deletes the removed member’s wraps and blanks its environment keys', async () => {
    const org = await bootstrapOrg();
    const manager = await addMember(org.auth, await roleId(org.auth, 'Manager'));
    const { res } = await clientSideAccount(org.auth, await roleId(org.auth, 'Service'));
    const wraps = () =>
      rows(
        'SELECT member_id FROM service_account_handlers WHERE service_account_id = ?',
        res.body.id
      );
    expect((await wraps()).length).toBe(2);
    expect((await call('DELETE', `/v1/members/${manager.member.id}/`, org.auth)).status).toBe(204);
    expect((await wraps()).map((w) => w.member_id)).toEqual([org.owner.id]);
  });
});

describe('PUT /v1/service-accounts/{id}/kms/', () => {
  it('enables server-side KMS from a keyring wrapped to the server, then disables it', async () => {
    const org = await bootstrapOrg();
    const { res, keyring } = await clientSideAccount(org.auth, await roleId(org.auth, 'Service'));
    const path = `/v1/service-accounts/${res.body.id}/kms/`;
    const enabled = await call('PUT', path, org.auth, {
      mode: 'server',
      wrapped_keyring: await wrappedToServer(keyring),
    });
    expect(enabled.status).toBe(200);
    expect(enabled.body.kmsMode).toBe('server');
    expect((await call('GET', `/v1/service-accounts/${res.body.id}/`, org.auth)).body.kmsMode).toBe(
      'server'
    );
    const disabled = await call('PUT', path, org.auth, { mode: 'client' });
    expect(disabled.body.kmsMode).toBe('client');
  });

  it("refuses a keyring that is not the account's own", async () => {
    const org = await bootstrapOrg();
    const { res } = await clientSideAccount(org.auth, await roleId(org.auth, 'Service'));
    const stranger = await wrappedToServer(generateSigningKeyring());
    const out = await call('PUT', `/v1/service-accounts/${res.body.id}/kms/`, org.auth, {
      mode: 'server',
      wrapped_keyring: stranger,
    });
    expect(out.status).toBe(400);
    expect(
      await rows('SELECT * FROM service_account_keyrings WHERE service_account_id = ?', res.body.id)
    ).toEqual([]);
  });

  it('refuses to disable while no handler holds the keyring', async () => {
    const org = await bootstrapOrg();
    const sa = await addServiceAccount(org.auth, await roleId(org.auth, 'Service'));
    const res = await call('PUT', `/v1/service-accounts/${sa.account.id}/kms/`, org.auth, {
      mode: 'client',
    });
    expect(res.status).toBe(409);
    expect(res.body.error).toBe(
      'No handler holds this keyring; disabling server-side key management would destroy it.'
    );
    expect(
      (
        await rows(
          'SELECT * FROM service_account_keyrings WHERE service_account_id = ?',
          sa.account.id
        )
      ).length
    ).toBe(1);
  });

  it('leaves exactly one keyring after fifty concurrent enables of one account', async () => {
    const org = await bootstrapOrg();
    const { res, keyring } = await clientSideAccount(org.auth, await roleId(org.auth, 'Service'));
    const body = { mode: 'server', wrapped_keyring: await wrappedToServer(keyring) };
    const path = `/v1/service-accounts/${res.body.id}/kms/`;
    const results = await Promise.all(
      Array.from({ length: 50 }, () => call('PUT', path, org.auth, body))
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(49);
    expect(
      await rows('SELECT * FROM service_account_keyrings WHERE service_account_id = ?', res.body.id)
    ).toHaveLength(1);
  });

  // Fifty accounts with their keyrings take a few seconds on a shared 2-core machine.
  it('enables fifty different accounts concurrently, each once', { timeout: 30_000 }, async () => {
    const org = await bootstrapOrg();
    const service = await roleId(org.auth, 'Service');
    const accounts = await Promise.all(
      Array.from({ length: 50 }, (_, i) => clientSideAccount(org.auth, service, `a${i}`))
    );
    const results = await Promise.all(
      accounts.map(async ({ res, keyring }) =>
        call('PUT', `/v1/service-accounts/${res.body.id}/kms/`, org.auth, {
          mode: 'server',
          wrapped_keyring: await wrappedToServer(keyring),
        })
      )
    );
    expect(results.map((r) => r.status)).toEqual(Array(50).fill(200));
  });
});

describe('root-key rotation', () => {
  async function downgradeToV1(organisationId: string, serviceAccountId: string) {
    const binding = keyringBinding(organisationId, serviceAccountId);
    const [row] = await rows(
      'SELECT envelope FROM service_account_keyrings WHERE service_account_id = ?',
      serviceAccountId
    );
    const plaintext = unwrapSecret(
      loadRootKeys(env.KMS_ROOT_KEYS),
      row?.envelope as string,
      binding
    );
    const old = wrapSecret(loadRootKeys(ONLY_V1), plaintext, binding);
    const downgrade =
      'UPDATE service_account_keyrings SET envelope = ?, key_version = 1 ' +
      'WHERE service_account_id = ?';
    await env.DB.prepare(downgrade).bind(old, serviceAccountId).run();
  }

  /** Re-wraps an SSE environment's server copy under the v1-only key list. */
  async function downgradeEnvironmentToV1(organisationId: string, environmentId: string) {
    const [row] = await rows(
      'SELECT * FROM server_environment_keys WHERE environment_id = ?',
      environmentId
    );
    const current = loadRootKeys(env.KMS_ROOT_KEYS);
    const old = loadRootKeys(ONLY_V1);
    const rewrap = (envelope: string, purpose: 'environment_seed' | 'environment_salt') => {
      const binding = { organisationId, recordId: environmentId, purpose } as const;
      return wrapSecret(old, unwrapSecret(current, envelope, binding), binding);
    };
    const seed = rewrap(row?.seed_envelope as string, 'environment_seed');
    const salt = rewrap(row?.salt_envelope as string, 'environment_salt');
    await env.DB.prepare(
      'UPDATE server_environment_keys SET seed_envelope = ?, salt_envelope = ?, key_version = 1 ' +
        'WHERE environment_id = ?'
    )
      .bind(seed, salt, environmentId)
      .run();
  }

  it('re-wraps every v1 envelope under v2 while tokens keep being minted', async () => {
    const org = await bootstrapOrg();
    const service = await roleId(org.auth, 'Service');
    const existing = await Promise.all(
      Array.from({ length: 6 }, (_, i) => addServiceAccount(org.auth, service, `old${i}`))
    );
    for (const sa of existing) await downgradeToV1(org.organisation.id, sa.account.id);
    const app = await call('POST', '/v1/apps/', org.auth, { name: 'rotating' });
    for (const e of app.body.environments)
      await downgradeEnvironmentToV1(org.organisation.id, e.id);
    expect(
      (await rows('SELECT * FROM service_account_keyrings WHERE key_version = 1')).length
    ).toBeGreaterThanOrEqual(6);

    const rotate = async () => {
      for (;;) {
        const res = await call('POST', '/v1/kms/rotate/', OPERATOR, { batch_size: 2 });
        expect(res.status).toBe(200);
        if (res.body.remaining === 0) return res.body;
      }
    };
    // Mints open the very envelopes being re-wrapped, from v1 and v2 alike.
    const minting = existing.flatMap((sa) =>
      [1, 2].map((i) =>
        call('POST', `/v1/service-accounts/${sa.account.id}/tokens/`, org.auth, { name: `m${i}` })
      )
    );
    const [progress, ...minted] = await Promise.all([rotate(), ...minting]);
    expect(progress.currentVersion).toBe(2);
    expect(minted.map((r) => r.status)).toEqual(Array(12).fill(201));
    expect(await rows('SELECT * FROM service_account_keyrings WHERE key_version < 2')).toEqual([]);
    expect(await rows('SELECT * FROM server_environment_keys WHERE key_version < 2')).toEqual([]);
    const plaintext = await call(
      'GET',
      `/v1/secrets/?app_id=${app.body.id}&env=Production`,
      org.auth
    );
    expect(plaintext.status).toBe(200);

    for (const sa of existing) {
      const [row] = await rows(
        'SELECT envelope FROM service_account_keyrings WHERE service_account_id = ?',
        sa.account.id
      );
      expect(row?.envelope).toMatch(/^kms:v1:2:/);
      const binding = keyringBinding(org.organisation.id, sa.account.id);
      expect(() =>
        unwrapSecret(loadRootKeys(env.KMS_ROOT_KEYS), row?.envelope as string, binding)
      ).not.toThrow();
    }
  });

  it('refuses rotation without the operator secret', async () => {
    const org = await bootstrapOrg();
    expect((await call('POST', '/v1/kms/rotate/', org.auth, {})).status).toBe(401);
  });
});
