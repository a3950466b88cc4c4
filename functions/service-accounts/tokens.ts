/**
 * Service-account tokens: mint (server-side KMS), register (client-side KMS), list, revoke and
 * rotate. One rule decides who may touch an account's tokens, on every path (phase-reference
 * §4.4, hardened per §10.3): a service account only its own, a member only with global access;
 * anyone else is answered 404, as if the account did not exist, and nothing is minted.
 */

import type { Db } from '../../db/client';
import { findKeyring, listServiceAccountTokens } from '../../db/queries/service-accounts';
import {
  findHolderToken,
  insertSuccessorToken,
  insertToken,
  isBearerDigestTaken,
  revokeToken,
  type TokenRow,
} from '../../db/queries/tokens';
import { principalHasGlobalAccess, requirePermission } from '../access/authorize';
import type { Action } from '../access/policies';
import { auditEvent } from '../audit/events';
import { type Actor, memberIdOf, type Principal, serviceAccountIdOf } from '../auth/principal';
import { newTokenRow } from '../auth/token-rows';
import { loadRootKeys } from '../crypto/kms-root-keys';
import { ApiError, openStored } from '../errors';
import { parseIdentityKey, type TokenRegistration, verifyRegistration } from '../tenancy/identity';
import { parseExpiry } from '../validation/expiry';
import { keyringBinding, mintFromEnvelope } from './keyring';
import { loadVisibleAccount, serviceAccountNotFound } from './lookup';
import { mintedTokenView, tokenSummaryView } from './views';

const NOT_SERVER_SIDE =
  'Service account does not have server-side key management enabled. ' +
  'Tokens cannot be minted via the API.';
export const MAX_GRACE_SECONDS = 7 * 24 * 3600;
export const DEFAULT_GRACE_SECONDS = 3600;

/** The account whose tokens are meant, once the caller is allowed to manage them. */
async function tokenAccount(db: Db, principal: Principal, id: string, action: Action) {
  requirePermission(principal, action, 'ServiceAccountTokens', 'service account tokens');
  const own = serviceAccountIdOf(principal) === id;
  if (!own && (principal.kind === 'service_account' || !principalHasGlobalAccess(principal))) {
    throw serviceAccountNotFound();
  }
  return loadVisibleAccount(db, principal, id);
}

function tokenRow(
  principal: Principal,
  id: string,
  fields: Pick<
    TokenRow,
    'name' | 'bearerDigest' | 'kxPublicKey' | 'wrappedKeyShare' | 'expiresAt' | 'createdAt'
  >
): TokenRow {
  return newTokenRow({
    organisationId: principal.organisationId,
    kind: 'service_account',
    serviceAccountId: id,
    createdByMemberId: memberIdOf(principal),
    createdByServiceAccountId: serviceAccountIdOf(principal),
    ...fields,
  });
}

const tokenEvent = (eventType: 'C' | 'D', token: TokenRow) => ({
  eventType,
  resourceType: 'sa_token' as const,
  resourceId: token.id,
  [eventType === 'C' ? 'newValues' : 'oldValues']: {
    name: token.name,
    expires_at: token.expiresAt === null ? null : new Date(token.expiresAt).toISOString(),
    service_account_id: token.serviceAccountId,
  },
});

/** The server's copy of the keyring, which minting needs. */
async function serverKeyring(db: Db, id: string) {
  const keyring = await findKeyring(db, id);
  if (!keyring) throw new ApiError('invalid_request', NOT_SERVER_SIDE);
  return keyring;
}

interface MintRequest {
  envelope: string;
  name: string;
  expiresAt: number | null;
  nowMs: number;
}

/** Mints a token from a keyring envelope; the keyring is open only inside this call. */
function mintFromKeyring(env: Env, principal: Principal, id: string, request: MintRequest) {
  const binding = keyringBinding(principal.organisationId, id);
  const rootKeys = loadRootKeys(env.KMS_ROOT_KEYS);
  const { minted, kxPublicKey } = openStored('keyring', () =>
    mintFromEnvelope(rootKeys, request.envelope, binding)
  );
  const row = tokenRow(principal, id, {
    name: request.name,
    bearerDigest: minted.bearerDigest,
    kxPublicKey,
    wrappedKeyShare: minted.wrappedKeyShare,
    expiresAt: request.expiresAt,
    createdAt: request.nowMs,
  });
  return { row, minted };
}

export async function mintServiceAccountToken(
  db: Db,
  env: Env,
  principal: Principal,
  actor: Actor,
  id: string,
  body: { name: string } & Record<string, unknown>,
  nowMs: number
) {
  await tokenAccount(db, principal, id, 'create');
  const { envelope } = await serverKeyring(db, id);
  const expiry = parseExpiry(body, nowMs);
  if (!expiry.ok) throw new ApiError('invalid_request', expiry.message);

  const request = { envelope, name: body.name, expiresAt: expiry.expiresAtMs, nowMs };
  const { row, minted } = mintFromKeyring(env, principal, id, request);
  await insertToken(db, row, auditEvent(actor, tokenEvent('C', row), nowMs));
  return mintedTokenView(row, minted.tokenString, minted.bearer);
}

