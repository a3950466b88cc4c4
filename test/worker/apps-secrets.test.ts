import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes } from '../../functions/crypto/encoding';
import { ed25519SecretKeyToX25519, kxSeedKeypair } from '../../functions/crypto/keys';
import { decryptPhV1, encryptPhV1 } from '../../functions/crypto/ph-v1';
import {
  addMember,
  addServiceAccount,
  bootstrapOrg,
  call,
  roleId,
  rows,
  sdkCall,
} from './helpers/api';

/** An organisation with an SSE app and a Service-role account holding Development only. */
async function world() {
  const org = await bootstrapOrg();
  const app = await call('POST', '/v1/apps/', org.auth, { name: 'storefront' });
  const envs = Object.fromEntries(
    app.body.environments.map((e: { name: string; id: string }) => [e.name, e.id])
  );
  const sa = await addServiceAccount(org.auth, await roleId(org.auth, 'Service'));
  const grant = (ids: string[]) =>
    call('PUT', `/v1/service-accounts/${sa.account.id}/access/`, org.auth, {
      apps: ids.length ? [{ id: app.body.id, environments: ids }] : [],
    });
  return { org, app: app.body, envs: envs as Record<string, string>, sa, grant };
}

// A well-formed ph:v1 ciphertext: the server only checks the shape of what it stores.
const sealed = (text: string) => encryptPhV1(text, hexToBytes('09'.repeat(32)));

describe('POST /v1/apps/', () => {
  it('creates Development, Staging and Production with keys the Owner can open', async () => {
    const org = await bootstrapOrg();
    const res = await call('POST', '/v1/apps/', org.auth, { name: 'storefront' });
    expect(res.status).toBe(201);
    expect(res.body.sseEnabled).toBe(true);
    expect(
      res.body.environments.map((e: { name: string; envType: string }) => `${e.name}/${e.envType}`)
    ).toEqual(['Development/dev', 'Staging/staging', 'Production/prod']);

    const session = await call('GET', '/service/secrets/tokens/', org.auth);
    const [app] = session.body.apps;
    expect(app).toMatchObject({ id: res.body.id, encryption: 'SSE' });
    expect(app.environment_keys).toHaveLength(3);
    const ownerKx = ed25519SecretKeyToX25519(hexToBytes(org.keyring.privateKey));
    const ownerPublic = hexToBytes(org.token.split(':')[3]);
    for (const key of app.environment_keys) {
      const seed = decryptPhV1(key.wrapped_seed, ownerKx, ownerPublic);
      expect(bytesToHex(kxSeedKeypair(hexToBytes(seed)).publicKey)).toBe(key.identity_key);
    }
  });

  it('keeps apps out of sight of members who hold no key in them', async () => {
    const { org, app } = await world();
    const developer = await addMember(org.auth, await roleId(org.auth, 'Developer'));
    expect((await call('GET', '/v1/apps/', developer.auth)).body.data).toEqual([]);
    expect((await call('GET', `/v1/apps/${app.id}/`, developer.auth)).status).toBe(404);
    expect((await call('GET', `/v1/apps/${app.id}/`, org.auth)).status).toBe(200);
  });
});

