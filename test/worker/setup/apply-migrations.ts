import { applyD1Migrations, env } from 'cloudflare:test';

// Idempotent, so it is safe however many times the pool runs it.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
