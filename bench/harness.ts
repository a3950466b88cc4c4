/**
 * Builds the benchmark Worker the way it ships and serves it on a loopback port, through the
 * same local-worker helpers the Node test suite uses: bench/worker.ts bundled against
 * wrangler.toml, served by Miniflare over a fresh in-memory D1 with every migration applied.
 */
import { buildBundle, startLocalWorker } from '../scripts/local-worker';
import { type CpuProbe, workerdCpuProbe } from './cpu';

/** A running benchmark Worker. */
export interface Harness {
  /** Origin of the loopback server, e.g. `http://127.0.0.1:40123`. */
  origin: string;
  /** The operator secret, for `POST /v1/bootstrap/`. */
  bootstrapToken: string;
  /** Direct D1 access for seeding filler rows. */
  db: D1Database;
  /** workerd's CPU time, where it can be read. */
  cpu: CpuProbe | null;
  stop(): Promise<void>;
}

/**
 * Builds, starts and migrates the benchmark Worker (rate limiting off, quiet logs), with
 * `bindings` on top, such as `BENCH_D1_LATENCY_MS`.
 */
export async function startHarness(bindings: Record<string, string> = {}): Promise<Harness> {
  const scriptPath = buildBundle('dist/bench', 'bench/worker.ts');
  const worker = await startLocalWorker(scriptPath, {
    RATE_LIMIT_PER_MINUTE: '0',
    LOG_LEVEL: 'error',
    ...bindings,
  });
  const db = (await worker.mf.getD1Database('DB')) as unknown as D1Database;
  return {
    origin: worker.origin,
    bootstrapToken: worker.bootstrapToken,
    db,
    cpu: workerdCpuProbe(),
    stop: () => worker.mf.dispose(),
  };
}
