/**
 * Wire views of service accounts (phase-rest.md §6.1), camelCase, with no secret material:
 * token summaries carry no bearer, digest or share.
 */
import type { ServiceAccountWithRole } from '../../db/queries/service-accounts';
import type { TokenRow } from '../../db/queries/tokens';
import { isoTime } from '../tenancy/views';

export type KmsMode = 'server' | 'client';

export function serviceAccountView({
  serviceAccount,
  role,
  serverKeyring,
}: ServiceAccountWithRole) {
  return {
    id: serviceAccount.id,
    name: serviceAccount.name,
    role: role ? { id: role.id, name: role.name } : null,
    identityKey: serviceAccount.identityKey,
    kmsMode: (serverKeyring ? 'server' : 'client') as KmsMode,
    createdAt: isoTime(serviceAccount.createdAt),
    updatedAt: isoTime(serviceAccount.updatedAt),
  };
}

export function tokenSummaryView(token: Pick<TokenRow, 'id' | 'name' | 'createdAt' | 'expiresAt'>) {
  return {
    id: token.id,
    name: token.name,
    createdAt: isoTime(token.createdAt),
    expiresAt: isoTime(token.expiresAt),
  };
}

/** The detail view: the account, its live tokens and the apps it can reach. */
export function serviceAccountDetailView(account: ServiceAccountWithRole, tokens: TokenRow[]) {
  return {
    ...serviceAccountView(account),
    tokens: tokens.map(tokenSummaryView),
    // TODO(#7): list the apps and environments the account holds keys for, once apps exist.
    apps: [] as {
      id: string;
      name: string;
      environments: { id: string; name: string; envType: string }[];
    }[],
  };
}

/** A token shown once, at mint: the summary plus the token string and its bearer form. */
export function mintedTokenView(
  token: Pick<TokenRow, 'id' | 'name' | 'createdAt' | 'expiresAt'>,
  tokenString: string,
  bearer: string
) {
  return {
    ...tokenSummaryView(token),
    token: tokenString,
    bearerToken: `ServiceAccount ${bearer}`,
  };
}
