/**
 * The data the scenarios run against: an organisation with an SSE app, a server-side service
 * account holding Development with a network policy attached, ten secrets, and, on demand,
 * filler accounts and tokens written straight into D1 so the hot path can be measured at 100 and
 * at 100,000 rows.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { hexToBytes } from '../functions/crypto/encoding';
import { encryptPhV1 } from '../functions/crypto/ph-v1';
import { type Api, CLIENT_IP } from './api';

/** What the scenarios need to know about the seeded data. */
export interface World {
  organisationId: string;
  ownerAuth: string;
  serviceRoleId: string;
  appId: string;
  devEnvId: string;
  serviceAccountId: string;
  /** `Bearer ServiceAccount <bearer>` of a token minted for the account. */
  serviceAuth: string;
  secretCount: number;
}

const SECRET_COUNT = 10;
// Loopback in both families, and the address the load generator claims.
const ALLOWED_IPS = ['127.0.0.1/32', '::1/128', `${CLIENT_IP}/32`];

async function bootstrapOrg(api: Api, bootstrapToken: string) {
  const body = await api.must(201, 'POST', '/v1/bootstrap/', `Bearer ${bootstrapToken}`, {
    organisation: { name: 'Bench Org' },
    owner: { name: 'Bench Owner', email: 'owner@bench.test' },
  });
  const roles = await api.must(200, 'GET', '/v1/roles/', `Bearer ${body.bearerToken}`);
  const service = roles.data.find((r: { name: string }) => r.name === 'Service');
  return {
    organisationId: body.organisation.id as string,
    ownerAuth: `Bearer ${body.bearerToken}`,
    serviceRoleId: service.id as string,
  };
}

/** Ten well-formed ciphertext secrets, as an SDK would send them. */
async function createSecrets(api: Api, ownerAuth: string, environment: string) {
  const { publicKey } = await api.must(200, 'GET', '/v1/kms/server-public-key/');
  const recipient = hexToBytes(publicKey);
  const secrets = Array.from({ length: SECRET_COUNT }, (_, i) => ({
    key: encryptPhV1(`BENCH_SECRET_${i}`, recipient),
    value: encryptPhV1(randomBytes(24).toString('base64'), recipient),
    comment: '',
    keyDigest: randomBytes(32).toString('hex'),
    path: '/',
  }));
  const res = await fetch(`${api.origin}/service/secrets/`, {
    method: 'POST',
    headers: { Authorization: ownerAuth, environment, 'CF-Connecting-IP': CLIENT_IP },
    body: JSON.stringify({ secrets }),
  });
  if (res.status !== 200) throw new Error(`POST /service/secrets/: ${res.status}`);
}

async function attachPolicy(api: Api, ownerAuth: string, serviceAccountId: string) {
  const policy = await api.must(201, 'POST', '/v1/network-access-policies/', ownerAuth, {
    name: 'bench allow list',
    allowed_ips: ALLOWED_IPS,
  });
  const path = `/v1/service-accounts/${serviceAccountId}/network-policies/`;
  await api.must(200, 'PUT', path, ownerAuth, { policy_ids: [policy.id] });
}

/** Proves the policy binds: the hot path answers the allowed address and refuses another. */
async function checkPolicy(api: Api, world: World) {
  const read = (ip: string) =>
    fetch(`${api.origin}/service/secrets/`, {
      headers: {
        Authorization: world.serviceAuth,
        environment: world.devEnvId,
        'CF-Connecting-IP': ip,
      },
    });
  const allowed = await read(CLIENT_IP);
  const rows = (await allowed.json()) as unknown[];
  if (allowed.status !== 200 || rows.length !== SECRET_COUNT) {
    throw new Error(`hot path check: ${allowed.status}, ${rows.length} secrets`);
  }
  const denied = await read('198.51.100.9');
  await denied.body?.cancel();
  if (denied.status !== 403) throw new Error(`policy not enforced: ${denied.status}`);
}

