/**
 * Phase's asymmetric envelope `ph:v1:<ephemeral X25519 public key, 64 hex>:<base64(raw blob)>`
 * (phase-reference.md §3.3). Every secret value, environment seed and wrapped keyring that a
 * Phase client reads is one of these.
 *
 * The blob key is libsodium's `crypto_kx` session key:
 * `h = BLAKE2b-512(q ‖ clientPk ‖ serverPk)` with `q = X25519(secret, peer)`. The sender is the
 * kx client (ephemeral key pair), the recipient the kx server, and both use the second half
 * `h[32..64]` (client `tx`, server `rx`); the first half is never used. The recipient's public
 * key is hashed on both sides, so decryption needs it as well as the secret key.
 */
import { x25519 } from '@noble/curves/ed25519.js';
import { blake2b } from '@noble/hashes/blake2.js';
import { decryptRaw, encryptRaw, POLY1305_TAG_BYTES, XCHACHA_NONCE_BYTES } from './blob.js';
import {
  base64ToBytes,
  bytesToBase64,
  bytesToHex,
  bytesToUtf8,
  hexToBytes,
  isHex,
  utf8ToBytes,
} from './encoding.js';
import { assertBytes, CryptoError, guardCrypto } from './errors.js';
import { KX_KEY_BYTES } from './keys.js';
import { wipe } from './wipe.js';

const PREFIX = 'ph:v1:';
const KX_HASH_BYTES = 64;

/**
 * X25519 with libsodium's refusals: a low-order peer key (rejected by noble before the ladder)
 * and an all-zero result (`crypto_scalarmult` returns -1 on it) both mean no shared secret.
 */
function sharedSecret(secretKey: Uint8Array, peerPublicKey: Uint8Array): Uint8Array {
  const q = guardCrypto('low_order_point', () => x25519.getSharedSecret(secretKey, peerPublicKey));
  let any = 0;
  for (const byte of q) any |= byte;
  if (any === 0) throw new CryptoError('low_order_point', 'the shared secret is all zeros');
  return q;
}

/** `crypto_kx` session key `h[32..64]`, where `h = BLAKE2b-512(q ‖ clientPk ‖ serverPk)`. */
function sessionKey(q: Uint8Array, clientPk: Uint8Array, serverPk: Uint8Array): Uint8Array {
  const input = new Uint8Array(3 * KX_KEY_BYTES);
  input.set(q, 0);
  input.set(clientPk, KX_KEY_BYTES);
  input.set(serverPk, 2 * KX_KEY_BYTES);
  const h = blake2b(input, { dkLen: KX_HASH_BYTES });
  const key = h.slice(KX_KEY_BYTES);
  wipe(input, h);
  return key;
}

/**
 * Encrypts to a recipient's X25519 public key with a fresh ephemeral key pair.
 *
 * @param plaintext - Text (encoded as UTF-8, as the Phase SDKs do) or bytes.
 * @param recipientPublicKey - 32-byte X25519 public key (an environment key, the server key, or
 *   the X25519 form of an identity key).
 * @returns The `ph:v1:…` envelope.
 * @throws {@link CryptoError} `bad_length` for a wrong-size key, `low_order_point` for a key
 *   that yields no shared secret.
 */
export function encryptPhV1(
  plaintext: string | Uint8Array,
  recipientPublicKey: Uint8Array
): string {
  assertBytes(recipientPublicKey, KX_KEY_BYTES, 'an X25519 public key');
  const ephemeral = x25519.keygen();
  const message = typeof plaintext === 'string' ? utf8ToBytes(plaintext) : plaintext;
  let q: Uint8Array | undefined;
  let key: Uint8Array | undefined;
  try {
    q = sharedSecret(ephemeral.secretKey, recipientPublicKey);
    key = sessionKey(q, ephemeral.publicKey, recipientPublicKey);
    const blob = encryptRaw(message, key);
    return `${PREFIX}${bytesToHex(ephemeral.publicKey)}:${bytesToBase64(blob)}`;
  } finally {
    wipe(ephemeral.secretKey, q, key);
    if (message !== plaintext) wipe(message);
  }
}

