/**
 * The Worker's side of the keyring Durable Object: the stub for an account, and turning the
 * object's plain refusals back into the one error model.
 */
import type { KeyringResult } from '../durable-objects/keyring-object';
import { ApiError } from '../errors';

/** The keyring object of one service account (named by the account's id). */
export function keyringObject(env: Env, serviceAccountId: string) {
  return env.KEYRINGS.get(env.KEYRINGS.idFromName(serviceAccountId));
}

/** The value of a successful result; a refusal becomes its ApiError. */
export function unwrapResult<T>(result: KeyringResult<T>): T {
  if (result.ok) return result.value;
  throw new ApiError(result.code, result.message, { internal: { reason: 'keyring_refused' } });
}
