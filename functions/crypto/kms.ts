/**
 * Custodian's own at-rest envelope for key material the server holds (service-account keyrings,
 * server-side environment seeds and salts). Not part of the Phase protocol (ARCHITECTURE.md §5).
 *
 * Format: `kms:v1:<root key version>:<base64(nonce24 ‖ ciphertext ‖ tag16)>`, standard padded
 * base64. The cipher is XChaCha20-Poly1305 with a random nonce, under a subkey
 * `HKDF-SHA256(ikm = root key, salt = none, info = "custodian/kms/v1/" + purpose)` (RFC 5869;
 * the root key is uniformly random, so §3.1 needs no salt). One subkey per purpose means a
 * ciphertext made for one purpose cannot even be attempted under another's key.
 *
 * The associated data binds the envelope to where it is stored: format label, key version,
 * purpose, organisation id and record id, each as a 4-byte big-endian length followed by its
 * UTF-8 bytes. Length prefixes keep the encoding injective (`("ab","c")` and `("a","bc")`
 * differ), so an envelope copied to another organisation, record or purpose fails to open.
 *
 * Root-key rotation: put a new version first in `KMS_ROOT_KEYS`, keep the old ones; new wraps
 * use the first, unwraps pick the key by the version in the envelope, and {@link rewrapSecret}
 * moves old envelopes forward. An envelope whose version is no longer configured fails with
 * CryptoError `unknown_key_version`: stored envelopes never come from clients, so callers that
 * unwrap stored data should treat any CryptoError from here as an internal fault, not a 400.
 */
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { POLY1305_TAG_BYTES, SYMMETRIC_KEY_BYTES, XCHACHA_NONCE_BYTES } from './blob.js';
import { base64ToBytes, bytesToBase64, utf8ToBytes } from './encoding.js';
import { CryptoError, guardCrypto } from './errors.js';
import { type RootKeys, rootKeyBytes } from './kms-root-keys.js';
import { wipe } from './wipe.js';

/** What the KMS wraps. Closed; add a member for each new kind of stored key. */
export const KMS_PURPOSES = [
  'service_account_keyring',
  'environment_seed',
  'environment_salt',
] as const;

/** One purpose label; it selects the subkey and is bound into the associated data. */
export type KmsPurpose = (typeof KMS_PURPOSES)[number];

/** Where an envelope belongs. Unwrapping needs the same binding it was wrapped with. */
export interface KmsBinding {
  organisationId: string;
  /** The owning row: the service account, environment, ... */
  recordId: string;
  purpose: KmsPurpose;
}

const LABEL = 'custodian/kms/v1';
const PREFIX = 'kms:v1:';
const VERSION_PATTERN = /^[1-9][0-9]*$/;

function assertBinding(binding: KmsBinding): void {
  const { organisationId, recordId, purpose } = binding;
  if (typeof organisationId !== 'string' || organisationId === '') {
    throw new CryptoError('bad_format', 'expected a non-empty organisation id');
  }
  if (typeof recordId !== 'string' || recordId === '') {
    throw new CryptoError('bad_format', 'expected a non-empty record id');
  }
  if (!(KMS_PURPOSES as readonly string[]).includes(purpose)) {
    throw new CryptoError('bad_format', 'expected a known KMS purpose');
  }
}

/** Injective encoding of the binding: each field as u32 big-endian length ‖ UTF-8 bytes. */
function associatedData(version: number, binding: KmsBinding): Uint8Array {
  const fields = [
    LABEL,
    String(version),
    binding.purpose,
    binding.organisationId,
    binding.recordId,
  ];
  const encoded = fields.map(utf8ToBytes);
  const out = new Uint8Array(encoded.reduce((sum, field) => sum + 4 + field.length, 0));
  const view = new DataView(out.buffer);
  let offset = 0;
  for (const field of encoded) {
    view.setUint32(offset, field.length, false);
    out.set(field, offset + 4);
    offset += 4 + field.length;
  }
  return out;
}

/** The purpose subkey under one root-key version; the caller wipes it. */
function deriveKey(rootKeys: RootKeys, version: number, purpose: KmsPurpose): Uint8Array {
  const rootKey = rootKeyBytes(rootKeys, version);
  if (rootKey === undefined) {
    throw new CryptoError('unknown_key_version', 'the envelope names an unconfigured root key');
  }
  return hkdf(sha256, rootKey, undefined, utf8ToBytes(`${LABEL}/${purpose}`), SYMMETRIC_KEY_BYTES);
}

