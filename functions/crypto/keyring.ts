/**
 * The keyring JSON that `ph:v1` envelopes carry for service accounts (phase-reference.md §3.6):
 * `{"publicKey":"<64 hex>","privateKey":"<128 hex>"}`, where `privateKey` is the libsodium
 * 64-byte Ed25519 secret key. Keyrings made in the browser also carry a `symmetricKey` that no
 * consumer reads; parsing ignores it and formatting omits it, as Phase's server-side path does.
 */
import { bytesToHex, hexToBytes } from './encoding.js';
import { CryptoError } from './errors.js';
import {
  assertSigningKeyring,
  SIGN_PUBLIC_KEY_BYTES,
  SIGN_SECRET_KEY_BYTES,
  type SigningKeyring,
} from './keys.js';
import { wipe } from './wipe.js';

/**
 * Serialises a keyring the way Phase's server-side service-account creation does.
 *
 * Accepted limitation: the result is a string holding the secret key in hex, which cannot be
 * wiped; it is meant to be encrypted at once and dropped.
 *
 * @param keyring - The Ed25519 keyring.
 * @returns `{"publicKey":hex,"privateKey":hex}`.
 */
export function formatKeyringJson(keyring: SigningKeyring): string {
  return JSON.stringify({
    publicKey: bytesToHex(keyring.publicKey),
    privateKey: bytesToHex(keyring.secretKey),
  });
}

function readHexField(record: Record<string, unknown>, field: string, bytes: number): Uint8Array {
  const value = record[field];
  if (typeof value !== 'string') {
    throw new CryptoError('bad_format', `expected the keyring field ${field} as a string`);
  }
  return hexToBytes(value, bytes);
}

/**
 * Parses keyring JSON and checks that its halves belong together.
 *
 * @param json - The decrypted keyring JSON.
 * @returns The keyring bytes; the caller should wipe the secret key after use.
 * @throws {@link CryptoError} `bad_format` for invalid JSON or missing fields, `bad_hex` or
 *   `bad_length` for malformed keys, `key_mismatch` when the public key is not the secret key's.
 */
export function parseKeyringJson(json: string): SigningKeyring {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new CryptoError('bad_format', 'expected keyring JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new CryptoError('bad_format', 'expected a keyring object');
  }
  const record = parsed as Record<string, unknown>;
  const publicKey = readHexField(record, 'publicKey', SIGN_PUBLIC_KEY_BYTES);
  const secretKey = readHexField(record, 'privateKey', SIGN_SECRET_KEY_BYTES);
  const keyring = { secretKey, publicKey };
  try {
    assertSigningKeyring(keyring);
  } catch (error) {
    wipe(secretKey);
    throw error;
  }
  return keyring;
}
