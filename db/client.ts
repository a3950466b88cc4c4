import { type DrizzleD1Database, drizzle } from 'drizzle-orm/d1';
import * as schema from './schema';

/** The typed database handle every query function takes first. */
export type Db = DrizzleD1Database<typeof schema>;

/** Wraps a D1 binding. Cheap: call it per request. */
export function createDb(d1: D1Database): Db {
  return drizzle(d1, { schema });
}
