/**
 * The detail view of an account as every endpoint that returns it builds it: the account, its
 * live tokens and the apps and environments it holds keys for.
 */
import type { Db } from '../../db/client';
import { listHolderKeys } from '../../db/queries/apps';
import {
  listServiceAccountTokens,
  type ServiceAccountWithRole,
} from '../../db/queries/service-accounts';
import { appAccessView, serviceAccountDetailView } from './views';

export async function loadDetail(db: Db, account: ServiceAccountWithRole) {
  const { id, organisationId } = account.serviceAccount;
  const [tokens, held] = await Promise.all([
    listServiceAccountTokens(db, organisationId, id),
    listHolderKeys(db, organisationId, { serviceAccountId: id }),
  ]);
  return serviceAccountDetailView(account, tokens, appAccessView(held));
}