/** Splits an envelope into its version and payload without decrypting. */
function parseEnvelope(envelope: string): { version: number; payload: Uint8Array } {
  const parts = typeof envelope === 'string' ? envelope.split(':') : [];
  const [kind, formatVersion, versionText, payloadText] = parts;
  if (parts.length !== 4 || kind !== 'kms' || formatVersion !== 'v1') {
    throw new CryptoError('bad_format', 'expected kms:v1:<version>:<base64>');
  }
  const version = Number(versionText);
  if (!VERSION_PATTERN.test(versionText as string) || !Number.isSafeInteger(version)) {
    throw new CryptoError('bad_format', 'expected a positive integer key version');
  }
  const payload = base64ToBytes(payloadText as string);
  if (payload.length < XCHACHA_NONCE_BYTES + POLY1305_TAG_BYTES) {
    throw new CryptoError('bad_length', 'expected at least a nonce and a tag');
  }
  return { version, payload };
}

/**
 * Wraps key material under the current root key.
 *
 * @param rootKeys - From `loadRootKeys(env.KMS_ROOT_KEYS)`.
 * @param plaintext - The bytes to protect (the caller still owns and wipes them).
 * @param binding - Organisation, owning record and purpose the envelope belongs to.
 * @returns `kms:v1:<version>:<base64>`.
 * @throws {@link CryptoError} `bad_format` for an empty id or unknown purpose.
 */
export function wrapSecret(rootKeys: RootKeys, plaintext: Uint8Array, binding: KmsBinding): string {
  assertBinding(binding);
  const version = rootKeys.currentVersion;
  const key = deriveKey(rootKeys, version, binding.purpose);
  try {
    const nonce = randomBytes(XCHACHA_NONCE_BYTES);
    const aad = associatedData(version, binding);
    const sealed = guardCrypto('bad_format', () =>
      xchacha20poly1305(key, nonce, aad).encrypt(plaintext)
    );
    const payload = new Uint8Array(XCHACHA_NONCE_BYTES + sealed.length);
    payload.set(nonce, 0);
    payload.set(sealed, XCHACHA_NONCE_BYTES);
    return `${PREFIX}${version}:${bytesToBase64(payload)}`;
  } finally {
    wipe(key);
  }
}

/**
 * Unwraps an envelope with the root key its version names.
 *
 * @param rootKeys - From `loadRootKeys(env.KMS_ROOT_KEYS)`.
 * @param envelope - `kms:v1:<version>:<base64>`.
 * @param binding - The binding it was wrapped with.
 * @returns The plaintext; the caller should wipe it after use.
 * @throws {@link CryptoError} `bad_format`, `bad_base64` or `bad_length` for a malformed
 *   envelope, `unknown_key_version` when that root key is not configured, `decrypt_failed` when
 *   the envelope was altered or belongs to another binding.
 */
export function unwrapSecret(
  rootKeys: RootKeys,
  envelope: string,
  binding: KmsBinding
): Uint8Array {
  assertBinding(binding);
  const { version, payload } = parseEnvelope(envelope);
  const key = deriveKey(rootKeys, version, binding.purpose);
  try {
    const nonce = payload.subarray(0, XCHACHA_NONCE_BYTES);
    const sealed = payload.subarray(XCHACHA_NONCE_BYTES);
    const aad = associatedData(version, binding);
    return guardCrypto('decrypt_failed', () => xchacha20poly1305(key, nonce, aad).decrypt(sealed));
  } finally {
    wipe(key);
  }
}

/**
 * The root-key version an envelope was wrapped under (for rotation reports and queries).
 *
 * @param envelope - `kms:v1:<version>:<base64>`.
 * @returns The version number.
 * @throws {@link CryptoError} for a malformed envelope.
 */
export function envelopeKeyVersion(envelope: string): number {
  return parseEnvelope(envelope).version;
}

/**
 * Tells whether an envelope is under an older root key than the current one.
 *
 * @param rootKeys - The configured list.
 * @param envelope - `kms:v1:<version>:<base64>`.
 * @returns True when {@link rewrapSecret} would change it.
 * @throws {@link CryptoError} for a malformed envelope.
 */
export function needsRewrap(rootKeys: RootKeys, envelope: string): boolean {
  return envelopeKeyVersion(envelope) !== rootKeys.currentVersion;
}

/**
 * Moves an envelope to the current root key: unwrap with its own version, wrap with the current
 * one, same binding. An envelope already under the current key is returned unchanged.
 *
 * @param rootKeys - The configured list, holding both the old and the current version.
 * @param envelope - `kms:v1:<version>:<base64>`.
 * @param binding - The binding it was wrapped with.
 * @returns An envelope under `rootKeys.currentVersion`.
 * @throws {@link CryptoError} as {@link unwrapSecret}.
 */
export function rewrapSecret(rootKeys: RootKeys, envelope: string, binding: KmsBinding): string {
  if (!needsRewrap(rootKeys, envelope)) return envelope;
  const plaintext = unwrapSecret(rootKeys, envelope, binding);
  try {
    return wrapSecret(rootKeys, plaintext, binding);
  } finally {
    wipe(plaintext);
  }
}
