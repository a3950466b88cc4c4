/**
 * Root-key rotation: every envelope still under an older root key (service-account keyrings,
 * SSE environment seeds and salts) is re-wrapped under the newest, a page at a time. A keyring
 * is re-wrapped by its account's Durable Object, so it never races a keyring being enabled,
 * replaced or deleted. The progress lives in the data
 * (`key_version`), so an interrupted rotation resumes by running again; old envelopes keep
 * opening throughout, because old root keys stay configured until nothing uses them.
 */
import type { Db } from '../../db/client';
import {
  countServerKeysBelowVersion,
  listServerKeysBelowVersion,
  replaceServerKeyEnvelopes,
} from '../../db/queries/server-environment-keys';
import {
  countKeyringsBelowVersion,
  listKeyringsBelowVersion,
} from '../../db/queries/service-accounts';
import { rewrapServerEnvironment } from '../apps/environment-keys';
import { loadRootKeys } from '../crypto/kms-root-keys';
import { keyringObject, unwrapResult } from './keyring-object-client';

export const DEFAULT_ROTATION_BATCH = 100;
// Re-wraps in flight at once: enough to overlap D1 round trips, few enough to stay polite.
const PARALLEL_REWRAPS = 8;

export interface RotationProgress {
  currentVersion: number;
  rewrapped: number;
  remaining: number;
}

/**
 * Re-wraps up to `batchSize` server copies of SSE environments. These are not keyrings, so they
 * need no Durable Object: a compare-and-swap keeps a concurrent re-wrap from being overwritten.
 */
async function rotateEnvironmentBatch(db: Db, env: Env, batchSize: number) {
  const rootKeys = loadRootKeys(env.KMS_ROOT_KEYS);
  const page = await listServerKeysBelowVersion(db, rootKeys.currentVersion, batchSize);
  let rewrapped = 0;
  for (const row of page) {
    const next = rewrapServerEnvironment(rootKeys, row.organisationId, row.environmentId, row);
    if (await replaceServerKeyEnvelopes(db, row, next)) rewrapped += 1;
  }
  return rewrapped;
}

/** Re-wraps up to `batchSize` envelopes of each kind and reports what is left. */
export async function rotateKeyringBatch(
  db: Db,
  env: Env,
  batchSize: number,
  nowMs: number
): Promise<RotationProgress> {
  const { currentVersion } = loadRootKeys(env.KMS_ROOT_KEYS);
  const page = await listKeyringsBelowVersion(db, currentVersion, batchSize);
  let rewrapped = 0;
  for (let i = 0; i < page.length; i += PARALLEL_REWRAPS) {
    const slice = page.slice(i, i + PARALLEL_REWRAPS);
    const results = await Promise.all(
      slice.map((row) => keyringObject(env, row.serviceAccountId).rewrap({ ...row, nowMs }))
    );
    rewrapped += results.map(unwrapResult).filter((r) => r.rewrapped).length;
  }
  rewrapped += await rotateEnvironmentBatch(db, env, batchSize);
  const remaining =
    (await countKeyringsBelowVersion(db, currentVersion)) +
    (await countServerKeysBelowVersion(db, currentVersion));
  return { currentVersion, rewrapped, remaining };
}
