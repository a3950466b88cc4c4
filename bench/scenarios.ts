/**
 * The scenarios and the order they run in. Order matters because some scenarios
 * add rows: the floor, the hot path and the session read run side by side on a database of 100
 * tokens; the hot path is then measured at 100 and, after growing the tables, at 100,000 tokens,
 * each time beside the floor as a control for machine drift; account creation and token
 * minting (which add rows by the thousand) and the keyring cases come last.
 */
import { apiFor, baseHeaders } from './api';
import { FLOOR_PATH } from './floor';
import { type Harness, startHarness } from './harness';
import { KEYRING_FANOUT, type KeyringResult, measureKeyrings } from './keyring';
import { type LoadOptions, type LoadResult, type RequestFactory, runSideBySide } from './load';
import { fillTo, type RowCounts, seedWorld, type World } from './seed';

/** One load scenario's outcome. */
export interface ScenarioResult {
  id: string;
  label: string;
  result: LoadResult;
}

/** The hot path at one table size, with the floor measured alongside as a control. */
export interface ScalePoint {
  rows: RowCounts;
  result: LoadResult;
  floor: LoadResult;
}

/** The hot path at two table sizes. */
export interface ScaleResult {
  small: ScalePoint;
  large: ScalePoint;
  /** Seconds spent writing the filler rows. */
  growSeconds: number;
}

/** Everything one run measured. */
export interface BenchResults {
  options: LoadOptions;
  scenarios: ScenarioResult[];
  scale: ScaleResult;
  keyring: KeyringResult;
  /** The keyring cases on a Worker whose D1 round trips wait `latencyMs`; null when skipped. */
  keyringAtLatency: { latencyMs: number; result: KeyringResult } | null;
}

/** Row counts the hot path is measured at. */
export const SMALL_ROWS = 100;
export const LARGE_ROWS = 100_000;

const get = (path: string, headers: Record<string, string>) => () => ({
  path,
  init: { method: 'GET', headers },
});

function sdkHeaders(world: World) {
  return {
    ...baseHeaders(world.serviceAuth),
    environment: world.devEnvId,
    'X-Use-Camel-Case': 'true',
  };
}

const floor = (w: World): RequestFactory =>
  get(`${FLOOR_PATH}?id=${encodeURIComponent(w.organisationId)}`, baseHeaders());
const hotPath = (w: World): RequestFactory => get('/service/secrets/', sdkHeaders(w));
const sessionRead = (w: World): RequestFactory => get('/service/secrets/tokens/', sdkHeaders(w));

const createAccount =
  (w: World): RequestFactory =>
  (seq) => ({
    path: '/v1/service-accounts/',
    init: {
      method: 'POST',
      headers: baseHeaders(w.ownerAuth),
      body: JSON.stringify({ name: `bench-sa-${seq}`, role_id: w.serviceRoleId }),
    },
  });

const mintToken =
  (w: World, accountId: string): RequestFactory =>
  (seq) => ({
    path: `/v1/service-accounts/${accountId}/tokens/`,
    init: {
      method: 'POST',
      headers: baseHeaders(w.ownerAuth),
      body: JSON.stringify({ name: `bench-token-${seq}` }),
    },
  });

/** Logs progress to stderr, so stdout carries only the report. */
export function progress(message: string) {
  process.stderr.write(`[bench] ${message}\n`);
}

/** Measures scenarios side by side (see runSideBySide) and labels the results. */
async function measure(
  h: Harness,
  options: LoadOptions,
  cases: [id: string, label: string, make: RequestFactory][]
): Promise<ScenarioResult[]> {
  const labels = cases.map(([, label]) => label).join(' | ');
  progress(`${labels}: ${options.warmupSeconds}s warm-up, ${options.seconds}s measured each`);
  const makes = cases.map(([, , make]) => make);
  const results = await runSideBySide(h.origin, makes, options, h.cpu);
  return cases.map(([id, label], i) => ({ id, label, result: results[i] as LoadResult }));
}

/** The hot path beside the floor, at the current table size. */
async function scalePoint(h: Harness, options: LoadOptions, world: World, target: number) {
  const rows = await fillTo(h.db, world, target);
  const [floorRun, hotRun] = await measure(h, options, [
    ['floor', `floor @${target} tokens`, floor(world)],
    ['hot', `hot path @${target} tokens`, hotPath(world)],
  ]);
  return {
    rows,
    result: (hotRun as ScenarioResult).result,
    floor: (floorRun as ScenarioResult).result,
  };
}

async function measureScale(h: Harness, options: LoadOptions, world: World) {
  const small = await scalePoint(h, options, world, SMALL_ROWS);
  progress(`growing to ${LARGE_ROWS.toLocaleString('en')} tokens`);
  const started = performance.now();
  await fillTo(h.db, world, LARGE_ROWS);
  const growSeconds = (performance.now() - started) / 1000;
  const large = await scalePoint(h, options, world, LARGE_ROWS);
  return { small, large, growSeconds };
}

/** Seeds the Worker and runs every scenario in order. */
export async function runAll(h: Harness, options: LoadOptions): Promise<BenchResults> {
  const api = apiFor(h.origin);
  progress('seeding');
  const world = await seedWorld(api, h.bootstrapToken);
  await fillTo(h.db, world, SMALL_ROWS);
  const scenarios = await measure(h, options, [
    ['floor', 'floor (1 D1 read by PK)', floor(world)],
    ['hot', 'GET /service/secrets/', hotPath(world)],
    ['session', 'GET /service/secrets/tokens/', sessionRead(world)],
  ]);
  const scale = await measureScale(h, options, world);
  scenarios.push(
    ...(await measure(h, options, [['sa-create', 'POST service account', createAccount(world)]]))
  );
  const minter = await api.must(201, 'POST', '/v1/service-accounts/', world.ownerAuth, {
    name: 'bench-minter',
    role_id: world.serviceRoleId,
  });
  scenarios.push(
    ...(await measure(h, options, [['mint', 'POST token (mint)', mintToken(world, minter.id)]]))
  );
  const n = KEYRING_FANOUT;
  progress(`keyring creation: 1 alone, ${n} accounts, ${n} attempts on one account`);
  const keyring = await measureKeyrings(api, world, h.cpu);
  return { options, scenarios, scale, keyring, keyringAtLatency: null };
}

/**
 * The keyring cases again, on a fresh Worker where every D1 round trip waits `latencyMs`
 * (bench/latency.ts): locally nothing else makes a keyring enable wait.
 */
export async function keyringsAtLatency(latencyMs: number) {
  progress(`keyring creation again, every D1 round trip made to wait ${latencyMs} ms`);
  const h = await startHarness({ BENCH_D1_LATENCY_MS: String(latencyMs) });
  try {
    const api = apiFor(h.origin);
    const world = await seedWorld(api, h.bootstrapToken);
    return { latencyMs, result: await measureKeyrings(api, world, h.cpu) };
  } finally {
    await h.stop();
  }
}
