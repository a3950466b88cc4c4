/**
 * Key pairs as Phase derives them (phase-reference.md §3.1, §3.4):
 *
 * - key-exchange (kx) pairs are X25519; a seeded pair is libsodium's `crypto_kx_seed_keypair`
 *   (environment keys, the server key);
 * - identity keyrings are Ed25519 in libsodium layout: a 64-byte secret key `seed ‖ public key`
 *   and a 32-byte public key;
 * - an identity keyring takes part in key exchange through its X25519 form
 *   (`crypto_sign_ed25519_{pk,sk}_to_curve25519`).
 *
 * Public keys arriving from outside are checked the way libsodium checks them, so a key we accept
 * is one the Phase SDKs accept and the reverse.
 */
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { blake2b } from '@noble/hashes/blake2.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { constantTimeEqual } from './compare.js';
import { assertBytes, CryptoError, guardCrypto } from './errors.js';
import { wipe } from './wipe.js';

/** X25519 secret and public key length. */
export const KX_KEY_BYTES = 32;
/** Seed length of `crypto_kx_seed_keypair` and of Ed25519 key generation. */
export const SEED_BYTES = 32;
/** Ed25519 public key length. */
export const SIGN_PUBLIC_KEY_BYTES = 32;
/** Ed25519 secret key length in libsodium layout (`seed ‖ public key`). */
export const SIGN_SECRET_KEY_BYTES = 64;
/** Ed25519 signature length. */
export const SIGNATURE_BYTES = 64;

/** An X25519 key pair for `crypto_kx`-style key exchange. */
export interface KxKeyPair {
  /** 32-byte secret scalar, unclamped as libsodium stores it (clamping happens on use). */
  secretKey: Uint8Array;
  /** 32-byte Montgomery u-coordinate. */
  publicKey: Uint8Array;
}

/** An Ed25519 identity keyring in libsodium layout. */
export interface SigningKeyring {
  /** 64 bytes: the 32-byte seed followed by the 32-byte public key. */
  secretKey: Uint8Array;
  /** 32-byte Ed25519 public key (Phase's `identity_key`). */
  publicKey: Uint8Array;
}

/**
 * Derives the X25519 public key of a secret scalar.
 *
 * @param secretKey - 32-byte X25519 secret key.
 * @returns The 32-byte public key.
 * @throws {@link CryptoError} `bad_length` for a wrong-size key.
 */
export function kxPublicKey(secretKey: Uint8Array): Uint8Array {
  assertBytes(secretKey, KX_KEY_BYTES, 'an X25519 secret key');
  return guardCrypto('bad_format', () => x25519.getPublicKey(secretKey));
}

/**
 * libsodium `crypto_kx_seed_keypair`: `sk = BLAKE2b-256(seed)` (no key), `pk = X25519(sk, 9)`.
 * Environment key pairs and the server key pair come from this (phase-reference.md §3.4).
 *
 * @param seed - 32-byte seed (decoded from its 64-hex form by the caller).
 * @returns The derived pair; the caller owns both arrays and should wipe the secret.
 * @throws {@link CryptoError} `bad_length` when the seed is not 32 bytes.
 */
export function kxSeedKeypair(seed: Uint8Array): KxKeyPair {
  assertBytes(seed, SEED_BYTES, 'a seed');
  const secretKey = blake2b(seed, { dkLen: KX_KEY_BYTES });
  return { secretKey, publicKey: kxPublicKey(secretKey) };
}

/**
 * libsodium `crypto_sign_seed_keypair`: the Ed25519 keyring of a 32-byte seed.
 *
 * @param seed - 32-byte seed.
 * @returns The keyring; its secret key holds a copy of the seed.
 * @throws {@link CryptoError} `bad_length` when the seed is not 32 bytes.
 */
export function signingKeyringFromSeed(seed: Uint8Array): SigningKeyring {
  assertBytes(seed, SEED_BYTES, 'a seed');
  const publicKey = ed25519.getPublicKey(seed);
  const secretKey = new Uint8Array(SIGN_SECRET_KEY_BYTES);
  secretKey.set(seed, 0);
  secretKey.set(publicKey, SEED_BYTES);
  return { secretKey, publicKey };
}

/**
 * libsodium `crypto_sign_keypair`: a fresh random Ed25519 keyring, as Phase's server-side
 * service-account creation draws one (phase-reference.md §3.6 B).
 *
 * @returns A new keyring; the caller should wipe its secret key once wrapped.
 */
export function generateSigningKeyring(): SigningKeyring {
  const seed = randomBytes(SEED_BYTES);
  try {
    return signingKeyringFromSeed(seed);
  } finally {
    wipe(seed);
  }
}

/**
 * Decodes an Ed25519 public key strictly (RFC 8032 canonical encoding) and rejects the points
 * libsodium's `crypto_sign_ed25519_pk_to_curve25519` rejects: small order, and outside the
 * prime-order subgroup.
 */
function assertIdentityPoint(publicKey: Uint8Array): void {
  assertBytes(publicKey, SIGN_PUBLIC_KEY_BYTES, 'an Ed25519 public key');
  const point = guardCrypto('invalid_point', () => ed25519.Point.fromBytes(publicKey, false));
  if (point.isSmallOrder() || !point.isTorsionFree()) {
    throw new CryptoError('low_order_point', 'expected an Ed25519 key of prime order');
  }
}

