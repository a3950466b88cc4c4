// Property tests: our noble-based implementation and libsodium-wrappers (the library the Phase
// SDKs use) agree in both directions for every Phase wire format, and our KMS envelope opens
// with an independent HKDF + libsodium AEAD built from its documented format.
import { hkdfSync } from 'node:crypto';
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { decryptRaw, encryptRaw } from '../../../functions/crypto/blob';
import { bytesToHex, hexToBytes, utf8ToBytes } from '../../../functions/crypto/encoding';
import { keyDigest } from '../../../functions/crypto/environment';
import { CryptoError } from '../../../functions/crypto/errors';
import {
  ed25519PublicKeyToX25519,
  ed25519SecretKeyToX25519,
  kxSeedKeypair,
  signDetached,
  signingKeyringFromSeed,
  verifyDetached,
} from '../../../functions/crypto/keys';
import { KMS_PURPOSES, type KmsBinding, wrapSecret } from '../../../functions/crypto/kms';
import { loadRootKeys } from '../../../functions/crypto/kms-root-keys';
import { decryptPhV1, encryptPhV1 } from '../../../functions/crypto/ph-v1';
import { joinShares, splitSecret } from '../../../functions/crypto/shares';
import { mintTokenMaterial, rebuildKxSecretKey } from '../../../functions/crypto/tokens';

// libsodium-wrappers 0.7.16's ESM entry is broken; its CommonJS entry works.
// biome-ignore lint/suspicious/noExplicitAny: libsodium-wrappers ships no types here.
const sodium: any = createRequire(import.meta.url)('libsodium-wrappers');
const RUNS = { numRuns: 200 };
const ORIGINAL = 1; // sodium.base64_variants.ORIGINAL: standard alphabet, padded

const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
const anyText = fc.string({ unit: 'binary', maxLength: 80 });

beforeAll(async () => {
  await sodium.ready;
});

/** The Phase SDKs' encryptAsymmetric, written with libsodium. */
function sodiumEncryptPhV1(plaintext: string, recipientPk: Uint8Array): string {
  const ephemeral = sodium.crypto_kx_keypair();
  const { sharedTx } = sodium.crypto_kx_client_session_keys(
    ephemeral.publicKey,
    ephemeral.privateKey,
    recipientPk
  );
  const nonce = sodium.randombytes_buf(24);
  const sealed = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
    plaintext,
    null,
    null,
    nonce,
    sharedTx
  );
  const blob = new Uint8Array([...sealed, ...nonce]);
  return `ph:v1:${sodium.to_hex(ephemeral.publicKey)}:${sodium.to_base64(blob, ORIGINAL)}`;
}

/** The Phase SDKs' decryptAsymmetric, written with libsodium. */
function sodiumDecryptPhV1(envelope: string, recipientSk: Uint8Array, recipientPk: Uint8Array) {
  const [, , epkHex, payload] = envelope.split(':') as [string, string, string, string];
  const { sharedRx } = sodium.crypto_kx_server_session_keys(
    recipientPk,
    recipientSk,
    sodium.from_hex(epkHex)
  );
  const blob: Uint8Array = sodium.from_base64(payload, ORIGINAL);
  return sodium.to_string(sodiumDecryptRaw(blob, sharedRx));
}

function sodiumDecryptRaw(blob: Uint8Array, key: Uint8Array): Uint8Array {
  const nonce = blob.subarray(blob.length - 24);
  const sealed = blob.subarray(0, blob.length - 24);
  return sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, sealed, null, nonce, key);
}

function xor(a: Uint8Array, b: Uint8Array): Uint8Array {
  return a.map((byte, i) => byte ^ (b[i] as number));
}

/** The Phase Node SDK's key rebuild (segments 4 and 5; share B is hex text), with libsodium. */
function sodiumRebuild(tokenString: string, wrappedKeyShare: string): Uint8Array {
  const [, , , , shareAHex, wrapKeyHex] = tokenString.split(':') as string[];
  const blob = sodium.from_hex(wrappedKeyShare);
  const shareBHex = sodium.to_string(sodiumDecryptRaw(blob, sodium.from_hex(wrapKeyHex)));
  return xor(sodium.from_hex(shareAHex), sodium.from_hex(shareBHex));
}

/** The Phase console's token minting (generateSAToken), with libsodium. */
function sodiumMint(kxSk: Uint8Array, kxPk: Uint8Array) {
  const [bearer, wrapKey, shareA] = [0, 1, 2].map(() => sodium.randombytes_buf(32));
  const shareBText = sodium.to_hex(xor(shareA, kxSk));
  const nonce = sodium.randombytes_buf(24);
  const sealed = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
    shareBText,
    null,
    null,
    nonce,
    wrapKey
  );
  const hex = [bearer, kxPk, shareA, wrapKey].map((part) => sodium.to_hex(part));
  const wrappedKeyShare: string = sodium.to_hex(new Uint8Array([...sealed, ...nonce]));
  return { tokenString: `pss_service:v2:${hex.join(':')}`, wrappedKeyShare };
}

