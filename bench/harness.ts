/**
 * Builds the benchmark Worker the way it ships and serves it on a loopback port, as the Node
 * test suite does (test/node/setup/worker.ts): `wrangler deploy --dry-run` bundles
 * bench/worker.ts against wrangler.toml, and Miniflare runs that bundle with wrangler.toml's
 * bindings, a fresh in-memory D1 with every migration applied, and random secrets.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { Miniflare } from 'miniflare';
import { unstable_getMiniflareWorkerOptions } from 'wrangler';
import { type CpuProbe, workerdCpuProbe } from './cpu';

const OUT_DIR = 'dist/bench';
const ENTRY = 'bench/worker.ts';

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

/** Bundles bench/worker.ts; the positional script argument overrides `main` in wrangler.toml. */
function buildBundle(): string {
  const env = { ...process.env, CI: 'true', WRANGLER_SEND_METRICS: 'false' };
  const args = ['deploy', '-c', 'wrangler.toml', '--dry-run', '--outdir', OUT_DIR, ENTRY];
  execFileSync('node_modules/.bin/wrangler', args, { env, stdio: 'pipe' });
  return `${OUT_DIR}/worker.js`;
}

async function applyMigrations(db: D1Database) {
  const files = readdirSync('migrations')
    .filter((f) => f.endsWith('.sql'))
    .sort();
  for (const file of files) {
    const statements = readFileSync(`migrations/${file}`, 'utf8')
      .split('--> statement-breakpoint')
      .map((s) => s.trim())
      .filter(Boolean);
    await db.batch(statements.map((s) => db.prepare(s)));
  }
}

/** Builds, starts and migrates the benchmark Worker. */
export async function startHarness(): Promise<Harness> {
  const scriptPath = buildBundle();
  const { workerOptions } = unstable_getMiniflareWorkerOptions('wrangler.toml');
  const secrets = {
    KMS_ROOT_KEYS: `1:${randomBytes(32).toString('hex')}`,
    SERVER_SECRET: randomBytes(32).toString('hex'),
    BOOTSTRAP_TOKEN: randomBytes(32).toString('hex'),
  };
  const mf = new Miniflare({
    ...workerOptions,
    modules: true,
    scriptPath,
    bindings: {
      ...workerOptions.bindings,
      ...secrets,
      RATE_LIMIT_PER_MINUTE: '0',
      LOG_LEVEL: 'error',
    },
    // In memory: every run starts from an empty database and leaves nothing behind.
    d1Persist: false,
    durableObjectsPersist: false,
    cf: false,
    host: '127.0.0.1',
    port: 0,
  } as ConstructorParameters<typeof Miniflare>[0]);
  const url = await mf.ready;
  const db = (await mf.getD1Database('DB')) as unknown as D1Database;
  await applyMigrations(db);
  return {
    origin: url.origin,
    bootstrapToken: secrets.BOOTSTRAP_TOKEN,
    db,
    cpu: workerdCpuProbe(),
    stop: () => mf.dispose(),
  };
}
