/**
 * Wire views of service accounts (phase-rest.md §6.1), camelCase, with no secret material:
 * token summaries carry no bearer, digest or share.
 */
import type { AppRow, EnvironmentRow } from '../../db/queries/apps';
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

/** An app the account reaches, with the environments it holds keys for. */
export interface AppAccessView {
  id: string;
  name: string;
  environments: { id: string; name: string; envType: string }[];
}

/** Groups held keys by app, keeping the order the keys come in. */
export function appAccessView(
  held: { app: AppRow; environment: EnvironmentRow }[]
): AppAccessView[] {
  const byApp = new Map<string, AppAccessView>();
  for (const { app, environment } of held) {
    const entry = byApp.get(app.id) ?? { id: app.id, name: app.name, environments: [] };
    entry.environments.push({
      id: environment.id,
      name: environment.name,
      envType: environment.envType,
    });
    byApp.set(app.id, entry);
  }
  return [...byApp.values()];
}

/** The detail view: the account, its live tokens and the apps it can reach. */
export function serviceAccountDetailView(
  account: ServiceAccountWithRole,
  tokens: TokenRow[],
  apps: AppAccessView[]
) {
  return { ...serviceAccountView(account), tokens: tokens.map(tokenSummaryView), apps };
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
