/**
 * Where an account's keyring is kept, and deleting an account: both go through the account's
 * Durable Object, which alone creates, replaces or destroys a keyring.
 */
import type { Db } from '../../db/client';
import { requirePermission } from '../access/authorize';
import type { Actor, Principal } from '../auth/principal';
import { loadDetail } from './detail';
import { keyringObject, unwrapResult } from './keyring-object-client';
import { loadVisibleAccount } from './lookup';

export type KmsModeInput = { mode: 'server'; wrapped_keyring: string } | { mode: 'client' };

export async function setKmsMode(
  db: Db,
  env: Env,
  principal: Principal,
  actor: Actor,
  id: string,
  input: KmsModeInput,
  nowMs: number
) {
  requirePermission(principal, 'update', 'ServiceAccounts', 'service accounts');
  const account = await loadVisibleAccount(db, principal, id);
  const keyrings = keyringObject(env, id);
  const target = { organisationId: principal.organisationId, serviceAccountId: id, actor, nowMs };
  if (input.mode === 'server') {
    const identityKey = account.serviceAccount.identityKey;
    unwrapResult(
      await keyrings.enableServerKms({
        ...target,
        identityKey,
        wrappedKeyring: input.wrapped_keyring,
      })
    );
  } else {
    unwrapResult(await keyrings.disableServerKms(target));
  }
  const updated = { ...account, serverKeyring: input.mode === 'server' };
  return loadDetail(db, updated);
}

/** Deletes an account: every token dead on the next request, no key material left behind. */
export async function deleteServiceAccountById(
  db: Db,
  env: Env,
  principal: Principal,
  actor: Actor,
  id: string,
  nowMs: number
) {
  requirePermission(principal, 'delete', 'ServiceAccounts', 'service accounts');
  const account = await loadVisibleAccount(db, principal, id);
  const name = account.serviceAccount.name;
  const target = {
    organisationId: principal.organisationId,
    serviceAccountId: id,
    name,
    actor,
    nowMs,
  };
  unwrapResult(await keyringObject(env, id).deleteAccount(target));
}