/**
 * Ed25519 public key → X25519 public key (Edwards y → Montgomery u), as
 * `crypto_sign_ed25519_pk_to_curve25519` (phase-reference.md §3.4).
 *
 * @param publicKey - 32-byte Ed25519 public key (an `identity_key`).
 * @returns The 32-byte X25519 public key.
 * @throws {@link CryptoError} `bad_length`, `invalid_point` or `low_order_point`.
 */
export function ed25519PublicKeyToX25519(publicKey: Uint8Array): Uint8Array {
  assertIdentityPoint(publicKey);
  return guardCrypto('invalid_point', () => ed25519.utils.toMontgomery(publicKey));
}

/**
 * Ed25519 secret key → X25519 secret key: SHA-512 of the seed, first 32 bytes, clamped, as
 * `crypto_sign_ed25519_sk_to_curve25519`.
 *
 * @param secretKey - 64-byte libsodium secret key (only the seed half is read).
 * @returns The 32-byte X25519 secret key; the caller should wipe it after use.
 * @throws {@link CryptoError} `bad_length` for a wrong-size key.
 */
export function ed25519SecretKeyToX25519(secretKey: Uint8Array): Uint8Array {
  assertBytes(secretKey, SIGN_SECRET_KEY_BYTES, 'an Ed25519 secret key');
  // Computed here rather than through noble's toMontgomerySecret, which returns a view into the
  // full SHA-512 output: its second half is the Ed25519 signing prefix and must be wiped too.
  const hash = sha512(secretKey.subarray(0, SEED_BYTES));
  const scalar = hash.slice(0, KX_KEY_BYTES);
  wipe(hash);
  // RFC 7748 §5 clamping, as libsodium applies it.
  scalar[0] = (scalar[0] as number) & 248;
  scalar[31] = ((scalar[31] as number) & 127) | 64;
  return scalar;
}

/**
 * The X25519 pair of an identity keyring. The public half is computed from the secret half, so
 * the two always match even if the keyring's own public key were wrong.
 *
 * @param keyring - An Ed25519 keyring.
 * @returns Its X25519 pair; the caller should wipe the secret key after use.
 * @throws {@link CryptoError} `bad_length` for a wrong-size secret key.
 */
export function signingKeyringToKx(keyring: SigningKeyring): KxKeyPair {
  const secretKey = ed25519SecretKeyToX25519(keyring.secretKey);
  return { secretKey, publicKey: kxPublicKey(secretKey) };
}

/**
 * Checks that a 64-byte secret key and a public key form one keyring: the public key derives
 * from the seed and equals the copy stored in the secret key's second half.
 *
 * @param keyring - The keyring to check.
 * @throws {@link CryptoError} `bad_length` or `key_mismatch`.
 */
export function assertSigningKeyring(keyring: SigningKeyring): void {
  assertBytes(keyring.secretKey, SIGN_SECRET_KEY_BYTES, 'an Ed25519 secret key');
  assertBytes(keyring.publicKey, SIGN_PUBLIC_KEY_BYTES, 'an Ed25519 public key');
  const derived = ed25519.getPublicKey(keyring.secretKey.subarray(0, SEED_BYTES));
  const stored = keyring.secretKey.subarray(SEED_BYTES);
  if (!constantTimeEqual(derived, keyring.publicKey) || !constantTimeEqual(derived, stored)) {
    throw new CryptoError('key_mismatch', 'the public key does not match the secret key');
  }
}

/**
 * Ed25519 detached signature (`crypto_sign_detached`).
 *
 * @param message - The bytes to sign.
 * @param secretKey - 64-byte libsodium secret key.
 * @returns The 64-byte signature.
 * @throws {@link CryptoError} `bad_length` for a wrong-size key.
 */
export function signDetached(message: Uint8Array, secretKey: Uint8Array): Uint8Array {
  assertBytes(secretKey, SIGN_SECRET_KEY_BYTES, 'an Ed25519 secret key');
  return guardCrypto('bad_format', () => ed25519.sign(message, secretKey.subarray(0, SEED_BYTES)));
}

/**
 * Ed25519 detached verification with RFC 8032 strict decoding (not ZIP-215), close to
 * libsodium's `crypto_sign_verify_detached`, which also refuses non-canonical encodings.
 *
 * @param signature - 64-byte signature.
 * @param message - The signed bytes.
 * @param publicKey - 32-byte Ed25519 public key.
 * @returns True only for a valid signature; a well-formed but wrong signature gives false.
 * @throws {@link CryptoError} `bad_length` when the signature or key has the wrong size.
 */
export function verifyDetached(
  signature: Uint8Array,
  message: Uint8Array,
  publicKey: Uint8Array
): boolean {
  assertBytes(signature, SIGNATURE_BYTES, 'an Ed25519 signature');
  assertBytes(publicKey, SIGN_PUBLIC_KEY_BYTES, 'an Ed25519 public key');
  try {
    return ed25519.verify(signature, message, publicKey, { zip215: false });
  } catch {
    return false;
  }
}
