/**
 * A modelled distance to D1, for the keyring benchmark. Locally D1 is SQLite inside the one
 * workerd process that also runs the Worker and every Durable Object: a round trip costs CPU
 * and never waits. Deployed, every round trip waits on the network, and those waits are what
 * one object per account lets different accounts overlap while calls on one account queue.
 *
 * `BENCH_D1_LATENCY_MS` adds that wait before every round trip (each statement execution, batch
 * and exec), on the Worker's binding and the KeyringObject's alike. Unset or 0: D1 untouched.
 */
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../functions/env';

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A statement that waits `ms` before each execution; `inner` is what D1's batch() needs. */
class DistantStatement {
  constructor(
    readonly inner: D1PreparedStatement,
    private readonly ms: number
  ) {}

  bind(...values: unknown[]): DistantStatement {
    return new DistantStatement(this.inner.bind(...values), this.ms);
  }

  async all<T>(): Promise<D1Result<T>> {
    await pause(this.ms);
    return this.inner.all<T>();
  }

  async run<T>(): Promise<D1Result<T>> {
    await pause(this.ms);
    return this.inner.run<T>();
  }

  async raw<T>(options?: { columnNames?: boolean }): Promise<T[]> {
    await pause(this.ms);
    return this.inner.raw<T>(options as { columnNames: true }) as Promise<T[]>;
  }

  async first<T>(column?: string): Promise<T | null> {
    await pause(this.ms);
    return column === undefined ? this.inner.first<T>() : this.inner.first<T>(column);
  }
}

const unwrap = (s: D1PreparedStatement) => (s instanceof DistantStatement ? s.inner : s);

function distantDatabase(db: D1Database, ms: number): D1Database {
  const distant = {
    prepare: (query: string) => new DistantStatement(db.prepare(query), ms),
    async batch<T>(statements: D1PreparedStatement[]) {
      await pause(ms);
      return db.batch<T>(statements.map(unwrap));
    },
    async exec(query: string) {
      await pause(ms);
      return db.exec(query);
    },
    dump: () => db.dump(),
    withSession: () => {
      throw new Error('D1 sessions are not modelled by the benchmark build');
    },
  };
  return distant as unknown as D1Database;
}

/** The modelled latency in ms from the bindings; 0 when unset or not a number above 0. */
function latencyOf(env: object): number {
  const value = Number((env as { BENCH_D1_LATENCY_MS?: string }).BENCH_D1_LATENCY_MS ?? 0);
  return Number.isFinite(value) && value > 0 ? value : 0;
}

/** `env` with its D1 binding made distant when a latency is set; `env` itself otherwise. */
export function withD1Latency<E extends { DB: D1Database }>(env: E): E {
  const ms = latencyOf(env);
  return ms === 0 ? env : { ...env, DB: distantDatabase(env.DB, ms) };
}

/** Middleware for the front of the pipeline: this request sees the distant binding. */
export function modelD1Latency(): MiddlewareHandler<AppEnv> {
  return async function modelD1LatencyMiddleware(c, next) {
    // A fresh env object: the shared one serves concurrent requests and must never change.
    c.env = withD1Latency(c.env);
    await next();
  };
}
