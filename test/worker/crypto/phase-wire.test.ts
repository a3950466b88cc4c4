import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { blake2b } from '@noble/hashes/blake2.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import vectors from '../../../../shared/vectors/phase-wire.json';
import { decryptRaw, encryptRaw } from '../../../functions/crypto/blob';
import { constantTimeEqual } from '../../../functions/crypto/compare';
import {
  asciiHexToBytes,
  base64ToBytes,
  bytesToBase64,
  bytesToHex,
  bytesToUtf8,
  hexToBytes,
  utf8ToBytes,
} from '../../../functions/crypto/encoding';
import { generateEnvironmentSecrets, keyDigest } from '../../../functions/crypto/environment';
import { CryptoError, type CryptoErrorReason, guardCrypto } from '../../../functions/crypto/errors';
import { formatKeyringJson, parseKeyringJson } from '../../../functions/crypto/keyring';
import {
  ed25519PublicKeyToX25519,
  ed25519SecretKeyToX25519,
  generateSigningKeyring,
  kxPublicKey,
  kxSeedKeypair,
  signDetached,
  signingKeyringFromSeed,
  signingKeyringToKx,
  verifyDetached,
} from '../../../functions/crypto/keys';
import {
  decryptPhV1,
  decryptPhV1Bytes,
  encryptPhV1,
  isPhV1Envelope,
} from '../../../functions/crypto/ph-v1';
import { joinShares, splitSecret } from '../../../functions/crypto/shares';
import {
  digestBearer,
  formatToken,
  mintTokenMaterial,
  parseToken,
  rebuildKxSecretKey,
} from '../../../functions/crypto/tokens';
import { wipe } from '../../../functions/crypto/wipe';

function expectCryptoError(run: () => unknown, reason: CryptoErrorReason): void {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(CryptoError);
  expect((caught as CryptoError).reason).toBe(reason);
}

function randomKxPair() {
  return kxSeedKeypair(crypto.getRandomValues(new Uint8Array(32)));
}

/** Returns a copy of `bytes` with one bit flipped at `index`. */
function flipped(bytes: Uint8Array, index: number): Uint8Array {
  const copy = bytes.slice();
  copy[index] = (copy[index] as number) ^ 0x01;
  return copy;
}

/** Splits a ph:v1 envelope into its ephemeral key hex and decoded blob. */
function envelopeParts(envelope: string): { epkHex: string; blob: Uint8Array } {
  const [, , epkHex, payload] = envelope.split(':') as [string, string, string, string];
  return { epkHex, blob: base64ToBytes(payload) };
}

// X25519 u-coordinates with no usable shared secret: 0, 1, the two order-8 points, p - 1, and
// the non-canonical p and p + 1 that reduce to 0 and 1.
const LOW_ORDER_U = [
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0100000000000000000000000000000000000000000000000000000000000000',
  'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800',
  '5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
];
// Ed25519 encodings of small-order points: identity, order 2, order 4, and the two of order 8.
const SMALL_ORDER_ED25519 = [
  '0100000000000000000000000000000000000000000000000000000000000000',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  '0000000000000000000000000000000000000000000000000000000000000000',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05',
];

describe('known-answer vectors (shared/vectors/phase-wire.json)', () => {
  it('rebuilds the token vector into the expected X25519 key pair', () => {
    const v = vectors.token_rebuild;
    const secretKey = rebuildKxSecretKey(v.token, v.wrapped_key_share);
    expect(bytesToHex(secretKey)).toBe(v.expected_kx_private_key);
    expect(bytesToHex(kxPublicKey(secretKey))).toBe(v.expected_kx_public_key);
    const token = parseToken(v.token);
    expect(token.authType).toBe('User');
    expect(bytesToHex(token.kxPublicKey)).toBe(v.expected_kx_public_key);
  });

  it('unwraps the environment seed and salt, and the seed gives the identity key', () => {
    const v = vectors.environment_key_unwrap;
    const secretKey = hexToBytes(v.recipient_kx_private_key, 32);
    const publicKey = hexToBytes(v.recipient_kx_public_key, 32);
    const seed = decryptPhV1(v.wrapped_seed, secretKey, publicKey);
    expect(seed).toBe(v.expected_seed);
    expect(decryptPhV1(v.wrapped_salt, secretKey, publicKey)).toBe(v.expected_salt);
    expect(bytesToHex(kxSeedKeypair(hexToBytes(seed, 32)).publicKey)).toBe(v.identity_key);
  });

  it('computes the key digest vector, keyed with the salt hex text', () => {
    const v = vectors.key_digest;
    expect(keyDigest(v.key, v.salt)).toBe(v.expected_digest);
    const keyedWithDecodedSalt = blake2b(utf8ToBytes(v.key), {
      dkLen: 32,
      key: hexToBytes(v.salt),
    });
    expect(bytesToHex(keyedWithDecodedSalt)).not.toBe(v.expected_digest);
    expect(keyDigest(v.key, v.salt.toUpperCase())).not.toBe(v.expected_digest);
  });
});

