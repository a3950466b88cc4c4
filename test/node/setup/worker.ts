/**
 * Starts the Worker the way it ships, for tests that must run in Node (libsodium, the Phase
 * SDK): `wrangler deploy --dry-run` builds the deployable bundle, and Miniflare serves that
 * bundle on a loopback port with wrangler.toml's bindings, a fresh in-memory D1 with every
 * migration applied, and test-only secrets. Tests reach it through `inject('workerUrl')`.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { Miniflare } from 'miniflare';
import type { TestProject } from 'vitest/node';
import { unstable_getMiniflareWorkerOptions } from 'wrangler';

const OUT_DIR = 'dist/test-bundle';

function buildBundle() {
  const env = { ...process.env, CI: 'true', WRANGLER_SEND_METRICS: 'false' };
  const args = ['deploy', '-c', 'wrangler.toml', '--dry-run', '--outdir', OUT_DIR];
  execFileSync('node_modules/.bin/wrangler', args, { env, stdio: 'pipe' });
}

async function applyMigrations(mf: Miniflare) {
  const db = await mf.getD1Database('DB');
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

export default async function startWorker(project: TestProject) {
  buildBundle();
  const { workerOptions } = unstable_getMiniflareWorkerOptions('wrangler.toml');
  const secrets = {
    KMS_ROOT_KEYS: `1:${randomBytes(32).toString('hex')}`,
    SERVER_SECRET: randomBytes(32).toString('hex'),
    BOOTSTRAP_TOKEN: randomBytes(32).toString('hex'),
  };
  const mf = new Miniflare({
    ...workerOptions,
    modules: true,
    scriptPath: `${OUT_DIR}/index.js`,
    bindings: {
      ...workerOptions.bindings,
      ...secrets,
      RATE_LIMIT_PER_MINUTE: '0',
      LOG_LEVEL: 'error',
    },
    cf: false,
    host: '127.0.0.1',
    port: 0,
  } as ConstructorParameters<typeof Miniflare>[0]);
  const url = await mf.ready;
  await applyMigrations(mf);
  project.provide('workerUrl', url.origin);
  project.provide('bootstrapToken', secrets.BOOTSTRAP_TOKEN);
  return async () => {
    await mf.dispose();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    workerUrl: string;
    bootstrapToken: string;
  }
}