describe('PUT /v1/service-accounts/{id}/access/', () => {
  it('wraps keys for granted environments only, and the account sees exactly those', async () => {
    const { envs, sa, grant } = await world();
    const res = await grant([envs.Development as string]);
    expect(res.status).toBe(200);
    expect(res.body.apps[0].environments.map((e: { name: string }) => e.name)).toEqual([
      'Development',
    ]);
    const session = await call('GET', '/service/secrets/tokens/', sa.auth);
    expect(
      session.body.apps[0].environment_keys.map(
        (k: { environment: { name: string } }) => k.environment.name
      )
    ).toEqual(['Development']);
  });

  it('lets the account use its environment and refuses one it holds no key for', async () => {
    const { envs, sa, grant } = await world();
    await grant([envs.Development as string]);
    const body = {
      secrets: [{ key: sealed('K'), value: sealed('v'), comment: '', keyDigest: 'ab'.repeat(32) }],
    };
    const headers = { environment: envs.Development as string };
    const write = await sdkCall('POST', '/service/secrets/', sa.auth, body, headers);
    expect(write.status).toBe(200);
    const read = await sdkCall('GET', '/service/secrets/', sa.auth, undefined, {
      ...headers,
      'X-Use-Camel-Case': 'true',
    });
    expect(read.body).toHaveLength(1);
    expect(read.body[0].keyDigest).toBe('ab'.repeat(32));
    const dup = await sdkCall('POST', '/service/secrets/', sa.auth, body, headers);
    expect(dup.status).toBe(409);

    for (const method of ['GET', 'POST']) {
      const res = await sdkCall(
        method,
        '/service/secrets/',
        sa.auth,
        method === 'POST' ? body : undefined,
        { environment: envs.Staging as string }
      );
      expect(res.status).toBe(401);
      expect(res.body.error).toBe('Service account cannot access this environment');
    }
  });

  it('blanks revoked keys and cuts the account off on the next request', async () => {
    const { envs, sa, grant } = await world();
    await grant([envs.Development as string, envs.Production as string]);
    const headers = { environment: envs.Production as string };
    expect((await sdkCall('GET', '/service/secrets/', sa.auth, undefined, headers)).status).toBe(
      200
    );
    const res = await grant([envs.Development as string]);
    expect(res.status).toBe(200);
    expect((await sdkCall('GET', '/service/secrets/', sa.auth, undefined, headers)).status).toBe(
      401
    );
    const revoked = await rows(
      'SELECT * FROM environment_keys WHERE service_account_id = ? AND environment_id = ?',
      sa.account.id,
      envs.Production
    );
    expect(revoked).toHaveLength(1);
    expect(revoked[0]).toMatchObject({ wrapped_seed: '', wrapped_salt: '' });
    expect(revoked[0]?.deleted_at).not.toBeNull();
  });

  it('blanks every environment key of a deleted account', async () => {
    const { org, envs, sa, grant } = await world();
    await grant([envs.Development as string, envs.Production as string]);
    expect((await call('DELETE', `/v1/service-accounts/${sa.account.id}/`, org.auth)).status).toBe(
      204
    );
    const keys = await rows(
      'SELECT wrapped_seed, wrapped_salt, deleted_at FROM environment_keys ' +
        'WHERE service_account_id = ?',
      sa.account.id
    );
    expect(keys).toHaveLength(2);
    for (const key of keys) {
      expect(key).toMatchObject({ wrapped_seed: '', wrapped_salt: '' });
      expect(key.deleted_at).not.toBeNull();
    }
  });

  it('refuses a caller granting environments it cannot reach itself', async () => {
    const { org, app, envs, sa } = await world();
    const manager = await addMember(org.auth, await roleId(org.auth, 'Manager'));
    const res = await call('PUT', `/v1/service-accounts/${sa.account.id}/access/`, manager.auth, {
      apps: [{ id: app.id, environments: [envs.Development] }],
    });
    expect(res.status).toBe(403);
    expect(
      await rows('SELECT id FROM environment_keys WHERE service_account_id = ?', sa.account.id)
    ).toEqual([]);
  });

  it('confines writes to the caller’s environment', async () => {
    const { org, envs } = await world();
    const body = {
      secrets: [{ key: sealed('K'), value: sealed('v'), comment: '', keyDigest: 'cd'.repeat(32) }],
    };
    const created = await sdkCall('POST', '/service/secrets/', org.auth, body, {
      environment: envs.Staging as string,
    });
    const id = created.body[0].id;
    const update = { secrets: [{ id, value: sealed('moved') }] };
    const res = await sdkCall('PUT', '/service/secrets/', org.auth, update, {
      environment: envs.Development as string,
    });
    expect(res.status).toBe(404);
    const del = await sdkCall(
      'DELETE',
      '/service/secrets/',
      org.auth,
      { secrets: [id] },
      { environment: envs.Development as string }
    );
    expect(del.status).toBe(404);
    expect((await rows('SELECT version, deleted_at FROM secrets WHERE id = ?', id))[0]).toEqual({
      version: 1,
      deleted_at: null,
    });
  });
});

