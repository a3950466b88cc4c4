/**
 * Keyring material of server-side KMS accounts, as pure operations over the crypto module: make
 * a keyring and its first token, take in a keyring a client wrapped to the server, re-wrap under
 * the newest root key. Only the keyring Durable Object calls the ones that create or replace an
 * envelope; minting only reads one.
 */
import { bytesToHex, bytesToUtf8, utf8ToBytes } from '../crypto/encoding';
import { CryptoError } from '../crypto/errors';
import { formatKeyringJson, parseKeyringJson } from '../crypto/keyring';
import { generateSigningKeyring, type SigningKeyring, signingKeyringToKx } from '../crypto/keys';
import {
  envelopeKeyVersion,
  type KmsBinding,
  rewrapSecret,
  unwrapSecret,
  wrapSecret,
} from '../crypto/kms';
import type { RootKeys } from '../crypto/kms-root-keys';
import { decryptPhV1 } from '../crypto/ph-v1';
import { serverKxKeyPair } from '../crypto/server-keys';
import { type MintedTokenMaterial, mintTokenMaterial } from '../crypto/tokens';
import { wipe } from '../crypto/wipe';

/** Where a service account's keyring envelope belongs. */
export function keyringBinding(organisationId: string, serviceAccountId: string): KmsBinding {
  return { organisationId, recordId: serviceAccountId, purpose: 'service_account_keyring' };
}

/** A keyring envelope and the root-key version it is under. */
export interface WrappedKeyring {
  envelope: string;
  keyVersion: number;
}

function wrapKeyring(
  rootKeys: RootKeys,
  keyring: SigningKeyring,
  binding: KmsBinding
): WrappedKeyring {
  // The JSON holds the secret key in hex; a string cannot be wiped, so it lives only here.
  const plaintext = utf8ToBytes(formatKeyringJson(keyring));
  try {
    const envelope = wrapSecret(rootKeys, plaintext, binding);
    return { envelope, keyVersion: envelopeKeyVersion(envelope) };
  } finally {
    wipe(plaintext);
  }
}

/** Mints a `pss_service:v2` token from a keyring. */
function mintFrom(keyring: SigningKeyring): MintedTokenMaterial {
  const kx = signingKeyringToKx(keyring);
  try {
    return mintTokenMaterial(kx.secretKey, kx.publicKey, 'ServiceAccount');
  } finally {
    wipe(kx.secretKey);
  }
}

/** The X25519 public key (hex) tokens of an account carry. */
export function kxPublicKeyHex(keyring: SigningKeyring): string {
  const kx = signingKeyringToKx(keyring);
  wipe(kx.secretKey);
  return bytesToHex(kx.publicKey);
}

/** A fresh keyring for a new account, wrapped, with its first token (phase-reference §3.6 B). */
export function generateServerKeyring(rootKeys: RootKeys, binding: KmsBinding) {
  const keyring = generateSigningKeyring();
  try {
    return {
      identityKey: bytesToHex(keyring.publicKey),
      kxPublicKey: kxPublicKeyHex(keyring),
      wrapped: wrapKeyring(rootKeys, keyring, binding),
      firstToken: mintFrom(keyring),
    };
  } finally {
    wipe(keyring.secretKey);
  }
}

/**
 * Opens a keyring a handler wrapped to the server's public key (`ph:v1`), checks it is the
 * account's own, and wraps it for storage.
 *
 * @throws {@link CryptoError} for a malformed envelope or keyring, or `key_mismatch` when the
 *   keyring is not the one whose public key the account was created with.
 */
export function importClientKeyring(
  rootKeys: RootKeys,
  serverSecret: string | undefined,
  wrappedToServer: string,
  identityKey: string,
  binding: KmsBinding
): WrappedKeyring {
  const server = serverKxKeyPair(serverSecret);
  let keyring: SigningKeyring | undefined;
  try {
    keyring = parseKeyringJson(decryptPhV1(wrappedToServer, server.secretKey, server.publicKey));
    if (bytesToHex(keyring.publicKey) !== identityKey) {
      throw new CryptoError('key_mismatch', "the keyring is not this service account's");
    }
    return wrapKeyring(rootKeys, keyring, binding);
  } finally {
    wipe(server.secretKey, keyring?.secretKey);
  }
}

/** Opens a stored keyring and mints a token from it. */
export function mintFromEnvelope(rootKeys: RootKeys, envelope: string, binding: KmsBinding) {
  const plaintext = unwrapSecret(rootKeys, envelope, binding);
  let keyring: SigningKeyring | undefined;
  try {
    keyring = parseKeyringJson(bytesToUtf8(plaintext));
    return { minted: mintFrom(keyring), kxPublicKey: kxPublicKeyHex(keyring) };
  } finally {
    wipe(plaintext, keyring?.secretKey);
  }
}

/** The envelope under the newest root key (unchanged if it already is). */
export function rewrapKeyring(
  rootKeys: RootKeys,
  envelope: string,
  binding: KmsBinding
): WrappedKeyring {
  const rewrapped = rewrapSecret(rootKeys, envelope, binding);
  return { envelope: rewrapped, keyVersion: envelopeKeyVersion(rewrapped) };
}
