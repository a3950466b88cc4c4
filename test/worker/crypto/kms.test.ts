import { env } from 'cloudflare:test';
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import {
  base64ToBytes,
  bytesToBase64,
  bytesToHex,
  hexToBytes,
  utf8ToBytes,
} from '../../../functions/crypto/encoding';
import {
  CryptoError,
  type CryptoErrorReason,
  KmsConfigError,
} from '../../../functions/crypto/errors';
import { kxSeedKeypair } from '../../../functions/crypto/keys';
import {
  envelopeKeyVersion,
  type KmsBinding,
  needsRewrap,
  rewrapSecret,
  unwrapSecret,
  wrapSecret,
} from '../../../functions/crypto/kms';
import { loadRootKeys } from '../../../functions/crypto/kms-root-keys';
import { decryptPhV1, encryptPhV1 } from '../../../functions/crypto/ph-v1';
import { serverKxKeyPair, serverPublicKeyHex } from '../../../functions/crypto/server-keys';

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

/** Asserts a KmsConfigError naming `variable`, and returns its message. */
function configErrorMessage(run: () => unknown, variable: string): string {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(KmsConfigError);
  const error = caught as KmsConfigError;
  expect(error.variable).toBe(variable);
  expect(error.message).toContain(variable);
  return error.message;
}

function randomKeyHex(): string {
  return bytesToHex(crypto.getRandomValues(new Uint8Array(32)));
}

const KEY_1 = randomKeyHex();
const KEY_2 = randomKeyHex();
const KEY_3 = randomKeyHex();
const binding: KmsBinding = {
  organisationId: crypto.randomUUID(),
  recordId: crypto.randomUUID(),
  purpose: 'service_account_keyring',
};
const secret = utf8ToBytes('{"publicKey":"…","privateKey":"…"}');

describe('loadRootKeys()', () => {
  it('reads the list from the binding, newest first', () => {
    const rootKeys = loadRootKeys((env as unknown as { KMS_ROOT_KEYS: string }).KMS_ROOT_KEYS);
    expect(rootKeys.currentVersion).toBe(2);
    expect(rootKeys.versions).toEqual([2, 1]);
  });

  it('parses each value once, and a different value afresh', () => {
    const raw = `7:${KEY_2}, 3:${KEY_1}`;
    const first = loadRootKeys(raw);
    expect(first.versions).toEqual([7, 3]);
    expect(loadRootKeys(raw)).toBe(first);
    expect(loadRootKeys(`7:${KEY_2}`)).not.toBe(first);
  });

  it('fails with a KmsConfigError that names the variable but never a key', () => {
    const malformed = [
      undefined,
      '',
      '   ',
      KEY_1,
      `1:${KEY_1.slice(1)}`,
      `1:${KEY_1}zz`,
      `0:${KEY_1}`,
      `-1:${KEY_1}`,
      `01:${KEY_1}`,
      `1.5:${KEY_1}`,
      `99999999999999999999:${KEY_1}`,
      `1:${KEY_1}:${KEY_2}`,
      `2:${KEY_1},`,
      `2:${KEY_1},,1:${KEY_2}`,
      `2:${KEY_1},2:${KEY_2}`,
      `1:${KEY_1},2:${KEY_2}`,
      `1:${'0'.repeat(64)}`,
    ];
    for (const raw of malformed) {
      const message = configErrorMessage(() => loadRootKeys(raw), 'KMS_ROOT_KEYS');
      for (const key of [KEY_1, KEY_2]) {
        for (let start = 0; start + 8 <= key.length; start += 8) {
          expect(message).not.toContain(key.slice(start, start + 8));
        }
      }
    }
  });
});

