/**
 * Creating an organisation, which only the operator can do: the organisation, its five managed
 * roles, its Owner and the Owner's first token, all in one batch.
 */
import type { Db } from '../../db/client';
import { insertOrganisation } from '../../db/queries/organisations';
import { MANAGED_DESCRIPTIONS, MANAGED_ROLE_NAMES } from '../access/policies';
import { auditEvent } from '../audit/events';
import type { Actor, RequestOrigin } from '../auth/principal';
import { ApiError } from '../errors';
import {
  type IdentityInput,
  newMemberRows,
  onceOnlyCredentials,
  resolveCredentials,
} from './member-rows';
import { memberView, organisationView } from './views';

export interface BootstrapInput {
  organisation: { name: string };
  owner: IdentityInput & { name?: string; email: string };
}

/** The roles every organisation starts with; their permissions live in code. */
function managedRoles(organisationId: string, nowMs: number) {
  return MANAGED_ROLE_NAMES.map((name, i) => ({
    id: crypto.randomUUID(),
    organisationId,
    name,
    nameKey: name.toLowerCase(),
    description: MANAGED_DESCRIPTIONS[name],
    color: '',
    isDefault: true,
    permissions: '{}',
    // One millisecond apart so "oldest first" lists them in their canonical order.
    createdAt: nowMs + i,
  }));
}

/** Creates the organisation and answers with what the operator sees once. */
export async function bootstrapOrganisation(
  db: Db,
  input: BootstrapInput,
  origin: RequestOrigin,
  nowMs: number
) {
  const organisation = { id: crypto.randomUUID(), name: input.organisation.name, createdAt: nowMs };
  const roles = managedRoles(organisation.id, nowMs);
  const ownerRole = roles[0] as (typeof roles)[number];
  const credentials = resolveCredentials(input.owner, nowMs);
  const draft = {
    organisationId: organisation.id,
    roleId: ownerRole.id,
    email: input.owner.email,
    fullName: input.owner.name ?? null,
    createdByMemberId: null,
    tokenName: 'Owner bootstrap token',
  };
  const { member: owner, token: ownerToken } = newMemberRows(draft, credentials, nowMs);
  // The Owner must be able to act at once, so bootstrap always comes with a token.
  if (!ownerToken) {
    throw new ApiError('invalid_request', "A client-held 'identity_key' needs a signed 'token'.");
  }

  const actor: Actor = {
    ...origin,
    organisationId: organisation.id,
    actorType: 'operator',
    actorId: null,
    actorTokenId: null,
  };
  const created = (
    resourceType: 'organisation' | 'member' | 'pat',
    resourceId: string,
    newValues: Record<string, unknown>
  ) => auditEvent(actor, { eventType: 'C', resourceType, resourceId, newValues }, nowMs);
  const audit = [
    created('organisation', organisation.id, { name: organisation.name }),
    created('member', owner.id, { email: owner.email, role: ownerRole.name }),
    created('pat', ownerToken.id, { name: ownerToken.name, member_id: owner.id }),
  ];
  await insertOrganisation(db, { organisation, roles, owner, ownerToken, audit });

  return {
    organisation: organisationView(organisation),
    owner: memberView(owner, ownerRole),
    ...onceOnlyCredentials(credentials),
  };
}
