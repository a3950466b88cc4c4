/**
 * The benchmark build's entry: the deployed app plus D1 instrumentation in front and the floor
 * route. Built by `wrangler deploy --dry-run bench/worker.ts` against wrangler.toml, so it needs
 * the same Durable Object classes as functions/index.ts. No cron: the benchmark never fires one.
 */
import { createApp } from '../functions/app';
import { mountFloor } from './floor';
import { countD1 } from './instrument';

export { KeyringObject } from '../functions/durable-objects/keyring-object';
export { RateLimiter } from '../functions/durable-objects/rate-limiter';

const app = createApp({ prelude: [countD1()], extraRoutes: mountFloor });

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