describe('/v1/secrets/ (SSE, plaintext)', () => {
  it('lets a bearer-only client write and read plaintext that the SDK path can find', async () => {
    const { app, envs, sa, grant } = await world();
    await grant([envs.Development as string]);
    const query = `/v1/secrets/?app_id=${app.id}&env=development`;
    const created = await call('POST', query, sa.auth, {
      secrets: [{ key: 'database_url', value: 'postgres://x', comment: 'main', path: 'db/' }],
    });
    expect(created.status).toBe(200);
    expect(created.body[0]).toMatchObject({
      key: 'DATABASE_URL',
      value: 'postgres://x',
      comment: 'main',
      path: '/db',
      version: 1,
    });
    const byKey = await call('GET', `${query}&key=Database_Url`, sa.auth);
    expect(byKey.body.map((s: { value: string }) => s.value)).toEqual(['postgres://x']);
    const stored = await rows('SELECT key, value FROM secrets WHERE id = ?', created.body[0].id);
    expect(String(stored[0]?.value)).toMatch(/^ph:v1:/);

    const changed = await call('PUT', query, sa.auth, {
      secrets: [{ id: created.body[0].id, value: 'postgres://y' }],
    });
    expect(changed.body[0]).toMatchObject({ value: 'postgres://y', version: 2 });
    const deleted = await call('DELETE', query, sa.auth, { secrets: [created.body[0].id] });
    expect(deleted).toMatchObject({ status: 200, body: { message: 'Deleted 1 secret' } });
    expect((await call('GET', query, sa.auth)).body).toEqual([]);
  });

  it('reads only secrets carrying any of the tags asked for, each once', async () => {
    const { org, app } = await world();
    const query = `/v1/secrets/?app_id=${app.id}&env=development`;
    const created = await call('POST', query, org.auth, {
      secrets: [
        { key: 'A', value: '1', tags: ['web', 'db'] },
        { key: 'B', value: '2', tags: ['db'] },
        { key: 'C', value: '3', tags: [] },
      ],
    });
    expect(created.status).toBe(200);
    const keys = async (tags: string) =>
      (await call('GET', `${query}&tags=${encodeURIComponent(tags)}`, org.auth)).body
        .map((s: { key: string }) => s.key)
        .sort();
    expect(await keys('web,db')).toEqual(['A', 'B']);
    expect(await keys('web')).toEqual(['A']);
    // Names are matched exactly: no trimming, no case folding.
    expect(await keys('web, db')).toEqual(['A']);
    expect(await keys('DB')).toEqual([]);
  });

  it('keeps a sealed secret sealed: a new value is ignored and its type stays', async () => {
    const { org, app } = await world();
    const query = `/v1/secrets/?app_id=${app.id}&env=development`;
    const created = await call('POST', query, org.auth, {
      secrets: [{ key: 'SIGNING_KEY', value: 'first', type: 'sealed' }],
    });
    expect(created.status).toBe(200);
    const id = created.body[0].id;
    const kept = await call('PUT', query, org.auth, {
      secrets: [{ id, value: 'second', comment: 'rotated by hand' }],
    });
    expect(kept.status).toBe(200);
    expect(kept.body[0]).toMatchObject({ value: 'first', comment: 'rotated by hand', version: 2 });
    const unsealed = await call('PUT', query, org.auth, { secrets: [{ id, type: 'secret' }] });
    expect(unsealed.status).toBe(400);
    expect(unsealed.body.error).toBe(
      'Sealed secrets cannot be unsealed. Delete and recreate the secret instead.'
    );
    const read = await call('GET', query, org.auth);
    expect(read.body[0]).toMatchObject({ type: 'sealed', value: 'first', version: 2 });
  });

  it('refuses an E2EE app with a clear 400', async () => {
    const org = await bootstrapOrg();
    const ownerKx = hexToBytes(org.token.split(':')[3]);
    const environment = {
      name: 'Development',
      identity_key: 'aa'.repeat(32),
      wrapped_seed: encryptPhV1('11'.repeat(32), ownerKx),
      wrapped_salt: encryptPhV1('22'.repeat(32), ownerKx),
    };
    const e2ee = await call('POST', '/v1/apps/', org.auth, {
      name: 'vault',
      client_environments: [environment],
    });
    expect(e2ee.status).toBe(201);
    expect(e2ee.body.sseEnabled).toBe(false);
    const res = await call('GET', `/v1/secrets/?app_id=${e2ee.body.id}&env=Development`, org.auth);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('SSE is not enabled for this App');
    expect(
      await rows(
        'SELECT * FROM server_environment_keys WHERE environment_id = ?',
        e2ee.body.environments[0].id
      )
    ).toEqual([]);
  });
});

describe('/v1/environments/', () => {
  it('adds a custom environment keyed for the Owner, not widening accounts’ access', async () => {
    const { org, app, envs, grant } = await world();
    await grant([envs.Development as string]);
    const res = await call('POST', `/v1/environments/?app_id=${app.id}`, org.auth, {
      name: 'qa-1',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'qa-1', envType: 'custom', index: 3 });
    const listed = await call('GET', `/v1/environments/?app_id=${app.id}`, org.auth);
    expect(listed.body.data.map((e: { name: string }) => e.name)).toEqual([
      'Development',
      'Staging',
      'Production',
      'qa-1',
    ]);
    const holders = await rows(
      'SELECT member_id, service_account_id FROM environment_keys WHERE environment_id = ?',
      res.body.id
    );
    expect(holders).toEqual([{ member_id: org.owner.id, service_account_id: null }]);
    const duplicate = await call('POST', `/v1/environments/?app_id=${app.id}`, org.auth, {
      name: 'QA-1',
    });
    expect(duplicate.status).toBe(400);
    expect(
      (await call('POST', `/v1/environments/?app_id=${app.id}`, org.auth, { name: 'bad name' }))
        .status
    ).toBe(400);
  });
});

describe('bounded id lists', () => {
  it('refuses more ids than one statement can bind, with a 400 instead of a 500', async () => {
    const { org, envs } = await world();
    const ids = Array.from({ length: 120 }, () => crypto.randomUUID());
    const headers = { environment: envs.Development as string };
    const res = await sdkCall('DELETE', '/service/secrets/', org.auth, { secrets: ids }, headers);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('At most 90 secrets per update or delete.');
  });
});