describe('wrapSecret() / unwrapSecret()', () => {
  const rootKeys = loadRootKeys(`2:${KEY_2},1:${KEY_1}`);

  it('round-trips under the current version for every purpose', () => {
    for (const purpose of ['service_account_keyring', 'environment_seed', 'environment_salt']) {
      const bound = { ...binding, purpose } as KmsBinding;
      const envelope = wrapSecret(rootKeys, secret, bound);
      expect(envelope).toMatch(/^kms:v1:2:[A-Za-z0-9+/]+={0,2}$/);
      expect(envelopeKeyVersion(envelope)).toBe(2);
      expect(bytesToHex(unwrapSecret(rootKeys, envelope, bound))).toBe(bytesToHex(secret));
    }
  });

  it('matches the documented format: HKDF subkey per purpose, length-prefixed AAD', () => {
    const envelope = wrapSecret(rootKeys, secret, binding);
    const payload = base64ToBytes(envelope.split(':')[3] as string);
    const key = hkdf(
      sha256,
      hexToBytes(KEY_2),
      undefined,
      utf8ToBytes('custodian/kms/v1/service_account_keyring'),
      32
    );
    const fields = [
      'custodian/kms/v1',
      '2',
      binding.purpose,
      binding.organisationId,
      binding.recordId,
    ];
    const aad = fields.flatMap((field) => {
      const bytes = utf8ToBytes(field);
      return [0, 0, bytes.length >> 8, bytes.length & 0xff, ...bytes];
    });
    const cipher = xchacha20poly1305(key, payload.subarray(0, 24), new Uint8Array(aad));
    expect(bytesToHex(cipher.decrypt(payload.subarray(24)))).toBe(bytesToHex(secret));
  });

  it('draws a fresh nonce for every wrap', () => {
    const a = wrapSecret(rootKeys, secret, binding);
    const b = wrapSecret(rootKeys, secret, binding);
    expect(a).not.toBe(b);
    expect(a.split(':')[3]?.slice(0, 32)).not.toBe(b.split(':')[3]?.slice(0, 32));
  });

  it('fails with decrypt_failed on a flipped byte or a swapped nonce', () => {
    const envelope = wrapSecret(rootKeys, secret, binding);
    const payload = base64ToBytes(envelope.split(':')[3] as string);
    for (const index of [0, 23, 24, payload.length - 17, payload.length - 1]) {
      const tampered = payload.slice();
      tampered[index] = (tampered[index] as number) ^ 0x80;
      const altered = `kms:v1:2:${bytesToBase64(tampered)}`;
      expectCryptoError(() => unwrapSecret(rootKeys, altered, binding), 'decrypt_failed');
    }
    const other = base64ToBytes(wrapSecret(rootKeys, secret, binding).split(':')[3] as string);
    const swapped = payload.slice();
    swapped.set(other.subarray(0, 24), 0);
    const moved = `kms:v1:2:${bytesToBase64(swapped)}`;
    expectCryptoError(() => unwrapSecret(rootKeys, moved, binding), 'decrypt_failed');
  });

  it('fails with decrypt_failed when moved to another organisation, record or purpose', () => {
    const envelope = wrapSecret(rootKeys, secret, binding);
    const elsewhere: KmsBinding[] = [
      { ...binding, organisationId: crypto.randomUUID() },
      { ...binding, recordId: crypto.randomUUID() },
      { ...binding, purpose: 'environment_seed' },
      { ...binding, purpose: 'environment_salt' },
    ];
    for (const other of elsewhere) {
      expectCryptoError(() => unwrapSecret(rootKeys, envelope, other), 'decrypt_failed');
    }
  });

  it('keeps organisation and record apart even when their concatenation is equal', () => {
    const first: KmsBinding = { ...binding, organisationId: 'org-ab', recordId: 'c' };
    const second: KmsBinding = { ...binding, organisationId: 'org-a', recordId: 'bc' };
    const envelope = wrapSecret(rootKeys, secret, first);
    expectCryptoError(() => unwrapSecret(rootKeys, envelope, second), 'decrypt_failed');
  });

  it('fails when the version in the envelope is edited or no longer configured', () => {
    const envelope = wrapSecret(rootKeys, secret, binding);
    const relabelled = envelope.replace('kms:v1:2:', 'kms:v1:1:');
    expectCryptoError(() => unwrapSecret(rootKeys, relabelled, binding), 'decrypt_failed');
    const older = loadRootKeys(`1:${KEY_1}`);
    expectCryptoError(() => unwrapSecret(older, envelope, binding), 'unknown_key_version');
    const newer = wrapSecret(loadRootKeys(`3:${KEY_3},2:${KEY_2}`), secret, binding);
    expectCryptoError(() => unwrapSecret(rootKeys, newer, binding), 'unknown_key_version');
  });

  it('rejects malformed envelopes and bindings', () => {
    const payload = wrapSecret(rootKeys, secret, binding).split(':')[3] as string;
    const malformed: [string, CryptoErrorReason][] = [
      [`kms:v2:2:${payload}`, 'bad_format'],
      [`ph:v1:2:${payload}`, 'bad_format'],
      [`kms:v1:${payload}`, 'bad_format'],
      [`kms:v1:2:${payload}:x`, 'bad_format'],
      [`kms:v1:0:${payload}`, 'bad_format'],
      [`kms:v1:02:${payload}`, 'bad_format'],
      [`kms:v1:two:${payload}`, 'bad_format'],
      [`kms:v1:2:${payload}=`, 'bad_base64'],
      [`kms:v1:2:-${payload.slice(1)}`, 'bad_base64'],
      ['kms:v1:2:AAAA', 'bad_length'],
      ['', 'bad_format'],
    ];
    for (const [envelope, reason] of malformed) {
      expectCryptoError(() => unwrapSecret(rootKeys, envelope, binding), reason);
    }
    const bad = [
      { ...binding, organisationId: '' },
      { ...binding, recordId: '' },
      { ...binding, purpose: 'session_cookie' as KmsBinding['purpose'] },
    ];
    for (const other of bad)
      expectCryptoError(() => wrapSecret(rootKeys, secret, other), 'bad_format');
  });
});

