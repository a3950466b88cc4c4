/**
 * Handlers: the members who hold a service account's keyring, wrapped to their own key
 * (phase-reference.md §3.7). The server stores the wraps and never opens them. Eligibility is
 * Phase's: a role with global access, or with any organisation-level ServiceAccounts permission
 * other than the managed Service role, and an identity key to wrap to.
 */
import type { Db } from '../../db/client';
import {
  type HandlerRow,
  listMembersWithKeys,
  replaceHandlers,
} from '../../db/queries/service-accounts';
import { requirePermission } from '../access/authorize';
import { hasGlobalAccess, policyOf, type RoleLike } from '../access/check';
import { auditEvent } from '../audit/events';
import type { Actor, Principal } from '../auth/principal';
import { bytesToHex, hexToBytes } from '../crypto/encoding';
import { ed25519PublicKeyToX25519 } from '../crypto/keys';
import { isPhV1Envelope } from '../crypto/ph-v1';
import { ApiError } from '../errors';
import { loadVisibleAccount } from './lookup';

/** Whether members holding `role` should hold service-account keyrings. */
export function isHandlerRole(role: RoleLike): boolean {
  const policy = policyOf(role);
  if (hasGlobalAccess(policy)) return true;
  const managedService = role.isDefault && role.name === 'Service';
  return !managedService && (policy.permissions.ServiceAccounts?.length ?? 0) > 0;
}

/** The organisation's eligible handlers, with the keys a client wraps keyrings to. */
export async function eligibleHandlers(db: Db, organisationId: string) {
  const rows = await listMembersWithKeys(db, organisationId);
  return rows
    .filter(({ member, role }) => member.identityKey && role && isHandlerRole(role))
    .map(({ member }) => {
      const identityKey = member.identityKey as string;
      const kxPublicKey = bytesToHex(ed25519PublicKeyToX25519(hexToBytes(identityKey, 32)));
      return { id: member.id, email: member.email, identityKey, kxPublicKey };
    });
}

export async function listEligibleHandlers(db: Db, principal: Principal) {
  requirePermission(principal, 'read', 'ServiceAccounts', 'service accounts');
  return eligibleHandlers(db, principal.organisationId);
}

/** One wrap a client sends: the keyring (and recovery) wrapped to one handler. */
export interface HandlerWrap {
  member_id: string;
  wrapped_keyring: string;
  wrapped_recovery?: string;
}

/**
 * Checks a set of wraps for one account: every eligible handler exactly once, nobody else, and
 * each wrap a `ph:v1` envelope. Returns the rows to store.
 */
export function handlerRows(
  serviceAccountId: string,
  wraps: HandlerWrap[],
  eligibleIds: Set<string>,
  nowMs: number
): HandlerRow[] {
  const given = new Set(wraps.map((w) => w.member_id));
  const missing = [...eligibleIds].filter((id) => !given.has(id)).sort();
  const extra = [...given].filter((id) => !eligibleIds.has(id)).sort();
  if (given.size !== wraps.length)
    throw new ApiError('invalid_request', 'Each handler may appear only once per service account.');
  if (extra.length > 0)
    throw new ApiError('invalid_request', `Not eligible as handlers: ${extra.join(', ')}.`);
  if (missing.length > 0)
    throw new ApiError(
      'invalid_request',
      `The keyring must be wrapped for every eligible handler; missing: ${missing.join(', ')}.`
    );
  return wraps.map((wrap) => {
    const recovery = wrap.wrapped_recovery ?? '';
    if (!isPhV1Envelope(wrap.wrapped_keyring) || (recovery !== '' && !isPhV1Envelope(recovery))) {
      throw new ApiError(
        'invalid_request',
        "'wrapped_keyring' and 'wrapped_recovery' must be ph:v1 envelopes."
      );
    }
    return {
      id: crypto.randomUUID(),
      serviceAccountId,
      memberId: wrap.member_id,
      wrappedKeyring: wrap.wrapped_keyring,
      wrappedRecovery: recovery,
      createdAt: nowMs,
    };
  });
}

/**
 * Replaces the handler sets of the listed accounts. Every account is checked before anything is
 * written, and all of it is one batch: one unknown account leaves every set as it was.
 */
export async function replaceHandlerSets(
  db: Db,
  principal: Principal,
  actor: Actor,
  wraps: (HandlerWrap & { service_account_id: string })[],
  nowMs: number
) {
  requirePermission(principal, 'update', 'ServiceAccounts', 'service accounts');
  const byAccount = new Map<string, HandlerWrap[]>();
  for (const wrap of wraps) {
    byAccount.set(wrap.service_account_id, [
      ...(byAccount.get(wrap.service_account_id) ?? []),
      wrap,
    ]);
  }
  const eligible = new Set((await eligibleHandlers(db, principal.organisationId)).map((h) => h.id));
  const rows: HandlerRow[] = [];
  for (const [serviceAccountId, accountWraps] of byAccount) {
    await loadVisibleAccount(db, principal, serviceAccountId);
    rows.push(...handlerRows(serviceAccountId, accountWraps, eligible, nowMs));
  }
  const ids = [...byAccount.keys()];
  const audit = ids.map((id) =>
    auditEvent(
      actor,
      {
        eventType: 'U',
        resourceType: 'sa',
        resourceId: id,
        newValues: {
          handlers: rows.filter((r) => r.serviceAccountId === id).map((r) => r.memberId),
        },
      },
      nowMs
    )
  );
  await replaceHandlers(db, ids, rows, audit);
  return { serviceAccounts: ids.length, handlers: rows.length };
}