describe('encryptRaw() / decryptRaw()', () => {
  const key = crypto.getRandomValues(new Uint8Array(32));

  it('lays the blob out as ciphertext ‖ tag ‖ nonce', () => {
    const plaintext = utf8ToBytes('a raw blob');
    const blob = encryptRaw(plaintext, key);
    expect(blob.length).toBe(plaintext.length + 16 + 24);
    const nonce = blob.subarray(blob.length - 24);
    const opened = xchacha20poly1305(key, nonce).decrypt(blob.subarray(0, blob.length - 24));
    expect(bytesToUtf8(opened)).toBe('a raw blob');
    expect(bytesToUtf8(decryptRaw(blob, key))).toBe('a raw blob');
  });

  it('uses a fresh nonce for every encryption', () => {
    const a = encryptRaw(new Uint8Array(0), key);
    const b = encryptRaw(new Uint8Array(0), key);
    expect(bytesToHex(a.subarray(16))).not.toBe(bytesToHex(b.subarray(16)));
  });

  it('fails with decrypt_failed on any flipped byte, a swapped nonce or a wrong key', () => {
    const blob = encryptRaw(utf8ToBytes('tamper me'), key);
    for (const index of [0, 12, blob.length - 24, blob.length - 1]) {
      expectCryptoError(() => decryptRaw(flipped(blob, index), key), 'decrypt_failed');
    }
    const other = encryptRaw(utf8ToBytes('tamper me'), key);
    const swapped = blob.slice();
    swapped.set(other.subarray(other.length - 24), blob.length - 24);
    expectCryptoError(() => decryptRaw(swapped, key), 'decrypt_failed');
    expectCryptoError(() => decryptRaw(blob, flipped(key, 31)), 'decrypt_failed');
  });

  it('rejects short blobs and wrong-size keys with bad_length', () => {
    expectCryptoError(() => decryptRaw(new Uint8Array(39), key), 'bad_length');
    expectCryptoError(() => decryptRaw(new Uint8Array(64), key.subarray(1)), 'bad_length');
    expectCryptoError(() => encryptRaw(new Uint8Array(1), new Uint8Array(16)), 'bad_length');
  });
});

