/**
 * 2-of-2 XOR secret splitting of 32-byte keys (phase-reference.md §3.10 step 4): `shareA` is
 * random and `shareB = shareA XOR secret`, so each share alone is uniformly random and says
 * nothing about the secret. Tokens split the service account's X25519 secret key this way.
 */
import { randomBytes } from '@noble/hashes/utils.js';
import { assertBytes } from './errors.js';

/** Length of every secret split here. */
export const SHARE_BYTES = 32;

/** The two halves of a split secret. */
export interface SecretShares {
  /** Random share; travels inside the token string. */
  shareA: Uint8Array;
  /** `shareA XOR secret`; the server keeps it, wrapped under the token's wrap key. */
  shareB: Uint8Array;
}

function xor(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = (a[i] as number) ^ (b[i] as number);
  return out;
}

/**
 * Splits a 32-byte secret into two XOR shares.
 *
 * @param secret - The 32-byte secret (an X25519 secret key).
 * @returns Fresh shares; the caller owns them and should wipe both after use.
 * @throws {@link CryptoError} `bad_length` when the secret is not 32 bytes.
 */
export function splitSecret(secret: Uint8Array): SecretShares {
  assertBytes(secret, SHARE_BYTES, 'a secret to split');
  const shareA = randomBytes(SHARE_BYTES);
  return { shareA, shareB: xor(shareA, secret) };
}

/**
 * Joins two XOR shares back into the secret.
 *
 * @param shareA - 32-byte share.
 * @param shareB - 32-byte share.
 * @returns The 32-byte secret; the caller should wipe it after use.
 * @throws {@link CryptoError} `bad_length` when either share is not 32 bytes.
 */
export function joinShares(shareA: Uint8Array, shareB: Uint8Array): Uint8Array {
  assertBytes(shareA, SHARE_BYTES, 'share A');
  assertBytes(shareB, SHARE_BYTES, 'share B');
  return xor(shareA, shareB);
}
