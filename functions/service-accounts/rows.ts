/**
 * The rows a new service account starts with. Kept apart from the Durable Object and the domain
 * flow so those read as the steps they take, not as field lists.
 */

import type {
  HandlerRow,
  NewServiceAccount,
  ServiceAccountRow,
} from '../../db/queries/service-accounts';
import type { TokenRow } from '../../db/queries/tokens';
import { auditEvent } from '../audit/events';
import type { Actor } from '../auth/principal';
import { newTokenRow } from '../auth/token-rows';
import type { generateServerKeyring } from './keyring';

/** A new account, as the Worker has validated it. */
export interface ServiceAccountDraft {
  organisationId: string;
  serviceAccountId: string;
  name: string;
  roleId: string;
  roleName: string;
  tokenName: string;
  createdByMemberId: string | null;
  createdByServiceAccountId: string | null;
  actor: Actor;
  nowMs: number;
}

type ServerKeyring = ReturnType<typeof generateServerKeyring>;

/** The account row itself. */
export function accountRow(draft: ServiceAccountDraft, identityKey: string): ServiceAccountRow {
  return {
    id: draft.serviceAccountId,
    organisationId: draft.organisationId,
    name: draft.name,
    roleId: draft.roleId,
    identityKey,
    createdByMemberId: draft.createdByMemberId,
    createdAt: draft.nowMs,
    updatedAt: draft.nowMs,
    deletedAt: null,
  };
}

function createdEvent(draft: ServiceAccountDraft, kms: 'server' | 'client') {
  const newValues = { name: draft.name, role: draft.roleName, kms };
  const details = { eventType: 'C' as const, resourceType: 'sa' as const, newValues };
  return auditEvent(draft.actor, { ...details, resourceId: draft.serviceAccountId }, draft.nowMs);
}

/** Rows for an account whose keyring stays with its handlers: their wraps, nothing secret. */
export function clientSideAccountRows(
  draft: ServiceAccountDraft,
  identityKey: string,
  handlers: HandlerRow[]
): NewServiceAccount {
  return {
    serviceAccount: accountRow(draft, identityKey),
    keyring: null,
    handlers,
    firstToken: null,
    audit: [createdEvent(draft, 'client')],
  };
}

/** The first token of a server-side account: it never expires, as Phase's REST create mints. */
function firstTokenRow(draft: ServiceAccountDraft, made: ServerKeyring): TokenRow {
  return newTokenRow({
    organisationId: draft.organisationId,
    kind: 'service_account',
    serviceAccountId: draft.serviceAccountId,
    name: draft.tokenName,
    bearerDigest: made.firstToken.bearerDigest,
    kxPublicKey: made.kxPublicKey,
    wrappedKeyShare: made.firstToken.wrappedKeyShare,
    createdByMemberId: draft.createdByMemberId,
    createdByServiceAccountId: draft.createdByServiceAccountId,
    createdAt: draft.nowMs,
    expiresAt: null,
  });
}

/** Rows for an account whose keyring the server made, with its first token. */
export function serverSideAccountRows(
  draft: ServiceAccountDraft,
  made: ServerKeyring
): NewServiceAccount & { firstToken: TokenRow } {
  const { organisationId, serviceAccountId, nowMs } = draft;
  const firstToken = firstTokenRow(draft, made);
  const newValues = {
    name: firstToken.name,
    expires_at: null,
    service_account_id: serviceAccountId,
  };
  const tokenDetails = { eventType: 'C' as const, resourceType: 'sa_token' as const, newValues };
  return {
    serviceAccount: accountRow(draft, made.identityKey),
    keyring: {
      serviceAccountId,
      organisationId,
      ...made.wrapped,
      createdAt: nowMs,
      updatedAt: nowMs,
    },
    handlers: [],
    firstToken,
    audit: [
      createdEvent(draft, 'server'),
      auditEvent(draft.actor, { ...tokenDetails, resourceId: firstToken.id }, nowMs),
    ],
  };
}