describe('raw blobs', () => {
  it('ours encrypt, libsodium decrypts', () => {
    fc.assert(
      fc.property(bytes32, fc.uint8Array({ maxLength: 300 }), (key, plaintext) => {
        const opened = sodiumDecryptRaw(encryptRaw(plaintext, key), key);
        expect(bytesToHex(opened)).toBe(bytesToHex(plaintext));
      }),
      RUNS
    );
  });

  it('libsodium encrypts, ours decrypt', () => {
    fc.assert(
      fc.property(bytes32, fc.uint8Array({ maxLength: 300 }), (key, plaintext) => {
        const nonce = sodium.randombytes_buf(24);
        const sealed = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
          plaintext,
          null,
          null,
          nonce,
          key
        );
        const opened = decryptRaw(new Uint8Array([...sealed, ...nonce]), key);
        expect(bytesToHex(opened)).toBe(bytesToHex(plaintext));
      }),
      RUNS
    );
  });
});

describe('ph:v1 envelopes', () => {
  it('ours encrypt to a libsodium seed key pair, libsodium decrypts', () => {
    fc.assert(
      fc.property(bytes32, anyText, (seed, text) => {
        const recipient = sodium.crypto_kx_seed_keypair(seed);
        const envelope = encryptPhV1(text, recipient.publicKey);
        expect(sodiumDecryptPhV1(envelope, recipient.privateKey, recipient.publicKey)).toBe(text);
      }),
      RUNS
    );
  });

  it('libsodium encrypts to our seed key pair, ours decrypt', () => {
    fc.assert(
      fc.property(bytes32, anyText, (seed, text) => {
        const recipient = kxSeedKeypair(seed);
        const envelope = sodiumEncryptPhV1(text, recipient.publicKey);
        expect(decryptPhV1(envelope, recipient.secretKey, recipient.publicKey)).toBe(text);
      }),
      RUNS
    );
  });

  it('agree on which recipient keys have no shared secret', () => {
    const lowOrder = fc.constantFrom(
      ...[
        '0000000000000000000000000000000000000000000000000000000000000000',
        '0100000000000000000000000000000000000000000000000000000000000000',
        'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800',
        '5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157',
        'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
        'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
        'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
        // The same point with the unused top bit set: both sides must ignore that bit.
        'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff',
      ].map((hex) => hexToBytes(hex))
    );
    fc.assert(
      fc.property(fc.oneof(lowOrder, bytes32), bytes32, (publicKey, secretKey) => {
        let sodiumRefuses = false;
        try {
          sodium.crypto_scalarmult(secretKey, publicKey);
        } catch {
          sodiumRefuses = true;
        }
        let oursRefuse = false;
        try {
          encryptPhV1('x', publicKey);
        } catch (error) {
          expect(error).toBeInstanceOf(CryptoError);
          oursRefuse = true;
        }
        expect(oursRefuse).toBe(sodiumRefuses);
      }),
      RUNS
    );
  });
});

describe('key pairs', () => {
  it('environment key pairs equal crypto_kx_seed_keypair', () => {
    fc.assert(
      fc.property(bytes32, (seed) => {
        const theirs = sodium.crypto_kx_seed_keypair(seed);
        const ours = kxSeedKeypair(seed);
        expect(bytesToHex(ours.secretKey)).toBe(sodium.to_hex(theirs.privateKey));
        expect(bytesToHex(ours.publicKey)).toBe(sodium.to_hex(theirs.publicKey));
      }),
      RUNS
    );
  });

  it("Ed25519 keyrings and their X25519 forms equal libsodium's", () => {
    fc.assert(
      fc.property(bytes32, (seed) => {
        const theirs = sodium.crypto_sign_seed_keypair(seed);
        const ours = signingKeyringFromSeed(seed);
        expect(bytesToHex(ours.secretKey)).toBe(sodium.to_hex(theirs.privateKey));
        expect(bytesToHex(ed25519PublicKeyToX25519(ours.publicKey))).toBe(
          sodium.to_hex(sodium.crypto_sign_ed25519_pk_to_curve25519(theirs.publicKey))
        );
        expect(bytesToHex(ed25519SecretKeyToX25519(ours.secretKey))).toBe(
          sodium.to_hex(sodium.crypto_sign_ed25519_sk_to_curve25519(theirs.privateKey))
        );
      }),
      RUNS
    );
  });

  it('signatures verify across both implementations', () => {
    fc.assert(
      fc.property(bytes32, fc.uint8Array({ maxLength: 200 }), (seed, message) => {
        const keyring = signingKeyringFromSeed(seed);
        const ours = signDetached(message, keyring.secretKey);
        expect(sodium.crypto_sign_verify_detached(ours, message, keyring.publicKey)).toBe(true);
        const theirs = sodium.crypto_sign_detached(message, keyring.secretKey);
        expect(verifyDetached(theirs, message, keyring.publicKey)).toBe(true);
        expect(bytesToHex(ours)).toBe(sodium.to_hex(theirs));
      }),
      RUNS
    );
  });

  it('key digests equal crypto_generichash keyed with the salt hex text', () => {
    fc.assert(
      fc.property(anyText, bytes32, fc.boolean(), (key, salt, upper) => {
        const saltHex = upper ? bytesToHex(salt).toUpperCase() : bytesToHex(salt);
        const theirs = sodium.crypto_generichash(32, utf8ToBytes(key), utf8ToBytes(saltHex));
        expect(keyDigest(key, saltHex)).toBe(sodium.to_hex(theirs));
      }),
      RUNS
    );
  });
});

