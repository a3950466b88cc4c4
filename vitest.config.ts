import path from 'node:path';
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';

// Two projects: `worker` runs inside workerd with real D1 and Durable Objects; `node` runs what
// needs Node itself (libsodium-wrappers, the Phase SDK, a Worker on a loopback port).
export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(import.meta.dirname, 'migrations'));
  return {
    test: {
      projects: [
        {
          plugins: [
            cloudflareTest({
              main: './functions/index.ts',
              wrangler: { configPath: './wrangler.toml' },
              miniflare: {
                bindings: {
                  TEST_MIGRATIONS: migrations,
                  // Fixed values for tests only; deployments use `wrangler secret put`.
                  KMS_ROOT_KEYS: `2:${'b'.repeat(64)},1:${'a'.repeat(64)}`,
                  SERVER_SECRET: 'c'.repeat(64),
                  BOOTSTRAP_TOKEN: 'test-bootstrap-token',
                  LOG_LEVEL: 'error',
                  RATE_LIMIT_PER_MINUTE: '0',
                },
              },
            }),
          ],
          test: {
            name: 'worker',
            include: ['test/worker/**/*.test.ts'],
            setupFiles: ['./test/worker/setup/apply-migrations.ts'],
          },
        },
        {
          test: {
            name: 'node',
            include: ['test/node/**/*.test.ts'],
            environment: 'node',
            globalSetup: ['./test/node/setup/worker.ts'],
            testTimeout: 60_000,
          },
        },
      ],
    },
  };
});
