/**
 * The benchmark build's entry: the deployed app plus D1 instrumentation in front and the floor
 * route. Built by `wrangler deploy --dry-run bench/worker.ts` against wrangler.toml, so it needs
 * the same Durable Object classes as functions/index.ts. No cron: the benchmark never fires one.
 * With `BENCH_D1_LATENCY_MS` set, every D1 round trip waits that long (bench/latency.ts).
 */
import { createApp } from '../functions/app';
import { KeyringObject as Deployed } from '../functions/durable-objects/keyring-object';
import { mountFloor } from './floor';
import { countD1 } from './instrument';
import { modelD1Latency, withD1Latency } from './latency';

export { RateLimiter } from '../functions/durable-objects/rate-limiter';

/** The deployed object, over the same modelled D1 distance as the Worker. */
export class KeyringObject extends Deployed {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, withD1Latency(env));
  }
}

const app = createApp({ prelude: [modelD1Latency(), countD1()], extraRoutes: mountFloor });

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