describe('split shares and tokens', () => {
  it('XOR shares join back in either implementation', () => {
    fc.assert(
      fc.property(bytes32, (secret) => {
        const { shareA, shareB } = splitSecret(secret);
        expect(bytesToHex(xor(shareA, shareB))).toBe(bytesToHex(secret));
        const otherA = sodium.randombytes_buf(32);
        expect(bytesToHex(joinShares(otherA, xor(otherA, secret)))).toBe(bytesToHex(secret));
      }),
      RUNS
    );
  });

  it('ours mint, the SDK-style libsodium rebuild recovers the key', () => {
    fc.assert(
      fc.property(bytes32, (seed) => {
        const keyring = sodium.crypto_sign_seed_keypair(seed);
        const kxSk = sodium.crypto_sign_ed25519_sk_to_curve25519(keyring.privateKey);
        const kxPk = sodium.crypto_sign_ed25519_pk_to_curve25519(keyring.publicKey);
        const minted = mintTokenMaterial(kxSk, kxPk, 'ServiceAccount');
        const rebuilt = sodiumRebuild(minted.tokenString, minted.wrappedKeyShare);
        expect(sodium.to_hex(rebuilt)).toBe(sodium.to_hex(kxSk));
        expect(sodium.to_hex(sodium.crypto_scalarmult_base(rebuilt))).toBe(sodium.to_hex(kxPk));
      }),
      RUNS
    );
  });

  it('libsodium mints, ours rebuild the key', () => {
    fc.assert(
      fc.property(bytes32, (seed) => {
        const pair = sodium.crypto_kx_seed_keypair(seed);
        const minted = sodiumMint(pair.privateKey, pair.publicKey);
        const rebuilt = rebuildKxSecretKey(minted.tokenString, minted.wrappedKeyShare);
        expect(bytesToHex(rebuilt)).toBe(sodium.to_hex(pair.privateKey));
      }),
      RUNS
    );
  });
});

describe('KMS envelope', () => {
  const rootKeyHex = bytesToHex(crypto.getRandomValues(new Uint8Array(32)));
  const id = fc.string({ unit: 'binary', minLength: 1, maxLength: 40 });

  it('opens with HKDF-SHA256 (node:crypto) and libsodium XChaCha20-Poly1305 per the format', () => {
    const rootKeys = loadRootKeys(`5:${rootKeyHex}`);
    fc.assert(
      fc.property(id, id, fc.constantFrom(...KMS_PURPOSES), bytes32, (org, record, purpose, pt) => {
        const binding: KmsBinding = { organisationId: org, recordId: record, purpose };
        const envelope = wrapSecret(rootKeys, pt, binding);
        const [kind, format, version, payloadText] = envelope.split(':') as string[];
        expect([kind, format, version]).toEqual(['kms', 'v1', '5']);
        const payload: Uint8Array = sodium.from_base64(payloadText, ORIGINAL);
        const info = `custodian/kms/v1/${purpose}`;
        const key = new Uint8Array(hkdfSync('sha256', hexToBytes(rootKeyHex), '', info, 32));
        const fields = ['custodian/kms/v1', '5', purpose, org, record].map(utf8ToBytes);
        const aad = fields.flatMap((field) => {
          const length = [24, 16, 8, 0].map((shift) => (field.length >>> shift) & 0xff);
          return [...length, ...field];
        });
        const opened = sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
          null,
          payload.subarray(24),
          new Uint8Array(aad),
          payload.subarray(0, 24),
          key
        );
        expect(sodium.to_hex(opened)).toBe(bytesToHex(pt));
      }),
      RUNS
    );
  });
});