describe('encryptPhV1() / decryptPhV1()', () => {
  it('round-trips text, including empty and non-ASCII text', () => {
    const recipient = randomKxPair();
    for (const text of ['', 'DATABASE_URL', 'postgres://ü:ñ@host/db 🔑', 'x'.repeat(5000)]) {
      const envelope = encryptPhV1(text, recipient.publicKey);
      expect(envelope).toMatch(/^ph:v1:[0-9a-f]{64}:[A-Za-z0-9+/]+={0,2}$/);
      expect(decryptPhV1(envelope, recipient.secretKey, recipient.publicKey)).toBe(text);
    }
  });

  it('keys the blob with h[32..64] of BLAKE2b-512(q ‖ epk ‖ recipient pk)', () => {
    const recipient = randomKxPair();
    const { epkHex, blob } = envelopeParts(encryptPhV1('second half', recipient.publicKey));
    const epk = hexToBytes(epkHex);
    const q = x25519.getSharedSecret(recipient.secretKey, epk);
    const input = new Uint8Array([...q, ...epk, ...recipient.publicKey]);
    const h = blake2b(input, { dkLen: 64 });
    expect(bytesToUtf8(decryptRaw(blob, h.slice(32)))).toBe('second half');
    expectCryptoError(() => decryptRaw(blob, h.slice(0, 32)), 'decrypt_failed');
  });

  it('uses a fresh ephemeral key for every envelope', () => {
    const recipient = randomKxPair();
    const a = envelopeParts(encryptPhV1('same', recipient.publicKey));
    const b = envelopeParts(encryptPhV1('same', recipient.publicKey));
    expect(a.epkHex).not.toBe(b.epkHex);
  });

  it('returns bytes from decryptPhV1Bytes', () => {
    const recipient = randomKxPair();
    const payload = crypto.getRandomValues(new Uint8Array(48));
    const envelope = encryptPhV1(payload, recipient.publicKey);
    const opened = decryptPhV1Bytes(envelope, recipient.secretKey, recipient.publicKey);
    expect(constantTimeEqual(opened, payload)).toBe(true);
  });

  it('fails with decrypt_failed for another recipient, or the wrong recipient public key', () => {
    const recipient = randomKxPair();
    const stranger = randomKxPair();
    const envelope = encryptPhV1('for the recipient', recipient.publicKey);
    expectCryptoError(
      () => decryptPhV1(envelope, stranger.secretKey, stranger.publicKey),
      'decrypt_failed'
    );
    expectCryptoError(
      () => decryptPhV1(envelope, recipient.secretKey, stranger.publicKey),
      'decrypt_failed'
    );
  });

  it('fails with decrypt_failed on a flipped byte, swapped nonce or swapped ephemeral key', () => {
    const recipient = randomKxPair();
    const open = (envelope: string) =>
      decryptPhV1(envelope, recipient.secretKey, recipient.publicKey);
    const { epkHex, blob } = envelopeParts(encryptPhV1('original', recipient.publicKey));
    const other = envelopeParts(encryptPhV1('original', recipient.publicKey));
    for (const index of [0, blob.length - 30, blob.length - 1]) {
      expectCryptoError(
        () => open(`ph:v1:${epkHex}:${bytesToBase64(flipped(blob, index))}`),
        'decrypt_failed'
      );
    }
    const swappedNonce = blob.slice();
    swappedNonce.set(other.blob.subarray(other.blob.length - 24), blob.length - 24);
    expectCryptoError(
      () => open(`ph:v1:${epkHex}:${bytesToBase64(swappedNonce)}`),
      'decrypt_failed'
    );
    expectCryptoError(() => open(`ph:v1:${other.epkHex}:${bytesToBase64(blob)}`), 'decrypt_failed');
  });

  it('rejects low-order ephemeral and recipient keys with low_order_point', () => {
    const recipient = randomKxPair();
    const payload = bytesToBase64(encryptRaw(utf8ToBytes('x'), new Uint8Array(32)));
    for (const u of LOW_ORDER_U) {
      expectCryptoError(
        () => decryptPhV1(`ph:v1:${u}:${payload}`, recipient.secretKey, recipient.publicKey),
        'low_order_point'
      );
      expectCryptoError(() => encryptPhV1('x', hexToBytes(u)), 'low_order_point');
    }
  });

  it('rejects malformed envelopes with the matching reason', () => {
    const recipient = randomKxPair();
    const open = (envelope: string) =>
      decryptPhV1(envelope, recipient.secretKey, recipient.publicKey);
    const { epkHex, blob } = envelopeParts(encryptPhV1('shape', recipient.publicKey));
    const payload = bytesToBase64(blob);
    expectCryptoError(() => open(`ph:v1:${epkHex}`), 'bad_format');
    expectCryptoError(() => open(`ph:v1:${epkHex}:${payload}:extra`), 'bad_format');
    expectCryptoError(() => open(`ph:v2:${epkHex}:${payload}`), 'bad_format');
    expectCryptoError(() => open(`xx:v1:${epkHex}:${payload}`), 'bad_format');
    expectCryptoError(() => open(''), 'bad_format');
    expectCryptoError(() => open(`ph:v1:${'zz'.repeat(32)}:${payload}`), 'bad_hex');
    expectCryptoError(() => open(`ph:v1:${epkHex.slice(2)}:${payload}`), 'bad_length');
    expectCryptoError(() => open(`ph:v1:${epkHex}:${payload.slice(0, -1)}`), 'bad_base64');
    expectCryptoError(() => open(`ph:v1:${epkHex}:${payload}=`), 'bad_base64');
    expectCryptoError(() => open(`ph:v1:${epkHex}:_${payload.slice(1)}`), 'bad_base64');
    expectCryptoError(() => open(`ph:v1:${epkHex}: ${payload.slice(1)}`), 'bad_base64');
    expectCryptoError(
      () => open(`ph:v1:${epkHex}:${bytesToBase64(blob.subarray(0, 39))}`),
      'bad_length'
    );
    expectCryptoError(
      () => decryptPhV1(`ph:v1:${epkHex}:${payload}`, recipient.secretKey, new Uint8Array(31)),
      'bad_length'
    );
  });

  it('tells well-formed envelopes from malformed ones with isPhV1Envelope', () => {
    const envelope = encryptPhV1('shape', randomKxPair().publicKey);
    expect(isPhV1Envelope(envelope)).toBe(true);
    expect(isPhV1Envelope(envelope.slice(0, -1))).toBe(false);
    expect(isPhV1Envelope(`${envelope}:x`)).toBe(false);
    expect(isPhV1Envelope(envelope.replace('ph:v1:', 'ph:v2:'))).toBe(false);
    expect(isPhV1Envelope('')).toBe(false);
    expect(isPhV1Envelope(`ph:v1:${'a'.repeat(64)}:AAAA`)).toBe(false);
    expect(isPhV1Envelope(`ph:v1:${'a'.repeat(63)}:${envelope.split(':')[3]}`)).toBe(false);
    expect(isPhV1Envelope(42)).toBe(false);
  });
});

