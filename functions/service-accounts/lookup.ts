/**
 * Finding the account a request names. Anything the caller may not see, including accounts of
 * other organisations and deleted ones, answers exactly like an unknown id.
 */
import type { Db } from '../../db/client';
import { findServiceAccount } from '../../db/queries/service-accounts';
import type { Principal } from '../auth/principal';
import { ApiError } from '../errors';

export const serviceAccountNotFound = () => new ApiError('not_found', 'Service account not found.');

/** An active account of the caller's organisation, or 404. */
export async function loadVisibleAccount(db: Db, principal: Principal, id: string) {
  const account = await findServiceAccount(db, principal.organisationId, id);
  if (!account) throw serviceAccountNotFound();
  return account;
}
