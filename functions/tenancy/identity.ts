/**
 * A member's identity: either a keyring the server generates once (returned to the client, never
 * stored) with a first token minted from it, or a public key the client holds, for which the
 * client registers tokens it minted itself, signed so nobody without the keyring can add one.
 */
import { bytesToHex, hexToBytes, isHex, utf8ToBytes } from '../crypto/encoding';
import { CryptoError } from '../crypto/errors';
import {
  ed25519PublicKeyToX25519,
  generateSigningKeyring,
  signingKeyringToKx,
  verifyDetached,
} from '../crypto/keys';
import { type MintedTokenMaterial, mintTokenMaterial, WRAPPED_SHARE_BYTES } from '../crypto/tokens';
import { wipe } from '../crypto/wipe';
import { ApiError } from '../errors';

/** A keyring made by the server, in the JSON form Phase clients read. */
export interface GeneratedIdentity {
  identityKey: string;
  kxPublicKey: string;
  keyring: { publicKey: string; privateKey: string };
  firstToken: MintedTokenMaterial;
}

/**
 * Generates an Ed25519 keyring and mints a personal access token from its X25519 form. The
 * keyring leaves as hex strings for the one response that shows it; the byte copies are wiped.
 */
export function generateIdentity(): GeneratedIdentity {
  const keyring = generateSigningKeyring();
  const kx = signingKeyringToKx(keyring);
  try {
    return {
      identityKey: bytesToHex(keyring.publicKey),
      kxPublicKey: bytesToHex(kx.publicKey),
      keyring: {
        publicKey: bytesToHex(keyring.publicKey),
        privateKey: bytesToHex(keyring.secretKey),
      },
      firstToken: mintTokenMaterial(kx.secretKey, kx.publicKey, 'User'),
    };
  } finally {
    wipe(keyring.secretKey, kx.secretKey);
  }
}

/** Checks a client-held Ed25519 identity key and returns it with its X25519 form, lowercased. */
export function parseIdentityKey(value: string): { identityKey: string; kxPublicKey: string } {
  try {
    const publicKey = hexToBytes(value, 32);
    return {
      identityKey: bytesToHex(publicKey),
      kxPublicKey: bytesToHex(ed25519PublicKeyToX25519(publicKey)),
    };
  } catch (error) {
    if (!(error instanceof CryptoError)) throw error;
    throw new ApiError('invalid_request', "'identity_key' must be an Ed25519 public key in hex.", {
      internal: { reason: error.reason },
    });
  }
}

/** What a client sends to register a token it minted from its own keyring. */
export interface TokenRegistration {
  bearer_digest: string;
  wrapped_key_share: string;
  signature: string;
  expires_at?: string;
}

/**
 * The bytes a registration signature covers. Lines keep fields apart unambiguously; the
 * version label keeps a signature from ever being valid for another purpose.
 */
export function registrationMessage(registration: Omit<TokenRegistration, 'signature'>) {
  const lines = [
    'custodian/token-registration/v1',
    registration.bearer_digest.toLowerCase(),
    registration.wrapped_key_share.toLowerCase(),
    registration.expires_at ?? '',
  ];
  return utf8ToBytes(lines.join('\n'));
}

/** Refuses a registration whose fields are malformed or whose signature does not verify. */
export function verifyRegistration(identityKey: string, registration: TokenRegistration): void {
  if (
    !isHex(registration.bearer_digest, 32) ||
    !isHex(registration.wrapped_key_share, WRAPPED_SHARE_BYTES)
  ) {
    throw new ApiError(
      'invalid_request',
      "'bearer_digest' must be 64 hex characters and 'wrapped_key_share' 208.",
      { internal: { reason: 'bad_registration_fields' } }
    );
  }
  const valid =
    isHex(registration.signature, 64) &&
    verifyDetached(
      hexToBytes(registration.signature, 64),
      registrationMessage(registration),
      hexToBytes(identityKey, 32)
    );
  if (!valid) {
    throw new ApiError(
      'invalid_request',
      'The token registration is not signed by the identity key.',
      {
        internal: { reason: 'bad_registration_signature' },
      }
    );
  }
}