describe('tokens', () => {
  const hex64 = (fill: string) => fill.repeat(64);
  const segments = `${hex64('a')}:${hex64('b')}:${hex64('c')}:${hex64('d')}`;

  it("maps each family and version to the SDKs' auth type", () => {
    expect(parseToken(`pss_user:v1:${segments}`).authType).toBe('User');
    expect(parseToken(`pss_user:v2:${segments}`).authType).toBe('User');
    expect(parseToken(`pss_service:v1:${segments}`).authType).toBe('Service');
    expect(parseToken(`pss_service:v2:${segments}`).authType).toBe('ServiceAccount');
    expect(parseToken(`pss_service:v3:${segments}`).authType).toBe('ServiceAccount');
  });

  it('accepts uppercase hex and round-trips through formatToken', () => {
    const token = parseToken(`pss_service:v2:${segments.toUpperCase()}`);
    expect(token.bearer).toBe(hex64('a'));
    expect(formatToken(token)).toBe(`pss_service:v2:${segments}`);
  });

  it('rejects every other shape with bad_format', () => {
    const malformed = [
      `pss_env:v1:${segments}`,
      `pss_service:v:${segments}`,
      `pss_service:2:${segments}`,
      `pss_service:v2:${segments}:${hex64('e')}`,
      `pss_service:v2:${segments.slice(0, -1)}`,
      `pss_service:v2:${segments.slice(0, -1)}g`,
      ` pss_service:v2:${segments}`,
      `pss_service:v2:${segments}\n`,
      '',
    ];
    for (const token of malformed) expectCryptoError(() => parseToken(token), 'bad_format');
  });

  it('mints a pss_service:v2 token whose parts rebuild the secret key', () => {
    const holder = signingKeyringToKx(generateSigningKeyring());
    const minted = mintTokenMaterial(holder.secretKey, holder.publicKey, 'ServiceAccount');
    expect(minted.tokenString).toHaveLength(274);
    expect(minted.tokenString.startsWith(`pss_service:v2:${minted.bearer}:`)).toBe(true);
    expect(minted.wrappedKeyShare).toMatch(/^[0-9a-f]{208}$/);
    expect(minted.bearerDigest).toBe(bytesToHex(sha256(hexToBytes(minted.bearer))));
    const rebuilt = rebuildKxSecretKey(minted.tokenString, minted.wrappedKeyShare);
    expect(constantTimeEqual(rebuilt, holder.secretKey)).toBe(true);
  });

  it('wraps the ASCII hex of share B, and share A XOR share B is the secret key', () => {
    const holder = randomKxPair();
    const minted = mintTokenMaterial(holder.secretKey, holder.publicKey, 'User');
    const token = parseToken(minted.tokenString);
    expect(token.prefix).toBe('pss_user');
    const shareBText = decryptRaw(hexToBytes(minted.wrappedKeyShare), token.wrapKey);
    expect(bytesToUtf8(shareBText)).toMatch(/^[0-9a-f]{64}$/);
    const secretKey = joinShares(token.shareA, asciiHexToBytes(shareBText, 32));
    expect(bytesToHex(secretKey)).toBe(bytesToHex(holder.secretKey));
  });

  it('draws a new bearer, share and wrap key for every token', () => {
    const holder = randomKxPair();
    const a = parseToken(
      mintTokenMaterial(holder.secretKey, holder.publicKey, 'Service').tokenString
    );
    const b = parseToken(
      mintTokenMaterial(holder.secretKey, holder.publicKey, 'Service').tokenString
    );
    expect(a.bearer).not.toBe(b.bearer);
    expect(bytesToHex(a.shareA)).not.toBe(bytesToHex(b.shareA));
    expect(bytesToHex(a.wrapKey)).not.toBe(bytesToHex(b.wrapKey));
  });

  it("refuses to mint for a public key that is not the secret key's", () => {
    const holder = randomKxPair();
    const other = randomKxPair();
    expectCryptoError(
      () => mintTokenMaterial(holder.secretKey, other.publicKey, 'ServiceAccount'),
      'key_mismatch'
    );
    expectCryptoError(
      () => mintTokenMaterial(holder.secretKey.subarray(1), holder.publicKey, 'ServiceAccount'),
      'bad_length'
    );
  });

  it('fails to rebuild from a tampered, foreign or malformed wrapped share', () => {
    const holder = randomKxPair();
    const a = mintTokenMaterial(holder.secretKey, holder.publicKey, 'ServiceAccount');
    const b = mintTokenMaterial(holder.secretKey, holder.publicKey, 'ServiceAccount');
    const tampered = bytesToHex(flipped(hexToBytes(a.wrappedKeyShare), 5));
    expectCryptoError(() => rebuildKxSecretKey(a.tokenString, tampered), 'decrypt_failed');
    expectCryptoError(() => rebuildKxSecretKey(a.tokenString, b.wrappedKeyShare), 'decrypt_failed');
    expectCryptoError(
      () => rebuildKxSecretKey(a.tokenString, a.wrappedKeyShare.slice(2)),
      'bad_length'
    );
    expectCryptoError(() => rebuildKxSecretKey(a.tokenString, `${a.wrappedKeyShare}0`), 'bad_hex');
  });

  it('digests bearers case-insensitively and rejects malformed ones', () => {
    const bearer = bytesToHex(crypto.getRandomValues(new Uint8Array(32)));
    expect(digestBearer(bearer)).toBe(digestBearer(bearer.toUpperCase()));
    expect(digestBearer(bearer)).toMatch(/^[0-9a-f]{64}$/);
    expectCryptoError(() => digestBearer(bearer.slice(2)), 'bad_length');
    expectCryptoError(() => digestBearer(`${bearer.slice(2)}zz`), 'bad_hex');
  });
});

