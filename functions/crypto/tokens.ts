/**
 * Phase token strings (phase-reference.md §3.10, §3.11):
 * `<pss_user|pss_service>:v<n>:<bearer>:<kx public key>:<share A>:<wrap key>`, four 64-hex
 * segments after the version, as the Phase SDKs' regular expression requires.
 *
 * Minting splits the holder's X25519 secret key by XOR. Share A and the wrap key travel only in
 * the token string; the server keeps share B wrapped under the wrap key (the plaintext being the
 * ASCII hex of share B, §3.2) and a SHA-256 digest of the bearer, so neither the database nor the
 * server after minting can rebuild the secret key without the token.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { decryptRaw, encryptRaw, POLY1305_TAG_BYTES, XCHACHA_NONCE_BYTES } from './blob.js';
import { constantTimeEqual } from './compare.js';
import { asciiHexToBytes, bytesToAsciiHex, bytesToHex, hexToBytes, isHex } from './encoding.js';
import { assertBytes, CryptoError } from './errors.js';
import { KX_KEY_BYTES, kxPublicKey } from './keys.js';
import { joinShares, SHARE_BYTES } from './shares.js';
import { wipe } from './wipe.js';

/** Bearer id length; its hex form is what `Authorization: Bearer <Type> <hex>` carries. */
export const BEARER_BYTES = 32;
/** Wrap key length. */
export const WRAP_KEY_BYTES = 32;
/** Wrapped share B: 64 ASCII hex digits + tag + nonce = 104 bytes (208 hex characters). */
export const WRAPPED_SHARE_BYTES = 2 * SHARE_BYTES + POLY1305_TAG_BYTES + XCHACHA_NONCE_BYTES;

/** The `Authorization` type each token family uses, as the SDKs map it. */
export type TokenAuthType = 'User' | 'Service' | 'ServiceAccount';
/** The two token families. */
export type TokenPrefix = 'pss_user' | 'pss_service';

/** The parts a token string is written from. */
export interface TokenSegments {
  /** Family and version: `User` pss_user:v1, `Service` pss_service:v1, `ServiceAccount` v2. */
  authType: TokenAuthType;
  /** Bearer id as 64 hex. */
  bearer: string;
  /** 32-byte X25519 public key of the holder. */
  kxPublicKey: Uint8Array;
  /** 32-byte share A of the holder's secret key. */
  shareA: Uint8Array;
  /** 32-byte key that wraps share B. */
  wrapKey: Uint8Array;
}

/** A token string taken apart. The byte fields are copies the caller should wipe. */
export interface ParsedToken extends TokenSegments {
  prefix: TokenPrefix;
  /** The number after `v`. */
  version: number;
}

/** What minting returns: the string for the client and the values the server stores. */
export interface MintedTokenMaterial {
  /** Bearer id, 64 lowercase hex. The server keeps only {@link bearerDigest}. */
  bearer: string;
  /** `digestBearer(bearer)`: what the server stores and looks tokens up by. */
  bearerDigest: string;
  /** The full token string, shown to the client once. */
  tokenString: string;
  /** 208 hex characters: share B's hex, encrypted under the wrap key. */
  wrappedKeyShare: string;
}

// The Phase SDKs' token pattern (§3.10): two families, a numeric version, four 64-hex segments.
const HEX_SEGMENT = '[0-9a-fA-F]{64}';
const TOKEN_PATTERN = new RegExp(
  `^(pss_user|pss_service):v\\d+:${HEX_SEGMENT}:${HEX_SEGMENT}:${HEX_SEGMENT}:${HEX_SEGMENT}$`
);

const PREFIX_OF: Record<TokenAuthType, string> = {
  User: 'pss_user:v1',
  Service: 'pss_service:v1',
  ServiceAccount: 'pss_service:v2',
};

/**
 * The auth type the SDKs derive from a token's family and version.
 *
 * @param prefix - Token family.
 * @param version - Version number.
 * @returns `User`, `Service` (pss_service:v1 only) or `ServiceAccount`.
 */
export function tokenAuthType(prefix: TokenPrefix, version: number): TokenAuthType {
  if (prefix === 'pss_user') return 'User';
  return version === 1 ? 'Service' : 'ServiceAccount';
}

/**
 * Parses a token string.
 *
 * @param tokenString - `pss_<user|service>:v<n>:<64 hex>:<64 hex>:<64 hex>:<64 hex>`.
 * @returns The parts, with hex segments decoded.
 * @throws {@link CryptoError} `bad_format` for anything else.
 */
export function parseToken(tokenString: string): ParsedToken {
  if (typeof tokenString !== 'string' || !TOKEN_PATTERN.test(tokenString)) {
    throw new CryptoError('bad_format', 'expected a pss_user or pss_service token');
  }
  // The pattern fixed the shape: six `:`-separated parts, the second being `v<digits>`.
  const parts = tokenString.split(':');
  const part = (index: number) => parts[index] ?? '';
  const prefix = part(0) as TokenPrefix;
  const version = Number.parseInt(part(1).slice(1), 10);
  return {
    prefix,
    version,
    authType: tokenAuthType(prefix, version),
    bearer: part(2).toLowerCase(),
    kxPublicKey: hexToBytes(part(3), KX_KEY_BYTES),
    shareA: hexToBytes(part(4), SHARE_BYTES),
    wrapKey: hexToBytes(part(5), WRAP_KEY_BYTES),
  };
}

