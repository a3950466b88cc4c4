/**
 * The payload of `/secrets/tokens/` (phase-reference.md §5.3a): enough for a Phase client to
 * rebuild its X25519 key from its token and open the environment keys wrapped to it.
 */
import type { Db } from '../../db/client';
import { findOrganisation } from '../../db/queries/organisations';
import type { Principal } from '../auth/principal';

export async function sessionKeys(db: Db, principal: Principal) {
  const organisation = await findOrganisation(db, principal.organisationId);
  const account =
    principal.kind === 'service_account'
      ? { account_id: principal.serviceAccountId }
      : { user_id: principal.memberId };
  return {
    wrapped_key_share: principal.wrappedKeyShare,
    ...account,
    offline_enabled: false,
    organisation: { id: principal.organisationId, name: organisation?.name ?? '' },
    // TODO(#7): the apps and environment keys this principal holds, once apps exist.
    apps: [] as unknown[],
  };
}
