import { type DrizzleD1Database, drizzle } from 'drizzle-orm/d1';

/**
 * The typed database handle every query function takes first. `$client` is the D1 binding
 * itself, for the few statements written as SQL (see queries/principals.ts).
 */
export type Db = DrizzleD1Database & { $client: D1Database };

/** What D1 answers for a statement written as SQL: rows keyed by column name. */
export type SqlResult = D1Result<Record<string, unknown>>;

/**
 * Wraps a D1 binding. Built without drizzle's relational schema: the query functions use the
 * query builder only, and extracting the relational config costs measurable CPU on every
 * request for nothing.
 */
export function createDb(d1: D1Database): Db {
  return drizzle(d1);
}
