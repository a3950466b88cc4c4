import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { Db } from '../client';
import { secrets } from '../schema';
import { touchEnvironmentStatement } from './apps';

export type SecretRow = typeof secrets.$inferSelect;

const live = (environmentId: string) =>
  and(eq(secrets.environmentId, environmentId), isNull(secrets.deletedAt));

/** Live secrets of an environment, optionally only at one path or with one key digest. */
export function listSecrets(
  db: Db,
  environmentId: string,
  filter: { path?: string; keyDigest?: string } = {}
): Promise<SecretRow[]> {
  return db
    .select()
    .from(secrets)
    .where(
      and(
        live(environmentId),
        filter.path === undefined ? undefined : eq(secrets.path, filter.path),
        filter.keyDigest === undefined ? undefined : eq(secrets.keyDigest, filter.keyDigest)
      )
    );
}

/** Live secrets of an environment with these ids (others' ids simply match nothing). */
export function findSecrets(db: Db, environmentId: string, ids: string[]): Promise<SecretRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db
    .select()
    .from(secrets)
    .where(and(live(environmentId), inArray(secrets.id, ids)));
}

/** Inserts secrets and marks the environment written, in one batch. */
export async function insertSecrets(
  db: Db,
  environmentId: string,
  rows: SecretRow[],
  nowMs: number
) {
  await db.batch([
    touchEnvironmentStatement(db, environmentId, nowMs),
    ...rows.map((row) => db.insert(secrets).values(row)),
  ]);
}

/** Writes updated secrets (each confined to its environment) in one batch. */
export async function updateSecrets(
  db: Db,
  environmentId: string,
  rows: SecretRow[],
  nowMs: number
) {
  await db.batch([
    touchEnvironmentStatement(db, environmentId, nowMs),
    ...rows.map((row) =>
      db
        .update(secrets)
        .set({
          key: row.key,
          keyDigest: row.keyDigest,
          value: row.value,
          comment: row.comment,
          path: row.path,
          tags: row.tags,
          type: row.type,
          version: row.version,
          updatedAt: nowMs,
        })
        .where(and(live(environmentId), eq(secrets.id, row.id)))
    ),
  ]);
}

/** Soft-deletes secrets of one environment in one batch. */
export async function deleteSecrets(db: Db, environmentId: string, ids: string[], nowMs: number) {
  await db.batch([
    touchEnvironmentStatement(db, environmentId, nowMs),
    db
      .update(secrets)
      .set({ deletedAt: nowMs, updatedAt: nowMs })
      .where(and(live(environmentId), inArray(secrets.id, ids))),
  ]);
}