describe('root-key rotation', () => {
  it('unwraps a v1 envelope after v2 is added, and re-wraps it to v2', () => {
    const before = loadRootKeys(`1:${KEY_1}`);
    const after = loadRootKeys(`2:${KEY_2},1:${KEY_1}`);
    const original = wrapSecret(before, secret, binding);
    expect(envelopeKeyVersion(original)).toBe(1);
    expect(bytesToHex(unwrapSecret(after, original, binding))).toBe(bytesToHex(secret));
    expect(needsRewrap(after, original)).toBe(true);

    const rewrapped = rewrapSecret(after, original, binding);
    expect(envelopeKeyVersion(rewrapped)).toBe(2);
    expect(needsRewrap(after, rewrapped)).toBe(false);
    expect(rewrapSecret(after, rewrapped, binding)).toBe(rewrapped);

    const retired = loadRootKeys(`2:${KEY_2}`);
    expect(bytesToHex(unwrapSecret(retired, rewrapped, binding))).toBe(bytesToHex(secret));
    expectCryptoError(() => unwrapSecret(retired, original, binding), 'unknown_key_version');
  });

  it('refuses to re-wrap an envelope moved to another binding', () => {
    const rootKeys = loadRootKeys(`2:${KEY_2},1:${KEY_1}`);
    const original = wrapSecret(loadRootKeys(`1:${KEY_1}`), secret, binding);
    const moved = { ...binding, recordId: crypto.randomUUID() };
    expectCryptoError(() => rewrapSecret(rootKeys, original, moved), 'decrypt_failed');
  });
});

describe('serverKxKeyPair()', () => {
  const serverSecret = (env as unknown as { SERVER_SECRET: string }).SERVER_SECRET;

  it('is crypto_kx_seed_keypair of the decoded SERVER_SECRET', () => {
    const expected = kxSeedKeypair(hexToBytes(serverSecret, 32));
    const pair = serverKxKeyPair(serverSecret);
    expect(bytesToHex(pair.secretKey)).toBe(bytesToHex(expected.secretKey));
    expect(serverPublicKeyHex(serverSecret)).toBe(bytesToHex(expected.publicKey));
  });

  it('hands out copies, so wiping one leaves the cached pair intact', () => {
    const first = serverKxKeyPair(serverSecret);
    first.secretKey.fill(0);
    first.publicKey.fill(0);
    const second = serverKxKeyPair(serverSecret);
    expect(second.secretKey.some((byte) => byte !== 0)).toBe(true);
    const envelope = encryptPhV1('for the server', hexToBytes(serverPublicKeyHex(serverSecret)));
    expect(decryptPhV1(envelope, second.secretKey, second.publicKey)).toBe('for the server');
  });

  it('follows a change of secret', () => {
    const otherSecret = randomKeyHex();
    expect(serverPublicKeyHex(otherSecret)).not.toBe(serverPublicKeyHex(serverSecret));
    expect(serverPublicKeyHex(otherSecret)).toBe(
      bytesToHex(kxSeedKeypair(hexToBytes(otherSecret)).publicKey)
    );
  });

  it('fails with a KmsConfigError naming SERVER_SECRET, never its value', () => {
    const value = randomKeyHex();
    for (const raw of [undefined, '', value.slice(2), `${value.slice(2)}zz`, `${value}00`]) {
      const message = configErrorMessage(() => serverKxKeyPair(raw), 'SERVER_SECRET');
      expect(message).not.toContain(value.slice(8, 24));
      configErrorMessage(() => serverPublicKeyHex(raw), 'SERVER_SECRET');
    }
  });
});
