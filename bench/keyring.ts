/**
 * Keyring creation under contention. A client-side account handed to the
 * server with `PUT /v1/service-accounts/{id}/kms/ {mode: 'server'}` makes the server create its
 * keyring, through the account's own Durable Object. Measured as wall time:
 *   (a) one enable on an account nobody else touches (the median of a few, one after another);
 *   (b) 64 concurrent enables on 64 different accounts: these should overlap, not queue;
 *   (c) 64 concurrent enables on ONE account: one wins, 63 get 409.
 * Every request body is encrypted before the clock starts, so only the Worker is timed.
 */
import { bytesToHex, hexToBytes } from '../functions/crypto/encoding';
import { formatKeyringJson } from '../functions/crypto/keyring';
import { generateSigningKeyring } from '../functions/crypto/keys';
import { encryptPhV1 } from '../functions/crypto/ph-v1';
import { type Api, baseHeaders } from './api';
import type { CpuProbe } from './cpu';
import type { World } from './seed';

/** Concurrent enables in (b) and (c). */
export const KEYRING_FANOUT = 64;
const SINGLE_RUNS = 8;

/** Wall times in ms, workerd CPU ms (null without a probe) and the statuses each case got. */
export interface KeyringResult {
  singleMs: number;
  singleRunsMs: number[];
  singleCpuMs: number | null;
  manyAccountsMs: number;
  manyAccountsCpuMs: number | null;
  manyAccountsStatuses: Record<string, number>;
  oneAccountMs: number;
  oneAccountCpuMs: number | null;
  oneAccountStatuses: Record<string, number>;
}

/** A keyring result rounded for the report, with (b) and (c) over (a). */
export interface KeyringSummary extends KeyringResult {
  manyVsSingle: number;
  oneVsSingle: number;
}

const round = (value: number) => Number(value.toFixed(2));
const roundOrNull = (value: number | null) => (value === null ? null : round(value));

export function summariseKeyring(keyring: KeyringResult): KeyringSummary {
  return {
    ...keyring,
    singleMs: round(keyring.singleMs),
    singleRunsMs: keyring.singleRunsMs.map(round),
    manyAccountsMs: round(keyring.manyAccountsMs),
    oneAccountMs: round(keyring.oneAccountMs),
    singleCpuMs: roundOrNull(keyring.singleCpuMs),
    manyAccountsCpuMs: roundOrNull(keyring.manyAccountsCpuMs),
    oneAccountCpuMs: roundOrNull(keyring.oneAccountCpuMs),
    manyVsSingle: round(keyring.manyAccountsMs / keyring.singleMs),
    oneVsSingle: round(keyring.oneAccountMs / keyring.singleMs),
  };
}

interface Prepared {
  accountId: string;
  /** `PUT .../kms/` bodies, each a fresh ph:v1 wrap of the account's keyring to the server. */
  bodies: string[];
}

/** Who a client-side keyring is wrapped to: the eligible handlers, and the server. */
interface Recipients {
  handlers: { id: string; kxPublicKey: string }[];
  serverKey: Uint8Array;
}

/** A client-side account, created through the API, with `wraps` enable bodies ready to send. */
async function prepareAccount(api: Api, world: World, to: Recipients, name: string, wraps: number) {
  const keyring = generateSigningKeyring();
  const json = formatKeyringJson(keyring);
  const account = await api.must(201, 'POST', '/v1/service-accounts/', world.ownerAuth, {
    name,
    role_id: world.serviceRoleId,
    identity_key: bytesToHex(keyring.publicKey),
    handlers: to.handlers.map((h) => ({
      member_id: h.id,
      wrapped_keyring: encryptPhV1(json, hexToBytes(h.kxPublicKey)),
    })),
  });
  const bodies = Array.from({ length: wraps }, () =>
    JSON.stringify({ mode: 'server', wrapped_keyring: encryptPhV1(json, to.serverKey) })
  );
  return { accountId: account.id as string, bodies } satisfies Prepared;
}

/** Sends one enable; resolves to its status once the answer is fully read. */
async function enable(api: Api, world: World, accountId: string, body: string) {
  const res = await fetch(`${api.origin}/v1/service-accounts/${accountId}/kms/`, {
    method: 'PUT',
    headers: baseHeaders(world.ownerAuth),
    body,
  });
  await res.text();
  return res.status;
}

/** Runs `attempts` at once and times the whole of it, in wall time and workerd CPU time. */
async function timed(attempts: (() => Promise<number>)[], cpu: CpuProbe | null) {
  const cpuBefore = cpu?.() ?? 0;
  const started = performance.now();
  const statuses = await Promise.all(attempts.map((attempt) => attempt()));
  const ms = performance.now() - started;
  const cpuMs = cpu ? cpu() - cpuBefore : null;
  const counts: Record<string, number> = {};
  for (const status of statuses) counts[status] = (counts[status] ?? 0) + 1;
  return { ms, cpuMs, counts };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** Every account the three cases use, created (client-side KMS) before anything is timed. */
async function prepareAll(api: Api, world: World) {
  const handlers = await api.must(200, 'GET', '/v1/service-accounts/handlers/', world.ownerAuth);
  const { publicKey } = await api.must(200, 'GET', '/v1/kms/server-public-key/');
  const to: Recipients = { handlers: handlers.data, serverKey: hexToBytes(publicKey) };
  const make = (prefix: string, count: number, wraps: number) =>
    Array.from({ length: count }, (_, i) =>
      prepareAccount(api, world, to, `${prefix}-${i}`, wraps)
    );
  const singles = await Promise.all(make('kr-single', SINGLE_RUNS, 1));
  const many = await Promise.all(make('kr-many', KEYRING_FANOUT, 1));
  const [one] = await Promise.all(make('kr-one', 1, KEYRING_FANOUT));
  return { singles, many, one: one as Prepared };
}

/** (a): one enable at a time on accounts of their own; wall times, and mean CPU per enable. */
async function measureSingles(api: Api, world: World, singles: Prepared[], cpu: CpuProbe | null) {
  const runsMs: number[] = [];
  let cpuMs: number | null = cpu ? 0 : null;
  for (const account of singles) {
    const send = () => enable(api, world, account.accountId, account.bodies[0] ?? '');
    const run = await timed([send], cpu);
    if (run.counts[200] !== 1) throw new Error(`single enable: ${JSON.stringify(run.counts)}`);
    runsMs.push(run.ms);
    if (cpuMs !== null && run.cpuMs !== null) cpuMs += run.cpuMs;
  }
  return { runsMs, cpuMs: cpuMs === null ? null : cpuMs / singles.length };
}

/** Measures (a), (b) and (c). */
export async function measureKeyrings(
  api: Api,
  world: World,
  cpu: CpuProbe | null
): Promise<KeyringResult> {
  const { singles, many, one } = await prepareAll(api, world);
  const single = await measureSingles(api, world, singles, cpu);
  const manyRun = await timed(
    many.map((a) => () => enable(api, world, a.accountId, a.bodies[0] ?? '')),
    cpu
  );
  const oneRun = await timed(
    one.bodies.map((body) => () => enable(api, world, one.accountId, body)),
    cpu
  );
  return {
    singleMs: median(single.runsMs),
    singleRunsMs: single.runsMs,
    singleCpuMs: single.cpuMs,
    manyAccountsMs: manyRun.ms,
    manyAccountsCpuMs: manyRun.cpuMs,
    manyAccountsStatuses: manyRun.counts,
    oneAccountMs: oneRun.ms,
    oneAccountCpuMs: oneRun.cpuMs,
    oneAccountStatuses: oneRun.counts,
  };
}
