/**
 * The SDK reads: `GET /service/secrets/` and the session, `GET /service/secrets/tokens/`. What
 * they read is fetched in the same D1 batch as the caller's token, before the caller is
 * admitted; these tests hold that everything authentication and admission refuse is still
 * refused, that nothing crosses organisations, that the filters hold, and that each read costs
 * one round trip.
 */
import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { BENCH_HEADERS, countD1 } from '../../bench/instrument';
import { createApp } from '../../functions/app';
import { hexToBytes } from '../../functions/crypto/encoding';
import { encryptPhV1 } from '../../functions/crypto/ph-v1';
import {
  addMember,
  addServiceAccount,
  bootstrapOrg,
  type Call,
  call,
  roleId,
  sdkCall,
} from './helpers/api';

// A well-formed ph:v1 ciphertext: the server only checks the shape of what it stores.
const sealed = (text: string) => encryptPhV1(text, hexToBytes('09'.repeat(32)));

const SECRETS = [
  { key: sealed('A'), value: sealed('1'), comment: '', keyDigest: 'a1'.repeat(32), path: '/' },
  { key: sealed('B'), value: sealed('2'), comment: '', keyDigest: 'b2'.repeat(32), path: '/db' },
  { key: sealed('C'), value: sealed('3'), comment: '', keyDigest: 'c3'.repeat(32), path: '/db' },
];

/** An organisation whose Development holds three secrets, and a Service account keyed for it. */
async function world() {
  const org = await bootstrapOrg();
  const app = await call('POST', '/v1/apps/', org.auth, { name: 'storefront' });
  const dev = app.body.environments.find((e: { name: string }) => e.name === 'Development').id;
  const serviceRole = await roleId(org.auth, 'Service');
  const keyedAccount = async (name: string) => {
    const sa = await addServiceAccount(org.auth, serviceRole, name);
    const grant = await call('PUT', `/v1/service-accounts/${sa.account.id}/access/`, org.auth, {
      apps: [{ id: app.body.id, environments: [dev] }],
    });
    expect(grant.status).toBe(200);
    return sa;
  };
  const sa = await keyedAccount('ci-runner');
  const headers = { environment: dev };
  const write = await sdkCall('POST', '/service/secrets/', org.auth, { secrets: SECRETS }, headers);
  expect(write.status).toBe(200);
  return { org, dev: dev as string, sa, keyedAccount };
}

const read = (auth: string, environment?: string, extra: Record<string, string> = {}) =>
  sdkCall('GET', '/service/secrets/', auth, undefined, {
    ...(environment !== undefined && { environment }),
    ...extra,
  });

const digests = (res: Call) =>
  (res.body as { key_digest: string }[]).map((s) => s.key_digest).sort();

describe('GET /service/secrets/', () => {
  it('returns the live secrets, or those at a path or with a key digest when asked', async () => {
    const { dev, sa } = await world();
    expect(digests(await read(sa.auth, dev))).toEqual(['a1', 'b2', 'c3'].map((d) => d.repeat(32)));
    // Phase's path rule applies to the header too: `db/` means `/db`.
    expect(digests(await read(sa.auth, dev, { path: 'db/' }))).toEqual(
      ['b2', 'c3'].map((d) => d.repeat(32))
    );
    expect(digests(await read(sa.auth, dev, { keydigest: 'c3'.repeat(32) }))).toEqual([
      'c3'.repeat(32),
    ]);
    expect((await read(sa.auth, dev, { path: '/', keydigest: 'b2'.repeat(32) })).body).toEqual([]);
  });

  it('answers HEAD as GET, without a body', async () => {
    const { dev, sa } = await world();
    const res = await sdkCall('HEAD', '/service/secrets/', sa.auth, undefined, {
      environment: dev,
    });
    expect(res.status).toBe(200);
    expect(res.body).toBeNull();
  });

  it('refuses revoked and expired tokens and deleted accounts although the read ran', async () => {
    const { org, dev, sa, keyedAccount } = await world();
    const tokens = `/v1/service-accounts/${sa.account.id}/tokens/`;
    const spare = await call('POST', tokens, org.auth, { name: 'spare' });
    expect(spare.status).toBe(201);
    const spareAuth = `Bearer ServiceAccount ${spare.body.bearerToken.split(' ')[1]}`;
    expect((await read(spareAuth, dev)).status).toBe(200);

    await env.DB.prepare('UPDATE tokens SET expires_at = 1 WHERE id = ?').bind(spare.body.id).run();
    const expired = await read(spareAuth, dev);
    expect(expired.status).toBe(401);
    expect(expired.body.code).toBe('invalid_token');

    expect((await call('DELETE', `${tokens}${sa.account.initialToken.id}/`, org.auth)).status).toBe(
      204
    );
    expect((await read(sa.auth, dev)).status).toBe(401);

    const other = await keyedAccount('other');
    expect((await read(other.auth, dev)).status).toBe(200);
    expect(
      (await call('DELETE', `/v1/service-accounts/${other.account.id}/`, org.auth)).status
    ).toBe(204);
    const deleted = await read(other.auth, dev);
    expect(deleted.status).toBe(401);
    expect(deleted.body).not.toBeInstanceOf(Array);
  });

  it('keeps another organisation’s environment out of reach, as not found', async () => {
    const { dev } = await world();
    const stranger = await bootstrapOrg();
    const strangerSa = await addServiceAccount(
      stranger.auth,
      await roleId(stranger.auth, 'Service')
    );
    for (const auth of [stranger.auth, strangerSa.auth]) {
      const res = await read(auth, dev);
      expect(res.status).toBe(404);
      expect(res.body.error).toBe('Environment not found.');
    }
  });

  it('gives Phase’s answers with no key, with no header and for an unknown id', async () => {
    const { org, dev } = await world();
    const member = await addMember(org.auth, await roleId(org.auth, 'Developer'));
    const keyless = await read(member.auth, dev);
    expect(keyless.status).toBe(403);
    expect(keyless.body.error).toBe('User cannot access this environment');
    const headerless = await read(org.auth);
    expect(headerless.status).toBe(403);
    expect(headerless.body.error).toBe(
      'Environment context required. Supply the `environment` header.'
    );
    expect((await read(org.auth, crypto.randomUUID())).status).toBe(404);
    expect(digests(await read(org.auth, dev))).toHaveLength(3);
  });

  it('reads the token with the secrets, or with the session keys, in one round trip', async () => {
    const { dev, sa } = await world();
    const app = createApp({ prelude: [countD1()] });
    const send = async (path: string) => {
      const ctx = createExecutionContext();
      const request = new Request(`https://custodian.test${path}`, {
        headers: { Authorization: sa.auth, environment: dev, [BENCH_HEADERS.count]: '1' },
      });
      const res = await app.fetch(request, env, ctx);
      await waitOnExecutionContext(ctx);
      return res;
    };
    // The first use of a token also records it as used, after the response.
    await send('/service/secrets/');
    const secrets = await send('/service/secrets/');
    expect(secrets.status).toBe(200);
    expect(await secrets.json()).toHaveLength(3);
    expect(secrets.headers.get(BENCH_HEADERS.roundTrips)).toBe('1');
    const session = await send('/service/secrets/tokens/');
    expect(session.status).toBe(200);
    type Session = { apps: { environment_keys: { environment: { id: string } }[] }[] };
    const keys = ((await session.json()) as Session).apps[0]?.environment_keys ?? [];
    expect(keys.map((k) => k.environment.id)).toEqual([dev]);
    expect(session.headers.get(BENCH_HEADERS.roundTrips)).toBe('1');
  });
});
