/**
 * Who gets an environment's keys when the server makes them: the caller, every member with global
 * access (as Phase wraps for them on server-side creation), and, for a new environment of an
 * existing app, every server-side KMS account already holding a key in that app.
 */
import type { Db } from '../../db/client';
import type { EnvironmentKeyRow, Holder } from '../../db/queries/apps';
import { listMembersWithKeys } from '../../db/queries/service-accounts';
import { hasGlobalAccess, policyOf } from '../access/check';
import { holderOf, type Principal } from '../auth/principal';
import { ApiError } from '../errors';
import { type EnvironmentMaterial, wrapForHolder } from './environment-keys';

/** A holder with the Ed25519 identity key its copy is wrapped to. */
export type KeyHolder = Holder & { identityKey: string };

/** The caller and every global-access member with an identity key, each once. */
export async function creationHolders(db: Db, principal: Principal): Promise<KeyHolder[]> {
  if (!principal.identityKey) {
    throw new ApiError(
      'invalid_request',
      'Your account has no identity key to wrap environment keys to.'
    );
  }
  const holders: KeyHolder[] = [{ ...holderOf(principal), identityKey: principal.identityKey }];
  for (const { member, role } of await listMembersWithKeys(db, principal.organisationId)) {
    const isCaller = principal.kind === 'member' && principal.memberId === member.id;
    if (!isCaller && member.identityKey && role && hasGlobalAccess(policyOf(role))) {
      holders.push({ memberId: member.id, identityKey: member.identityKey });
    }
  }
  return holders;
}

/** One key row per holder for an environment. */
export function keyRowsFor(
  environment: { id: string; organisationId: string; identityKey: string },
  material: EnvironmentMaterial,
  holders: KeyHolder[],
  nowMs: number
): EnvironmentKeyRow[] {
  return holders.map((holder) => ({
    id: crypto.randomUUID(),
    environmentId: environment.id,
    organisationId: environment.organisationId,
    memberId: 'memberId' in holder ? holder.memberId : null,
    serviceAccountId: 'serviceAccountId' in holder ? holder.serviceAccountId : null,
    identityKey: environment.identityKey,
    ...wrapForHolder(material, holder.identityKey),
    createdAt: nowMs,
    updatedAt: nowMs,
    deletedAt: null,
  }));
}