describe('key pairs and keyrings', () => {
  it('derives kx seed key pairs as BLAKE2b-256(seed) and its X25519 public key', () => {
    const seed = crypto.getRandomValues(new Uint8Array(32));
    const pair = kxSeedKeypair(seed);
    expect(bytesToHex(pair.secretKey)).toBe(bytesToHex(blake2b(seed, { dkLen: 32 })));
    expect(bytesToHex(pair.publicKey)).toBe(bytesToHex(x25519.getPublicKey(pair.secretKey)));
    expectCryptoError(() => kxSeedKeypair(seed.subarray(1)), 'bad_length');
  });

  it('lays Ed25519 keyrings out as seed ‖ public key, and signs and verifies', () => {
    const keyring = generateSigningKeyring();
    expect(keyring.secretKey).toHaveLength(64);
    expect(bytesToHex(keyring.secretKey.subarray(32))).toBe(bytesToHex(keyring.publicKey));
    const seeded = signingKeyringFromSeed(keyring.secretKey.slice(0, 32));
    expect(bytesToHex(seeded.secretKey)).toBe(bytesToHex(keyring.secretKey));
    const message = utf8ToBytes('register this token');
    const signature = signDetached(message, keyring.secretKey);
    expect(ed25519.verify(signature, message, keyring.publicKey)).toBe(true);
    expect(verifyDetached(signature, message, keyring.publicKey)).toBe(true);
    expect(verifyDetached(flipped(signature, 0), message, keyring.publicKey)).toBe(false);
    expect(verifyDetached(signature, utf8ToBytes('another'), keyring.publicKey)).toBe(false);
    expectCryptoError(
      () => verifyDetached(signature.subarray(1), message, keyring.publicKey),
      'bad_length'
    );
    expectCryptoError(() => signDetached(message, keyring.secretKey.subarray(32)), 'bad_length');
  });

  it('converts Ed25519 to X25519 so both halves still form a pair', () => {
    const keyring = generateSigningKeyring();
    const kxSecret = ed25519SecretKeyToX25519(keyring.secretKey);
    expect(bytesToHex(x25519.getPublicKey(kxSecret))).toBe(
      bytesToHex(ed25519PublicKeyToX25519(keyring.publicKey))
    );
    const nobleSecret = ed25519.utils.toMontgomerySecret(keyring.secretKey.subarray(0, 32));
    expect(bytesToHex(kxSecret)).toBe(bytesToHex(nobleSecret));
    expect((kxSecret[0] as number) & 7).toBe(0);
    expect((kxSecret[31] as number) & 0xc0).toBe(0x40);
    const kx = signingKeyringToKx(keyring);
    const envelope = encryptPhV1('to an identity', ed25519PublicKeyToX25519(keyring.publicKey));
    expect(decryptPhV1(envelope, kx.secretKey, kx.publicKey)).toBe('to an identity');
  });

  it('rejects small-order, mixed-order and off-curve Ed25519 public keys', () => {
    for (const encoded of SMALL_ORDER_ED25519) {
      expectCryptoError(() => ed25519PublicKeyToX25519(hexToBytes(encoded)), 'low_order_point');
    }
    const torsion = ed25519.Point.fromBytes(hexToBytes(SMALL_ORDER_ED25519[3] as string));
    const mixed = ed25519.Point.fromBytes(generateSigningKeyring().publicKey).add(torsion);
    expectCryptoError(() => ed25519PublicKeyToX25519(mixed.toBytes()), 'low_order_point');
    const offCurve = new Uint8Array(32);
    offCurve[0] = 2;
    expectCryptoError(() => ed25519PublicKeyToX25519(offCurve), 'invalid_point');
    expectCryptoError(() => ed25519PublicKeyToX25519(new Uint8Array(31)), 'bad_length');
  });

  it('round-trips keyring JSON and rejects mismatched or malformed keyrings', () => {
    const keyring = generateSigningKeyring();
    const json = formatKeyringJson(keyring);
    expect(Object.keys(JSON.parse(json))).toEqual(['publicKey', 'privateKey']);
    expect(bytesToHex(parseKeyringJson(json).secretKey)).toBe(bytesToHex(keyring.secretKey));
    const withSymmetric = JSON.stringify({ symmetricKey: 'ab', ...JSON.parse(json) });
    expect(bytesToHex(parseKeyringJson(withSymmetric).publicKey)).toBe(
      bytesToHex(keyring.publicKey)
    );
    const other = generateSigningKeyring();
    const mismatched = JSON.stringify({
      publicKey: bytesToHex(other.publicKey),
      privateKey: bytesToHex(keyring.secretKey),
    });
    expectCryptoError(() => parseKeyringJson(mismatched), 'key_mismatch');
    expectCryptoError(() => parseKeyringJson('{"publicKey":'), 'bad_format');
    expectCryptoError(() => parseKeyringJson('[]'), 'bad_format');
    expectCryptoError(() => parseKeyringJson('{"publicKey":"00"}'), 'bad_length');
    expectCryptoError(
      () => parseKeyringJson(json.replace(/"privateKey":"../, '"privateKey":"zz')),
      'bad_hex'
    );
  });

  it('splits secrets into XOR shares that join back and are fresh each time', () => {
    const secret = crypto.getRandomValues(new Uint8Array(32));
    const first = splitSecret(secret);
    const second = splitSecret(secret);
    expect(bytesToHex(joinShares(first.shareA, first.shareB))).toBe(bytesToHex(secret));
    expect(bytesToHex(first.shareA)).not.toBe(bytesToHex(second.shareA));
    expectCryptoError(() => splitSecret(secret.subarray(1)), 'bad_length');
    expectCryptoError(() => joinShares(first.shareA, new Uint8Array(31)), 'bad_length');
  });

  it('draws 32-byte environment seeds and salts, and checks the digest salt', () => {
    const { seed, salt } = generateEnvironmentSecrets();
    expect(seed).toHaveLength(32);
    expect(salt).toHaveLength(32);
    expect(bytesToHex(seed)).not.toBe(bytesToHex(salt));
    expectCryptoError(() => keyDigest('KEY', bytesToHex(salt).slice(2)), 'bad_format');
    expectCryptoError(() => keyDigest('KEY', `${bytesToHex(salt).slice(2)}zz`), 'bad_format');
  });
});

describe('encoding, comparison and wiping helpers', () => {
  it('decodes hex in either case and rejects odd, non-hex or wrong-length input', () => {
    expect(bytesToHex(hexToBytes('00fFaA10'))).toBe('00ffaa10');
    expectCryptoError(() => hexToBytes('abc'), 'bad_hex');
    for (const text of ['0g', '0x', ' 0', 'é0', '\u00000'])
      expectCryptoError(() => hexToBytes(text), 'bad_hex');
    expectCryptoError(() => hexToBytes('abcd', 3), 'bad_length');
  });

  it('encodes base64 as the platform does and decodes only canonical padded base64', () => {
    for (let length = 0; length < 8; length++) {
      const bytes = crypto.getRandomValues(new Uint8Array(length));
      const encoded = bytesToBase64(bytes);
      expect(encoded).toBe(btoa(String.fromCharCode(...bytes)));
      expect(bytesToHex(base64ToBytes(encoded))).toBe(bytesToHex(bytes));
    }
    for (const text of ['QQ', 'QR==', 'QUI', 'QUJ=', 'Q===', '-_-_', 'QU I=', 'QQ==QQ==', '====']) {
      expectCryptoError(() => base64ToBytes(text), 'bad_base64');
    }
  });

  it('decodes UTF-8 strictly', () => {
    expect(bytesToUtf8(utf8ToBytes('ü🔑'))).toBe('ü🔑');
    expectCryptoError(() => bytesToUtf8(new Uint8Array([0xc3])), 'bad_utf8');
    expectCryptoError(() => bytesToUtf8(new Uint8Array([0xff, 0x41])), 'bad_utf8');
  });

  it('compares bytes by content and length', () => {
    const a = new Uint8Array([1, 2, 3]);
    expect(constantTimeEqual(a, new Uint8Array([1, 2, 3]))).toBe(true);
    expect(constantTimeEqual(a, new Uint8Array([1, 2, 4]))).toBe(false);
    expect(constantTimeEqual(a, new Uint8Array([1, 2]))).toBe(false);
    expect(constantTimeEqual(new Uint8Array(0), new Uint8Array(0))).toBe(true);
  });

  it('zero-fills buffers and skips undefined ones', () => {
    const a = new Uint8Array([1, 2]);
    const b = new Uint8Array([3]);
    wipe(a, undefined, b);
    expect([...a, ...b]).toEqual([0, 0, 0]);
  });

  it('turns foreign errors into CryptoError and lets CryptoError through', () => {
    expectCryptoError(
      () =>
        guardCrypto('invalid_point', () => {
          throw new RangeError('noble');
        }),
      'invalid_point'
    );
    expectCryptoError(
      () =>
        guardCrypto('invalid_point', () => {
          throw new CryptoError('bad_hex');
        }),
      'bad_hex'
    );
    expect(guardCrypto('bad_format', () => 7)).toBe(7);
  });
});
