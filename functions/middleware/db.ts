/**
 * Puts the typed database handle on `c.var.db`, so routes hand it to domain operations without
 * ever importing drizzle themselves.
 */
import type { MiddlewareHandler } from 'hono';
import { createDb, type Db } from '../../db/client';

export type DbVariables = { db: Db };

export function database(): MiddlewareHandler<{
  Bindings: { DB: D1Database };
  Variables: DbVariables;
}> {
  return async function databaseMiddleware(c, next) {
    c.set('db', createDb(c.env.DB));
    await next();
  };
}
