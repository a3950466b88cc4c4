/**
 * The server's key-exchange key pair (phase-reference.md §3.5): `crypto_kx_seed_keypair` of the
 * 32 bytes hex-encoded in the `SERVER_SECRET` Worker secret, exactly as Phase derives it, so
 * material wrapped to a Phase server's public key is readable here with the same secret.
 * Clients wrap keyrings to the public half (`GET /v1/kms/server-public-key/`).
 */
import { bytesToHex, hexToBytes, isHex } from './encoding.js';
import { KmsConfigError } from './errors.js';
import { type KxKeyPair, kxSeedKeypair, SEED_BYTES } from './keys.js';
import { memoiseBySecret } from './memo.js';
import { wipe } from './wipe.js';

const VARIABLE = 'SERVER_SECRET';

const deriveServerKeyPair = memoiseBySecret((secret): KxKeyPair => {
  const seed = hexToBytes(secret, SEED_BYTES);
  try {
    return kxSeedKeypair(seed);
  } finally {
    wipe(seed);
  }
});

/** Validates the binding's shape; the message never quotes the value. */
function readServerSecret(serverSecret: string | undefined): string {
  if (typeof serverSecret !== 'string' || serverSecret.trim() === '') {
    throw new KmsConfigError(VARIABLE, 'is not set');
  }
  const secret = serverSecret.trim();
  if (!isHex(secret, SEED_BYTES)) throw new KmsConfigError(VARIABLE, 'must be 64 hex characters');
  return secret;
}

/**
 * The server kx key pair, derived once per isolate and value.
 *
 * @param serverSecret - The `SERVER_SECRET` binding (64 hex; surrounding whitespace ignored).
 * @returns Copies of both keys, which the caller may (and should) wipe after use.
 * @throws {@link KmsConfigError} naming SERVER_SECRET when it is missing or malformed.
 */
export function serverKxKeyPair(serverSecret: string | undefined): KxKeyPair {
  const pair = deriveServerKeyPair(readServerSecret(serverSecret));
  return { secretKey: pair.secretKey.slice(), publicKey: pair.publicKey.slice() };
}

/**
 * The server kx public key as Phase publishes it (`serverPublicKey`): 64 lowercase hex.
 *
 * @param serverSecret - The `SERVER_SECRET` binding.
 * @returns The public key hex.
 * @throws {@link KmsConfigError} naming SERVER_SECRET when it is missing or malformed.
 */
export function serverPublicKeyHex(serverSecret: string | undefined): string {
  return bytesToHex(deriveServerKeyPair(readServerSecret(serverSecret)).publicKey);
}
