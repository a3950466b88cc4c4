/**
 * Secret references on `/v1/secrets/` reads (phase-rest.md §5.2), through the Worker with real
 * D1 and the server's copies of environment keys: the reference forms, what stays as written,
 * cycles, and a caller who may not read a referenced environment.
 */
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${…}` is Phase's reference syntax.
import { describe, expect, it } from 'vitest';
import { parseReference } from '../../functions/secrets/references';
import { addServiceAccount, bootstrapOrg, call, roleId } from './helpers/api';

type Secret = { key: string; value: string; path?: string };

async function newApp(auth: string, name: string) {
  const app = await call('POST', '/v1/apps/', auth, { name });
  expect(app.status).toBe(201);
  const env = (envName: string) =>
    app.body.environments.find((e: { name: string }) => e.name === envName).id as string;
  return { id: app.body.id as string, env };
}

async function write(auth: string, appId: string, env: string, secrets: Secret[]) {
  const res = await call('POST', `/v1/secrets/?app_id=${appId}&env=${env}`, auth, { secrets });
  expect(res.status).toBe(200);
}

async function values(auth: string, appId: string, env: string) {
  const res = await call('GET', `/v1/secrets/?app_id=${appId}&env=${env}`, auth);
  expect(res.status).toBe(200);
  return Object.fromEntries(
    (res.body as { key: string; value: string }[]).map((s) => [s.key, s.value])
  );
}

/** Two apps; Development of the first refers to itself, its Production and the other app. */
async function world() {
  const org = await bootstrapOrg();
  const shop = await newApp(org.auth, 'storefront');
  const billing = await newApp(org.auth, 'Billing');
  await write(org.auth, billing.id, 'development', [{ key: 'TOKEN', value: 'billing-token' }]);
  await write(org.auth, shop.id, 'production', [{ key: 'API_KEY', value: 'prod-key' }]);
  await write(org.auth, shop.id, 'development', [
    { key: 'DB_HOST', value: 'db.internal' },
    { key: 'PASSWORD', value: 's3cret', path: '/db' },
    { key: 'DB_URL', value: 'postgres://app:${db/PASSWORD}@${DB_HOST}/app' },
    { key: 'NESTED', value: '${DB_URL}?ssl=1' },
    { key: 'FROM_PROD', value: '${production.API_KEY}' },
    { key: 'FROM_BILLING', value: '${billing::Development.TOKEN}' },
    { key: 'MIXED', value: '${production.API_KEY}+${DB_HOST}' },
    { key: 'LITERAL', value: '${{NOT_A_REFERENCE}} and ${NOPE}' },
    { key: 'CYCLE_A', value: 'a:${CYCLE_B}' },
    { key: 'CYCLE_B', value: 'b:${CYCLE_A}' },
  ]);
  return { org, shop };
}

describe('secret references on GET /v1/secrets/', () => {
  it('resolves every form, recursively, and leaves the rest as written', async () => {
    const { org, shop } = await world();
    const got = await values(org.auth, shop.id, 'development');
    expect(got).toMatchObject({
      DB_URL: 'postgres://app:s3cret@db.internal/app',
      NESTED: 'postgres://app:s3cret@db.internal/app?ssl=1',
      FROM_PROD: 'prod-key',
      FROM_BILLING: 'billing-token',
      MIXED: 'prod-key+db.internal',
      LITERAL: '${{NOT_A_REFERENCE}} and ${NOPE}',
      CYCLE_A: 'a:b:${CYCLE_A}',
      CYCLE_B: 'b:a:${CYCLE_B}',
    });
  });

  it('stops at an environment the caller cannot read, leaving the rest as written', async () => {
    const { org, shop } = await world();
    const sa = await addServiceAccount(org.auth, await roleId(org.auth, 'Service'));
    const grant = await call('PUT', `/v1/service-accounts/${sa.account.id}/access/`, org.auth, {
      apps: [{ id: shop.id, environments: [shop.env('Development')] }],
    });
    expect(grant.status).toBe(200);
    const got = await values(sa.auth, shop.id, 'development');
    expect(got).toMatchObject({
      DB_URL: 'postgres://app:s3cret@db.internal/app',
      FROM_PROD: '${production.API_KEY}',
      FROM_BILLING: '${billing::Development.TOKEN}',
      MIXED: '${production.API_KEY}+${DB_HOST}',
    });
  });
});

describe('parseReference', () => {
  it('splits app, environment, path and key as Phase does', () => {
    expect(parseReference('KEY')).toEqual({ app: null, env: null, path: '/', key: 'KEY' });
    expect(parseReference('some/path/KEY')).toEqual({
      app: null,
      env: null,
      path: '/some/path',
      key: 'KEY',
    });
    expect(parseReference('prod.db/KEY')).toEqual({
      app: null,
      env: 'prod',
      path: '/db',
      key: 'KEY',
    });
    expect(parseReference('shop::prod.KEY')).toEqual({
      app: 'shop',
      env: 'prod',
      path: '/',
      key: 'KEY',
    });
    for (const nameless of ['', 'a/', 'shop::KEY', '::prod.KEY', '.KEY']) {
      expect(parseReference(nameless)).toBeNull();
    }
  });
});
