/**
 * Serving the Worker as it ships, from Node: `wrangler deploy --dry-run` bundles an entry
 * against wrangler.toml, and Miniflare runs that bundle with wrangler.toml's bindings on a
 * loopback port, over a fresh in-memory D1 with every migration applied and random secrets.
 * The Node test suite and the benchmark both start their Worker through here.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { Miniflare } from 'miniflare';
import { unstable_getMiniflareWorkerOptions } from 'wrangler';

/** A Worker served on a loopback port. */
export interface LocalWorker {
  origin: string;
  /** The operator secret it was started with. */
  bootstrapToken: string;
  mf: Miniflare;
}

/** Bundles `entry` (wrangler.toml's `main` when omitted) into `outDir`; returns the script. */
export function buildBundle(outDir: string, entry?: string): string {
  const env = { ...process.env, CI: 'true', WRANGLER_SEND_METRICS: 'false' };
  const args = ['deploy', '-c', 'wrangler.toml', '--dry-run', '--outdir', outDir];
  execFileSync('node_modules/.bin/wrangler', entry ? [...args, entry] : args, {
    env,
    stdio: 'pipe',
  });
  const name = entry ? (entry.split('/').pop() as string).replace(/\.ts$/, '.js') : 'index.js';
  return `${outDir}/${name}`;
}

/** Applies every migration, in order, one batch per file. */
export async function applyMigrations(db: D1Database) {
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

/** Serves `scriptPath` with wrangler.toml's bindings, random secrets and `bindings` on top. */
export async function startLocalWorker(
  scriptPath: string,
  bindings: Record<string, string>
): Promise<LocalWorker> {
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
    bindings: { ...workerOptions.bindings, ...secrets, ...bindings },
    cf: false,
    host: '127.0.0.1',
    port: 0,
  } as ConstructorParameters<typeof Miniflare>[0]);
  const url = await mf.ready;
  await applyMigrations(await mf.getD1Database('DB'));
  return { origin: url.origin, bootstrapToken: secrets.BOOTSTRAP_TOKEN, mf };
}