/**
 * Writes a token string. Versions are the ones Phase issues today (see {@link TokenSegments}).
 *
 * @param segments - The parts.
 * @returns The token string, hex in lowercase.
 * @throws {@link CryptoError} `bad_format` for an unknown auth type or a malformed bearer,
 *   `bad_length` for wrong-size keys.
 */
export function formatToken(segments: TokenSegments): string {
  const prefix = PREFIX_OF[segments.authType];
  if (prefix === undefined) throw new CryptoError('bad_format', 'expected a token auth type');
  if (!isBearerHex(segments.bearer)) {
    throw new CryptoError('bad_format', 'expected a 64-hex bearer');
  }
  assertBytes(segments.kxPublicKey, KX_KEY_BYTES, 'an X25519 public key');
  assertBytes(segments.shareA, SHARE_BYTES, 'share A');
  assertBytes(segments.wrapKey, WRAP_KEY_BYTES, 'a wrap key');
  const hexes = [segments.kxPublicKey, segments.shareA, segments.wrapKey].map(bytesToHex);
  return [prefix, segments.bearer.toLowerCase(), ...hexes].join(':');
}

/**
 * Tells whether a value is a well-formed bearer id (64 hex), as sent after the auth type.
 *
 * @param value - Any value.
 * @returns True for 64 hex characters in either case.
 */
export function isBearerHex(value: unknown): value is string {
  return isHex(value, BEARER_BYTES);
}

/**
 * The digest the server stores instead of the bearer: SHA-256 of the 32 decoded bytes, so the
 * lookup does not depend on the hex's letter case.
 *
 * @param bearerHex - Bearer id, 64 hex.
 * @returns SHA-256, 64 lowercase hex.
 * @throws {@link CryptoError} `bad_hex` or `bad_length` for a malformed bearer.
 */
export function digestBearer(bearerHex: string): string {
  const bearer = hexToBytes(bearerHex, BEARER_BYTES);
  try {
    return bytesToHex(sha256(bearer));
  } finally {
    wipe(bearer);
  }
}

/**
 * Mints a token for an X25519 key pair (§3.10): random bearer, wrap key and share A;
 * `shareB = shareA XOR secretKey`; share B's ASCII hex encrypted as a raw blob under the wrap
 * key. Share A, share B and the wrap key are wiped before returning.
 *
 * @param kxSecretKey - 32-byte X25519 secret key of the token's holder.
 * @param kxPublicKey32 - Its public key; written into the token (checked against the secret).
 * @param authType - Which family to mint: `ServiceAccount` gives pss_service:v2.
 * @returns The token string and the values to store.
 * @throws {@link CryptoError} `bad_length` for wrong-size keys, `key_mismatch` when the public
 *   key is not the secret key's.
 */
export function mintTokenMaterial(
  kxSecretKey: Uint8Array,
  kxPublicKey32: Uint8Array,
  authType: TokenAuthType
): MintedTokenMaterial {
  assertBytes(kxPublicKey32, KX_KEY_BYTES, 'an X25519 public key');
  if (!constantTimeEqual(kxPublicKey(kxSecretKey), kxPublicKey32)) {
    throw new CryptoError('key_mismatch', 'the public key does not match the secret key');
  }
  const bearer = bytesToHex(randomBytes(BEARER_BYTES));
  const wrapKey = randomBytes(WRAP_KEY_BYTES);
  const shareA = randomBytes(SHARE_BYTES);
  const shareB = joinShares(shareA, kxSecretKey);
  const shareBText = bytesToAsciiHex(shareB);
  try {
    const segments = { authType, bearer, kxPublicKey: kxPublicKey32, shareA, wrapKey };
    const tokenString = formatToken(segments);
    const wrappedKeyShare = bytesToHex(encryptRaw(shareBText, wrapKey));
    return { bearer, bearerDigest: digestBearer(bearer), tokenString, wrappedKeyShare };
  } finally {
    wipe(wrapKey, shareA, shareB, shareBText);
  }
}

/**
 * Rebuilds a token holder's X25519 secret key, as a Phase client does (§3.11): decrypt the
 * wrapped share with the token's wrap key, read share B from its hex, XOR with share A. The
 * result is checked against the token's public key.
 *
 * @param tokenString - The token string.
 * @param wrappedKeyShare - 208 hex characters, as the server returns it.
 * @returns The 32-byte X25519 secret key; the caller should wipe it after use.
 * @throws {@link CryptoError} `bad_format`, `bad_hex`, `bad_length`, `decrypt_failed`, or
 *   `key_mismatch` when the rebuilt key does not belong to the token's public key.
 */
export function rebuildKxSecretKey(tokenString: string, wrappedKeyShare: string): Uint8Array {
  const token = parseToken(tokenString);
  let shareBText: Uint8Array | undefined;
  let shareB: Uint8Array | undefined;
  try {
    const blob = hexToBytes(wrappedKeyShare, WRAPPED_SHARE_BYTES);
    shareBText = decryptRaw(blob, token.wrapKey);
    shareB = asciiHexToBytes(shareBText, SHARE_BYTES);
    const secretKey = joinShares(token.shareA, shareB);
    if (!constantTimeEqual(kxPublicKey(secretKey), token.kxPublicKey)) {
      wipe(secretKey);
      throw new CryptoError('key_mismatch', 'the rebuilt key does not match the token');
    }
    return secretKey;
  } finally {
    wipe(token.shareA, token.wrapKey, shareBText, shareB);
  }
}
