/**
 * Deletes tokens that ended (expired or were revoked) more than `TOKEN_RETENTION_DAYS` ago,
 * 30 by default, so dead bearers' digests and wrapped shares do not pile up. Their audit events
 * stay: the audit log keeps the history, the tokens table only what can still be used or
 * recently stopped being.
 */
import { createDb } from '../../db/client';
import { deleteTokensEndedBefore } from '../../db/queries/tokens';
import type { HousekeepingTask } from './task';

const DAY_MS = 86_400_000;
const DEFAULT_RETENTION_DAYS = 30;

/** Reads the retention in whole days; anything unusable falls back to 30. */
export function parseRetentionDays(value: string | undefined): number {
  const days = Number(value);
  return Number.isSafeInteger(days) && days >= 0 ? days : DEFAULT_RETENTION_DAYS;
}

export const tokenSweep: HousekeepingTask = {
  name: 'token-sweep',
  run: (env, nowMs) => {
    const retentionMs = parseRetentionDays(env.TOKEN_RETENTION_DAYS) * DAY_MS;
    return deleteTokensEndedBefore(createDb(env.DB), nowMs - retentionMs);
  },
};
