/**
 * One object per service account, named by its id: the only code that creates, replaces or
 * re-wraps the account's server-side keyring. Its methods run one at a time (D1 calls would
 * otherwise let a second request in while the first awaits), so a check such as "is there a
 * keyring yet?" still holds when the write that depends on it lands: fifty concurrent enables
 * leave exactly one keyring, and a rotation never overwrites a keyring replaced meanwhile.
 *
 * Results are plain values rather than thrown errors, because errors lose their type on the way
 * back over RPC; the Worker turns a refusal into its ApiError.
 */
import { DurableObject } from 'cloudflare:workers';
import { createDb } from '../../db/client';
import {
  deleteKeyring,
  deleteServiceAccount,
  findKeyring,
  findServiceAccount,
  insertKeyring,
  insertServiceAccount,
  listHandlers,
  replaceKeyringEnvelope,
} from '../../db/queries/service-accounts';
import { auditEvent } from '../audit/events';
import type { Actor } from '../auth/principal';
import { CryptoError } from '../crypto/errors';
import { loadRootKeys } from '../crypto/kms-root-keys';
import type { ErrorCode } from '../errors';
import {
  generateServerKeyring,
  importClientKeyring,
  keyringBinding,
  rewrapKeyring,
} from '../service-accounts/keyring';
import { type ServiceAccountDraft, serverSideAccountRows } from '../service-accounts/rows';

export type KeyringResult<T> =
  | { ok: true; value: T }
  | { ok: false; code: ErrorCode; message: string };

/** What a server-side creation hands back once: the first token. */
export interface CreatedServerSideAccount {
  identityKey: string;
  token: { id: string; name: string; createdAt: number; tokenString: string; bearer: string };
}

/** Enabling server-side KMS on an account that has a client-held keyring. */
export interface EnableInput {
  organisationId: string;
  serviceAccountId: string;
  identityKey: string;
  wrappedKeyring: string;
  actor: Actor;
  nowMs: number;
}

const refuse = (code: ErrorCode, message: string) => ({ ok: false, code, message }) as const;

export class KeyringObject extends DurableObject<Env> {
  #tail: Promise<unknown> = Promise.resolve();