/** Creates everything the HTTP scenarios use, through the API. */
export async function seedWorld(api: Api, bootstrapToken: string): Promise<World> {
  const org = await bootstrapOrg(api, bootstrapToken);
  const app = await api.must(201, 'POST', '/v1/apps/', org.ownerAuth, { name: 'bench-app' });
  const dev = app.environments.find((e: { name: string }) => e.name === 'Development');
  const sa = await api.must(201, 'POST', '/v1/service-accounts/', org.ownerAuth, {
    name: 'bench-reader',
    role_id: org.serviceRoleId,
  });
  await api.must(200, 'PUT', `/v1/service-accounts/${sa.id}/access/`, org.ownerAuth, {
    apps: [{ id: app.id, environments: [dev.id] }],
  });
  const token = await api.must(
    201,
    'POST',
    `/v1/service-accounts/${sa.id}/tokens/`,
    org.ownerAuth,
    {
      name: 'bench-sdk',
    }
  );
  await createSecrets(api, org.ownerAuth, dev.id);
  await attachPolicy(api, org.ownerAuth, sa.id);
  const world: World = {
    ...org,
    appId: app.id,
    devEnvId: dev.id,
    serviceAccountId: sa.id,
    serviceAuth: `Bearer ${token.bearerToken}`,
    secretCount: SECRET_COUNT,
  };
  await checkPolicy(api, world);
  return world;
}

/** Rows in the two tables the hot path's token lookup joins. */
export interface RowCounts {
  serviceAccounts: number;
  tokens: number;
}

/** Counts service accounts and tokens. */
export async function countRows(db: D1Database): Promise<RowCounts> {
  const one = async (table: string) =>
    (await db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).first<{ n: number }>())?.n ?? 0;
  return { serviceAccounts: await one('service_accounts'), tokens: await one('tokens') };
}

// Rows go in 5,000 at a time: the ids travel as one JSON parameter and SQLite expands them with
// json_each, so each statement binds four values (well inside D1's 100-parameter limit) and
// 100,000 accounts with their tokens take 20 batches, not 100,000 statements.
const CHUNK = 5_000;

const INSERT_ACCOUNTS = `INSERT INTO service_accounts
  (id, organisation_id, name, role_id, identity_key, created_at, updated_at)
  SELECT json_extract(value, '$[0]'), ?, 'bench filler', ?, lower(hex(randomblob(32))), ?, ?
  FROM json_each(?)`;

// A random digest per token, as real bearers give: the unique index grows as it would.
const INSERT_TOKENS = `INSERT INTO tokens
  (id, organisation_id, kind, service_account_id, name, bearer_digest, kx_public_key,
   wrapped_key_share, created_at)
  SELECT json_extract(value, '$[1]'), ?, 'service_account', json_extract(value, '$[0]'),
    'bench filler', lower(hex(randomblob(32))), lower(hex(randomblob(32))),
    lower(hex(randomblob(104))), ?
  FROM json_each(?)`;

async function insertFiller(db: D1Database, world: World, count: number) {
  const now = Date.now();
  const pairs = JSON.stringify(Array.from({ length: count }, () => [randomUUID(), randomUUID()]));
  const org = world.organisationId;
  await db.batch([
    db.prepare(INSERT_ACCOUNTS).bind(org, world.serviceRoleId, now, now, pairs),
    db.prepare(INSERT_TOKENS).bind(org, now, pairs),
  ]);
}

/**
 * Adds filler service accounts, each with one token, until the tokens table holds `target`
 * rows (accounts end a few lower: the Owner's token has no account). Returns the counts.
 */
export async function fillTo(db: D1Database, world: World, target: number): Promise<RowCounts> {
  let missing = target - (await countRows(db)).tokens;
  while (missing > 0) {
    const count = Math.min(CHUNK, missing);
    await insertFiller(db, world, count);
    missing -= count;
  }
  return countRows(db);
}
