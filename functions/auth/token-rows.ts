/**
 * The one place a token row is put together, whoever mints or registers it: a fresh id, not yet
 * used, not revoked, and null for whichever of member and service account it does not act as.
 */
import type { TokenRow } from '../../db/queries/tokens';

type Optional = 'memberId' | 'serviceAccountId' | 'createdByMemberId' | 'createdByServiceAccountId';

export type TokenRowInput = Omit<TokenRow, 'id' | 'lastUsedAt' | 'deletedAt' | Optional> &
  Partial<Pick<TokenRow, Optional>>;

export function newTokenRow(input: TokenRowInput): TokenRow {
  return {
    id: crypto.randomUUID(),
    memberId: null,
    serviceAccountId: null,
    createdByMemberId: null,
    createdByServiceAccountId: null,
    lastUsedAt: null,
    deletedAt: null,
    ...input,
  };
}