/** The two variable parts of an envelope, decoded. */
function parseEnvelope(envelope: string): { ephemeralPk: Uint8Array; blob: Uint8Array } {
  if (typeof envelope !== 'string') throw new CryptoError('bad_format', 'expected a ph:v1 string');
  // §3.3 step 1: exactly four `:`-separated parts; the version must be v1.
  const parts = envelope.split(':');
  if (parts.length !== 4 || parts[0] !== 'ph' || parts[1] !== 'v1') {
    throw new CryptoError('bad_format', 'expected ph:v1:<64 hex>:<base64>');
  }
  const ephemeralPk = hexToBytes(parts[2] as string, KX_KEY_BYTES);
  return { ephemeralPk, blob: base64ToBytes(parts[3] as string) };
}

/**
 * Decrypts an envelope addressed to a key pair, returning the raw plaintext bytes. Prefer this
 * over {@link decryptPhV1} for key material, so the result can be wiped.
 *
 * @param envelope - `ph:v1:<64 hex>:<base64>`.
 * @param recipientSecretKey - 32-byte X25519 secret key.
 * @param recipientPublicKey - The matching 32-byte X25519 public key (hashed into the key).
 * @returns The plaintext bytes.
 * @throws {@link CryptoError} `bad_format`, `bad_hex`, `bad_base64`, `bad_length`,
 *   `low_order_point` or `decrypt_failed`.
 */
export function decryptPhV1Bytes(
  envelope: string,
  recipientSecretKey: Uint8Array,
  recipientPublicKey: Uint8Array
): Uint8Array {
  assertBytes(recipientSecretKey, KX_KEY_BYTES, 'an X25519 secret key');
  assertBytes(recipientPublicKey, KX_KEY_BYTES, 'an X25519 public key');
  const { ephemeralPk, blob } = parseEnvelope(envelope);
  let q: Uint8Array | undefined;
  let key: Uint8Array | undefined;
  try {
    q = sharedSecret(recipientSecretKey, ephemeralPk);
    key = sessionKey(q, ephemeralPk, recipientPublicKey);
    return decryptRaw(blob, key);
  } finally {
    wipe(q, key);
  }
}

/**
 * Decrypts an envelope to text (the plaintext is UTF-8, as the Phase SDKs write it).
 *
 * @param envelope - `ph:v1:<64 hex>:<base64>`.
 * @param recipientSecretKey - 32-byte X25519 secret key.
 * @param recipientPublicKey - The matching 32-byte X25519 public key.
 * @returns The plaintext.
 * @throws {@link CryptoError} as {@link decryptPhV1Bytes}, or `bad_utf8`.
 */
export function decryptPhV1(
  envelope: string,
  recipientSecretKey: Uint8Array,
  recipientPublicKey: Uint8Array
): string {
  const bytes = decryptPhV1Bytes(envelope, recipientSecretKey, recipientPublicKey);
  try {
    return bytesToUtf8(bytes);
  } finally {
    wipe(bytes);
  }
}

/**
 * The shape check Phase's backend applies to ciphertext it stores but cannot read
 * (`ph:v1:[0-9a-fA-F]{64}:.+`), made stricter: the last part must be canonical base64 of at
 * least a nonce and a tag. Does not decrypt. Phase also accepts an empty string for empty
 * comments; that case is for the caller to allow, not this check.
 *
 * @param value - Any value.
 * @returns True when `value` is a well-formed `ph:v1` envelope.
 */
export function isPhV1Envelope(value: unknown): value is string {
  if (typeof value !== 'string' || !value.startsWith(PREFIX)) return false;
  const parts = value.split(':');
  if (parts.length !== 4 || !isHex(parts[2], KX_KEY_BYTES)) return false;
  try {
    return base64ToBytes(parts[3] as string).length >= XCHACHA_NONCE_BYTES + POLY1305_TAG_BYTES;
  } catch {
    return false;
  }
}
