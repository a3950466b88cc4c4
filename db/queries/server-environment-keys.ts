import { and, count, eq, lt } from 'drizzle-orm';
import type { Db } from '../client';
import { serverEnvironmentKeys } from '../schema';
import type { ServerEnvironmentKeyRow } from './apps';

/** Server copies of environments still under a root key older than `version`, a page at a time. */
export function listServerKeysBelowVersion(db: Db, version: number, limit: number) {
  return db
    .select()
    .from(serverEnvironmentKeys)
    .where(lt(serverEnvironmentKeys.keyVersion, version))
    .limit(limit);
}

/** How many server copies of environments are still under an older root key. */
export async function countServerKeysBelowVersion(db: Db, version: number): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(serverEnvironmentKeys)
    .where(lt(serverEnvironmentKeys.keyVersion, version));
  return row?.n ?? 0;
}

/** Swaps in re-wrapped envelopes, but only over the ones they were made from. */
export async function replaceServerKeyEnvelopes(
  db: Db,
  current: ServerEnvironmentKeyRow,
  next: Pick<ServerEnvironmentKeyRow, 'seedEnvelope' | 'saltEnvelope' | 'keyVersion'>
): Promise<boolean> {
  const result = await db
    .update(serverEnvironmentKeys)
    .set(next)
    .where(
      and(
        eq(serverEnvironmentKeys.environmentId, current.environmentId),
        eq(serverEnvironmentKeys.seedEnvelope, current.seedEnvelope)
      )
    );
  return result.meta.changes === 1;
}
