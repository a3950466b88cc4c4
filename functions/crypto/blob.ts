/**
 * Phase's raw symmetric blob (phase-reference.md §3.2): XChaCha20-Poly1305 (IETF) with no
 * associated data and a random 24-byte nonce, laid out as `ciphertext ‖ tag ‖ nonce`.
 *
 * The nonce goes last, not first, because that is where the Phase SDKs put it; `ph:v1`
 * envelopes and wrapped token shares both carry this layout.
 */
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { assertBytes, CryptoError, guardCrypto } from './errors.js';

/** Symmetric key length of XChaCha20-Poly1305. */
export const SYMMETRIC_KEY_BYTES = 32;
/** Extended nonce length; random nonces of this size never collide in practice. */
export const XCHACHA_NONCE_BYTES = 24;
/** Poly1305 tag length. */
export const POLY1305_TAG_BYTES = 16;

/**
 * Encrypts bytes into a raw blob under a 32-byte key with a fresh random nonce.
 *
 * @param plaintext - The bytes to encrypt (Phase encrypts UTF-8 text; callers encode it).
 * @param key - 32-byte symmetric key.
 * @returns `ciphertext ‖ tag ‖ nonce`, 40 bytes longer than the plaintext.
 * @throws {@link CryptoError} `bad_length` when the key is not 32 bytes.
 */
export function encryptRaw(plaintext: Uint8Array, key: Uint8Array): Uint8Array {
  assertBytes(key, SYMMETRIC_KEY_BYTES, 'a symmetric key');
  const nonce = randomBytes(XCHACHA_NONCE_BYTES);
  const sealed = guardCrypto('bad_format', () => xchacha20poly1305(key, nonce).encrypt(plaintext));
  const blob = new Uint8Array(sealed.length + XCHACHA_NONCE_BYTES);
  blob.set(sealed, 0);
  blob.set(nonce, sealed.length);
  return blob;
}

/**
 * Decrypts a raw blob. The tag is verified before any plaintext is produced.
 *
 * @param blob - `ciphertext ‖ tag ‖ nonce`.
 * @param key - 32-byte symmetric key.
 * @returns The plaintext bytes.
 * @throws {@link CryptoError} `bad_length` for a wrong-size key or a blob shorter than
 *   nonce + tag; `decrypt_failed` when authentication fails.
 */
export function decryptRaw(blob: Uint8Array, key: Uint8Array): Uint8Array {
  assertBytes(key, SYMMETRIC_KEY_BYTES, 'a symmetric key');
  if (!(blob instanceof Uint8Array) || blob.length < XCHACHA_NONCE_BYTES + POLY1305_TAG_BYTES) {
    throw new CryptoError('bad_length', 'expected at least a nonce and a tag');
  }
  const split = blob.length - XCHACHA_NONCE_BYTES;
  const nonce = blob.subarray(split);
  const sealed = blob.subarray(0, split);
  return guardCrypto('decrypt_failed', () => xchacha20poly1305(key, nonce).decrypt(sealed));
}
