/**
 * Inserts that happen only while a condition holds, decided inside the statement:
 * `INSERT … SELECT <row> WHERE <condition>`. In a D1 batch the condition sees the batch's own
 * earlier statements, and a batch that races ours commits wholly before or after it, so no
 * read-then-write gap is left between checking and writing.
 */
import { getTableColumns, type SQL, sql } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Db } from '../client';
import { serviceAccounts } from '../schema';

/** Inserts one whole row when `condition` holds at that point of the batch. */
export function insertWhere<T extends SQLiteTable>(
  db: Db,
  table: T,
  row: T['$inferSelect'],
  condition: SQL
) {
  const values = row as Record<string, unknown>;
  const bound = sql.join(
    Object.entries(getTableColumns(table)).map(([key, column]) => {
      const value = values[key] ?? null;
      return sql`${value === null ? null : column.mapToDriverValue(value)}`;
    }),
    sql`, `
  );
  // drizzle names every column of the table, in order, as the select's target list.
  return db.insert(table).select(sql`SELECT ${bound} WHERE ${condition}`);
}

/**
 * Inserts `row` only while the service account is live. Some writes for an account run outside
 * its Durable Object (access grants, handler sets) and can race its deletion, itself one batch:
 * either the deletion commits first and nothing is inserted, or the insert commits first and
 * the deletion then blanks or removes what it wrote. No key material outlives the account.
 */
export function insertWhileAccountLive<T extends SQLiteTable>(
  db: Db,
  table: T,
  row: T['$inferSelect'],
  serviceAccountId: string
) {
  return insertWhere(
    db,
    table,
    row,
    sql`EXISTS (SELECT 1 FROM ${serviceAccounts}
      WHERE ${serviceAccounts.id} = ${serviceAccountId} AND ${serviceAccounts.deletedAt} IS NULL)`
  );
}
