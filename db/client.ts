import { type DrizzleD1Database, drizzle } from 'drizzle-orm/d1';

/**
 * The typed database handle every query function takes first. `$client` is the D1 binding
 * itself, for the few statements written as SQL (see queries/principals.ts).
 */
export type Db = DrizzleD1Database & { $client: D1Database };

/** A row D1 answers for a statement written as SQL, keyed by column name. */
export type SqlRow = Record<string, unknown>;

/** What D1 answers for a statement written as SQL. */
export type SqlResult = D1Result<SqlRow>;

/**
 * Wraps a D1 binding. Built without drizzle's relational schema: the query functions use the
 * query builder only, and extracting the relational config costs measurable CPU on every
 * request for nothing.
 */
export function createDb(d1: D1Database): Db {
  return drizzle(d1);
}