  /** Runs `work` after every earlier call has finished, whatever it awaits meanwhile. */
  #serialise<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(work, work);
    this.#tail = run.catch(() => undefined);
    return run;
  }

  #db() {
    return createDb(this.env.DB);
  }

  /** Creates the account with a fresh keyring and first token, all in one batch. */
  createServerSide(draft: ServiceAccountDraft): Promise<KeyringResult<CreatedServerSideAccount>> {
    return this.#serialise(async () => {
      const rootKeys = loadRootKeys(this.env.KMS_ROOT_KEYS);
      const made = generateServerKeyring(
        rootKeys,
        keyringBinding(draft.organisationId, draft.serviceAccountId)
      );
      const rows = serverSideAccountRows(draft, made);
      await insertServiceAccount(this.#db(), rows);
      const { tokenString, bearer } = made.firstToken;
      const { id, name, createdAt } = rows.firstToken;
      return {
        ok: true,
        value: {
          identityKey: made.identityKey,
          token: { id, name, createdAt, tokenString, bearer },
        },
      };
    });
  }

  /** Takes a keyring a handler wrapped to the server and keeps it in the KMS envelope. */
  enableServerKms(input: EnableInput): Promise<KeyringResult<{ keyVersion: number }>> {
    return this.#serialise(async () => {
      const db = this.#db();
      // The account may have been deleted while this call waited its turn; the same read says
      // whether it already has a keyring.
      const account = await findServiceAccount(db, input.organisationId, input.serviceAccountId);
      if (!account) return refuse('not_found', 'Service account not found.');
      if (account.serverKeyring) {
        return refuse('conflict', 'Server-side key management is already enabled.');
      }
      const rootKeys = loadRootKeys(this.env.KMS_ROOT_KEYS);
      const binding = keyringBinding(input.organisationId, input.serviceAccountId);
      let wrapped: ReturnType<typeof importClientKeyring>;
      try {
        wrapped = importClientKeyring(
          rootKeys,
          this.env.SERVER_SECRET,
          input.wrappedKeyring,
          input.identityKey,
          binding
        );
      } catch (error) {
        if (!(error instanceof CryptoError)) throw error;
        return refuse(
          'invalid_request',
          `The wrapped keyring could not be used: ${error.message}.`
        );
      }
      const keyring = {
        serviceAccountId: input.serviceAccountId,
        organisationId: input.organisationId,
        ...wrapped,
        createdAt: input.nowMs,
        updatedAt: input.nowMs,
      };
      const details = {
        eventType: 'U' as const,
        resourceType: 'sa' as const,
        resourceId: input.serviceAccountId,
        oldValues: { kms: 'client' },
        newValues: { kms: 'server' },
      };
      await insertKeyring(db, keyring, auditEvent(input.actor, details, input.nowMs));
      return { ok: true, value: { keyVersion: wrapped.keyVersion } };
    });
  }

  /**
   * Destroys the server's copy. Refused while no handler holds the keyring: for an account
   * created server-side that copy is the only one, and dropping it would destroy the account's
   * identity for good.
   */
  disableServerKms(input: {
    organisationId: string;
    serviceAccountId: string;
    actor: Actor;
    nowMs: number;
  }): Promise<KeyringResult<null>> {
    return this.#serialise(async () => {
      const db = this.#db();
      if (!(await findKeyring(db, input.serviceAccountId))) {
        return refuse('conflict', 'Server-side key management is not enabled.');
      }
      if ((await listHandlers(db, input.serviceAccountId)).length === 0) {
        return refuse(
          'conflict',
          'No handler holds this keyring; disabling server-side key management would destroy it.'
        );
      }
      const details = {
        eventType: 'U' as const,
        resourceType: 'sa' as const,
        resourceId: input.serviceAccountId,
        oldValues: { kms: 'server' },
        newValues: { kms: 'client' },
      };
      await deleteKeyring(
        db,
        input.serviceAccountId,
        auditEvent(input.actor, details, input.nowMs)
      );
      return { ok: true, value: null };
    });
  }

  /**
   * Deletes the account in one batch (tokens, handler wraps and keyring with it). Here, so no
   * enable can slip a keyring in for an account being deleted.
   */
  deleteAccount(input: {
    organisationId: string;
    serviceAccountId: string;
    name: string;
    actor: Actor;
    nowMs: number;
  }): Promise<KeyringResult<null>> {
    return this.#serialise(async () => {
      const details = {
        eventType: 'D' as const,
        resourceType: 'sa' as const,
        resourceId: input.serviceAccountId,
        oldValues: { name: input.name },
      };
      await deleteServiceAccount(
        this.#db(),
        input.organisationId,
        input.serviceAccountId,
        input.nowMs,
        auditEvent(input.actor, details, input.nowMs)
      );
      return { ok: true, value: null };
    });
  }

  /** Re-wraps the keyring under the newest root key; a no-op when it already is. */
  rewrap(input: {
    organisationId: string;
    serviceAccountId: string;
    nowMs: number;
  }): Promise<KeyringResult<{ rewrapped: boolean }>> {
    return this.#serialise(async () => {
      const db = this.#db();
      const current = await findKeyring(db, input.serviceAccountId);
      const rootKeys = loadRootKeys(this.env.KMS_ROOT_KEYS);
      if (!current || current.keyVersion === rootKeys.currentVersion) {
        return { ok: true, value: { rewrapped: false } };
      }
      const binding = keyringBinding(input.organisationId, input.serviceAccountId);
      const next = rewrapKeyring(rootKeys, current.envelope, binding);
      const swapped = await replaceKeyringEnvelope(
        db,
        input.serviceAccountId,
        current.envelope,
        next,
        input.nowMs
      );
      return { ok: true, value: { rewrapped: swapped } };
    });
  }
}
