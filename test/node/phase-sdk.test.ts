import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import { bootstrap, call, roleId, workerUrl } from './helpers';

// The published SDK, unmodified: CommonJS with `module.exports = Phase`.
const Phase = createRequire(import.meta.url)('@phase.dev/phase-node');

interface World {
  appId: string;
  environments: Record<string, string>;
  serviceToken: string;
  serviceAuth: string;
  ownerToken: string;
}

let world: World;

beforeAll(async () => {
  const org = await bootstrap();
  const app = await call('POST', '/v1/apps/', org.auth, { name: 'storefront' });
  expect(app.status).toBe(201);
  const environments = Object.fromEntries(
    app.body.environments.map((e: { name: string; id: string }) => [e.name, e.id])
  );
  const sa = await call('POST', '/v1/service-accounts/', org.auth, {
    name: 'sdk-runner',
    role_id: await roleId(org.auth, 'Service'),
  });
  const access = await call('PUT', `/v1/service-accounts/${sa.body.id}/access/`, org.auth, {
    apps: [{ id: app.body.id, environments: [environments.Development, environments.Production] }],
  });
  expect(access.status).toBe(200);
  const minted = await call('POST', `/v1/service-accounts/${sa.body.id}/tokens/`, org.auth, {
    name: 'sdk',
  });
  world = {
    appId: app.body.id,
    environments,
    serviceToken: minted.body.token,
    serviceAuth: `Bearer ${minted.body.bearerToken}`,
    ownerToken: org.token,
  };
});

async function session(token: string) {
  const phase = new Phase(token, workerUrl());
  await phase.init();
  return phase;
}

describe('the Phase Node SDK against Custodian, unmodified', () => {
  it('initialises with a service-account token and sees only granted environments', async () => {
    const phase = await session(world.serviceToken);
    const app = phase.apps.find((a: { id: string }) => a.id === world.appId);
    const names = app.environments.map((e: { name: string }) => e.name).sort();
    expect(names).toEqual(['Development', 'Production']);
  });

  it('creates, gets (all, by key, by path), updates and deletes secrets', async () => {
    const phase = await session(world.serviceToken);
    const target = { appId: world.appId, envName: 'Development' };
    await phase.create({
      ...target,
      secrets: [
        { key: 'DATABASE_URL', value: 'postgres://db.internal/prod', comment: 'primary' },
        { key: 'API_KEY', value: 's3cr3t', comment: '', path: '/backend' },
      ],
    });

    const all = await phase.get(target);
    const byKey = Object.fromEntries(
      all.map((s: { key: string; value: string }) => [s.key, s.value])
    );
    expect(byKey).toEqual({ DATABASE_URL: 'postgres://db.internal/prod', API_KEY: 's3cr3t' });

    const [one] = await phase.get({ ...target, key: 'DATABASE_URL' });
    expect(one).toMatchObject({
      key: 'DATABASE_URL',
      value: 'postgres://db.internal/prod',
      comment: 'primary',
    });
    const inPath = await phase.get({ ...target, path: '/backend' });
    expect(inPath.map((s: { key: string }) => s.key)).toEqual(['API_KEY']);

    await phase.update({
      ...target,
      secrets: [{ id: one.id, value: 'postgres://db.internal/v2' }],
    });
    const [changed] = await phase.get({ ...target, key: 'DATABASE_URL' });
    expect(changed.value).toBe('postgres://db.internal/v2');
    expect(changed.version).toBe(2);

    await phase.delete({ ...target, secretIds: [one.id] });
    const left = await phase.get(target);
    expect(left.map((s: { key: string }) => s.key)).toEqual(['API_KEY']);
  });

  it('is refused an environment the account holds no key for', async () => {
    const res = await fetch(`${workerUrl()}/service/secrets/`, {
      headers: {
        Authorization: world.serviceAuth,
        environment: world.environments.Staging as string,
      },
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: string }).error).toBe(
      'Service account cannot access this environment'
    );
  });

  it("works the same with the Owner's personal access token", async () => {
    const phase = await session(world.ownerToken);
    const target = { appId: world.appId, envName: 'Staging' };
    await phase.create({ ...target, secrets: [{ key: 'FEATURE_FLAG', value: 'on', comment: '' }] });
    const [secret] = await phase.get({ ...target, key: 'FEATURE_FLAG' });
    expect(secret.value).toBe('on');
  });
});