/** Registers a token a handler minted from the keyring it holds, signed by the account's key. */
export async function registerServiceAccountToken(
  db: Db,
  principal: Principal,
  actor: Actor,
  id: string,
  body: TokenRegistration & { name: string; kx_public_key?: string },
  nowMs: number
) {
  const account = await tokenAccount(db, principal, id, 'create');
  const identityKey = account.serviceAccount.identityKey;
  verifyRegistration(identityKey, body);
  const expiry = parseExpiry({ expires_at: body.expires_at }, nowMs);
  if (!expiry.ok) throw new ApiError('invalid_request', expiry.message);
  const { kxPublicKey } = parseIdentityKey(identityKey);
  if (body.kx_public_key !== undefined && body.kx_public_key.toLowerCase() !== kxPublicKey) {
    throw new ApiError(
      'invalid_request',
      "'kx_public_key' is not the X25519 form of the account's identity key."
    );
  }
  const bearerDigest = body.bearer_digest.toLowerCase();
  if (await isBearerDigestTaken(db, bearerDigest)) {
    throw new ApiError('conflict', 'This token is already registered.');
  }
  const row = tokenRow(principal, id, {
    name: body.name,
    bearerDigest,
    kxPublicKey,
    wrappedKeyShare: body.wrapped_key_share.toLowerCase(),
    expiresAt: expiry.expiresAtMs,
    createdAt: nowMs,
  });
  await insertToken(db, row, auditEvent(actor, tokenEvent('C', row), nowMs));
  return tokenSummaryView(row);
}

export async function revokeServiceAccountToken(
  db: Db,
  principal: Principal,
  actor: Actor,
  id: string,
  tokenId: string,
  nowMs: number
) {
  await tokenAccount(db, principal, id, 'delete');
  const token = await findHolderToken(
    db,
    principal.organisationId,
    { serviceAccountId: id },
    tokenId
  );
  if (!token) throw new ApiError('not_found', 'Token not found.');
  await revokeToken(
    db,
    principal.organisationId,
    tokenId,
    nowMs,
    auditEvent(actor, tokenEvent('D', token), nowMs)
  );
}

/**
 * Mints a successor with the same name and the same lifetime, and lets the old token live only
 * `graceSeconds` more (or less, if it would have expired sooner), so a deployment can switch
 * tokens without a moment where neither works.
 */
export async function rotateServiceAccountToken(
  db: Db,
  env: Env,
  principal: Principal,
  actor: Actor,
  id: string,
  tokenId: string,
  graceSeconds: number,
  nowMs: number
) {
  await tokenAccount(db, principal, id, 'create');
  const old = await findHolderToken(
    db,
    principal.organisationId,
    { serviceAccountId: id },
    tokenId
  );
  if (!old || (old.expiresAt !== null && old.expiresAt <= nowMs))
    throw new ApiError('not_found', 'Token not found.');
  const lifetime = old.expiresAt === null ? null : old.expiresAt - old.createdAt;
  const expiresAt = lifetime === null ? null : nowMs + lifetime;
  const { envelope } = await serverKeyring(db, id);
  const request = { envelope, name: old.name, expiresAt, nowMs };
  const { row, minted } = mintFromKeyring(env, principal, id, request);

  const graceEnd = nowMs + graceSeconds * 1000;
  const oldExpiresAt = old.expiresAt === null ? graceEnd : Math.min(old.expiresAt, graceEnd);
  const details = {
    ...tokenEvent('C', row),
    oldValues: { rotated_from: old.id, old_expires_at: new Date(oldExpiresAt).toISOString() },
  };
  await insertSuccessorToken(
    db,
    row,
    { id: old.id, expiresAt: oldExpiresAt },
    auditEvent(actor, details, nowMs)
  );
  return {
    ...mintedTokenView(row, minted.tokenString, minted.bearer),
    previousTokenExpiresAt: new Date(oldExpiresAt).toISOString(),
  };
}

/** The account's live tokens, without secret material. */
export async function listServiceAccountTokenViews(db: Db, principal: Principal, id: string) {
  requirePermission(principal, 'read', 'ServiceAccountTokens', 'service account tokens');
  await loadVisibleAccount(db, principal, id);
  const rows = await listServiceAccountTokens(db, principal.organisationId, id);
  return rows.map((row) => ({
    ...tokenSummaryView(row),
    createdBy: row.createdByMemberId ?? row.createdByServiceAccountId,
    lastUsedAt: row.lastUsedAt === null ? null : new Date(row.lastUsedAt).toISOString(),
  }));
}
