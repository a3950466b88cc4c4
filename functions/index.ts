/**
 * The Worker entry: HTTP through the Hono app, cron through the scheduled handler, and the
 * Durable Object classes wrangler.toml binds.
 */
import { createApp } from './app';
import { runScheduled } from './scheduled';

export { KeyringObject } from './durable-objects/keyring-object';
export { RateLimiter } from './durable-objects/rate-limiter';

const app = createApp();

export default {
  fetch: app.fetch,
  scheduled: (controller, env, ctx) => {
    ctx.waitUntil(runScheduled(controller, env));
  },
} satisfies ExportedHandler<Env>;
