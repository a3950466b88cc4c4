/**
 * Inserts that happen only while a service account is live. Some writes for an account run
 * outside its Durable Object (access grants, handler sets) and can race its deletion, which is
 * itself one batch. With the condition inside the statement, either the deletion commits first
 * and nothing is inserted, or the insert commits first and the deletion then blanks or removes
 * what it wrote: no key material outlives the account either way.
 */
import { getTableColumns, sql } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Db } from '../client';
import { serviceAccounts } from '../schema';

/** `INSERT … SELECT … WHERE EXISTS` for one whole row, conditional on the account. */
export function insertWhileAccountLive<T extends SQLiteTable>(
  db: Db,
  table: T,
  row: T['$inferSelect'],
  serviceAccountId: string
) {
  const columns = Object.entries(getTableColumns(table));
  const values = row as Record<string, unknown>;
  const bound = sql.join(
    columns.map(([key, column]) => {
      const value = values[key] ?? null;
      return sql`${value === null ? null : column.mapToDriverValue(value)}`;
    }),
    sql`, `
  );
  // drizzle names every column of the table, in order, as the select's target list.
  return db.insert(table).select(sql`SELECT ${bound}
    WHERE EXISTS (SELECT 1 FROM ${serviceAccounts}
      WHERE ${serviceAccounts.id} = ${serviceAccountId} AND ${serviceAccounts.deletedAt} IS NULL)`);
}
