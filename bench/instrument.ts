/**
 * D1 instrumentation for the benchmark build: counts the database round trips one request makes
 * and the rows D1 says it read, and reports both in response headers.
 *
 * Two layers, because neither alone is enough:
 * - a wrapper over the D1 API counts round trips the way the app asks for them: each
 *   `all/first/run/raw` call on a statement is one, each `batch([...])` is one, `exec` is one;
 * - drizzle reads rows through `stmt.raw()` whenever a query selects named fields (every join),
 *   and `raw()` (like `first()`) drops D1's result metadata. So the wrapper sits on a D1Database
 *   rebuilt over a tapped copy of the binding's transport, which sees every wire answer and sums
 *   `meta.rows_read` from it, whatever method asked. Where the runtime does not expose that
 *   transport, rows read falls back to meta where the API returns it and rows returned where it
 *   does not, and the `X-Bench-D1-Rows-Source` header says `returned` instead of `meta`.
 */
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../functions/env';

/** What one request did to D1. */
export interface D1Tally {
  /** Calls the app made: statement executions, batches and execs. */
  roundTrips: number;
  /** Requests seen on the wire; equals roundTrips when the tap is active. */
  wireTrips: number;
  /** Sum of `meta.rows_read` (tap active) or the fallback estimate. */
  rowsRead: number;
  /** Where rowsRead comes from. */
  source: 'meta' | 'returned';
}

/** The request header that asks for a count, and the response headers that carry it. */
export const BENCH_HEADERS = {
  count: 'X-Bench-Count',
  roundTrips: 'X-Bench-D1-Round-Trips',
  rowsRead: 'X-Bench-D1-Rows-Read',
  rowsSource: 'X-Bench-D1-Rows-Source',
  wireTrips: 'X-Bench-D1-Wire-Trips',
} as const;

type Meta = { meta?: { rows_read?: unknown } };

function metaRows(result: unknown): number {
  const rows = (result as Meta | null)?.meta?.rows_read;
  return typeof rows === 'number' ? rows : 0;
}

/** Adds the rows read that D1 reported in one wire answer (an object or an array of them). */
async function tallyWireAnswer(response: Response, tally: D1Tally): Promise<Response> {
  const text = await response.text();
  try {
    const parsed: unknown = JSON.parse(text);
    const results = Array.isArray(parsed) ? parsed : [parsed];
    for (const result of results) tally.rowsRead += metaRows(result);
  } catch {
    // Not JSON (an export, say): nothing to count, and the caller still gets the bytes.
  }
  return new Response(text, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}

type D1Constructor = new (fetcher: Fetcher) => D1Database;

/**
 * The same database over a transport that tallies every answer, or null when the binding is not
 * workerd's D1Database over a fetcher (its `fetcher` field is internal, so we check, not assume).
 */
function tappedDatabase(db: D1Database, tally: D1Tally): D1Database | null {
  const fetcher = (db as unknown as { fetcher?: Fetcher }).fetcher;
  if (typeof fetcher?.fetch !== 'function') return null;
  const tap = {
    async fetch(input: RequestInfo | URL, init?: RequestInit) {
      tally.wireTrips += 1;
      return tallyWireAnswer(await fetcher.fetch(input, init), tally);
    },
  } as Fetcher;
  return new (db.constructor as D1Constructor)(tap);
}

/** A statement that counts its executions; `inner` is what D1's own batch() needs. */
class CountingStatement {
  constructor(
    readonly inner: D1PreparedStatement,
    private readonly tally: D1Tally
  ) {}

  bind(...values: unknown[]): CountingStatement {
    return new CountingStatement(this.inner.bind(...values), this.tally);
  }

  private estimate(rows: number) {
    if (this.tally.source === 'returned') this.tally.rowsRead += rows;
  }

  async all<T>(): Promise<D1Result<T>> {
    this.tally.roundTrips += 1;
    const result = await this.inner.all<T>();
    this.estimate(metaRows(result));
    return result;
  }

  async run<T>(): Promise<D1Result<T>> {
    this.tally.roundTrips += 1;
    const result = await this.inner.run<T>();
    this.estimate(metaRows(result));
    return result;
  }

  async raw<T>(options?: { columnNames?: boolean }): Promise<T[]> {
    this.tally.roundTrips += 1;
    const rows = await this.inner.raw<T>(options as { columnNames: true });
    this.estimate(options?.columnNames ? rows.length - 1 : rows.length);
    return rows as T[];
  }

  async first<T>(column?: string): Promise<T | null> {
    this.tally.roundTrips += 1;
    const row =
      column === undefined ? await this.inner.first<T>() : await this.inner.first<T>(column);
    this.estimate(row === null ? 0 : 1);
    return row;
  }
}

function unwrap(statement: D1PreparedStatement): D1PreparedStatement {
  return statement instanceof CountingStatement ? statement.inner : statement;
}

/** The D1 API surface the app uses, counting as it goes. */
function countingDatabase(db: D1Database, tally: D1Tally): D1Database {
  const base = tappedDatabase(db, tally) ?? db;
  tally.source = base === db ? 'returned' : 'meta';
  const counting = {
    prepare: (query: string) => new CountingStatement(base.prepare(query), tally),
    async batch<T>(statements: D1PreparedStatement[]) {
      tally.roundTrips += 1;
      const results = await base.batch<T>(statements.map(unwrap));
      if (tally.source === 'returned') for (const r of results) tally.rowsRead += metaRows(r);
      return results;
    },
    exec: (query: string) => {
      tally.roundTrips += 1;
      return base.exec(query);
    },
    dump: () => base.dump(),
    withSession: () => {
      throw new Error('D1 sessions are not instrumented by the benchmark build');
    },
  };
  return counting as unknown as D1Database;
}

/**
 * Middleware for the front of the pipeline: gives a request that sends `X-Bench-Count` a
 * counting view of `env.DB`, and writes the tally to the `X-Bench-D1-*` response headers. Other
 * requests pass untouched, so the counting (which re-reads every D1 answer) stays out of the
 * timings of all but the sampled requests. A query the app leaves running after the response
 * (the throttled `last_used_at` write) counts as a round trip when it starts before the headers
 * are written; its rows may arrive too late to be counted.
 */
export function countD1(): MiddlewareHandler<AppEnv> {
  return async function countD1Middleware(c, next) {
    if (c.req.header(BENCH_HEADERS.count) === undefined) return next();
    const tally: D1Tally = { roundTrips: 0, wireTrips: 0, rowsRead: 0, source: 'meta' };
    // A fresh env object: the shared one serves concurrent requests and must never change.
    c.env = { ...c.env, DB: countingDatabase(c.env.DB, tally) };
    await next();
    const headers = c.res.headers;
    headers.set(BENCH_HEADERS.roundTrips, String(tally.roundTrips));
    headers.set(BENCH_HEADERS.rowsRead, String(tally.rowsRead));
    headers.set(BENCH_HEADERS.rowsSource, tally.source);
    if (tally.source === 'meta') headers.set(BENCH_HEADERS.wireTrips, String(tally.wireTrips));
  };
}
