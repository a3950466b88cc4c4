// Throughput of the crypto module against libsodium-wrappers (the library the Phase SDKs use),
// measured side by side in one run, and the CPU cost of the server-side sequence that creates a
// service account: Ed25519 keyring + KMS wrap + first token. Run: `npm run bench:crypto`.
//
// Each libsodium column does the same work as ours:
// - keyring generation: crypto_sign_keypair;
// - ph:v1 encrypt/decrypt: crypto_kx session keys + XChaCha20-Poly1305, as the Phase SDKs do;
// - token mint: random bearer/share/wrap key, XOR split, XChaCha20-Poly1305 of share B's hex,
//   plus the public-key check (crypto_scalarmult_base) and bearer SHA-256 (node:crypto) ours does;
// - KMS wrap/unwrap: XChaCha20-Poly1305 with the same associated data, the subkey from
//   crypto_kdf_derive_from_key (BLAKE2b) where ours uses HKDF-SHA256.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { bytesToHex, utf8ToBytes } from '../functions/crypto/encoding';
import { formatKeyringJson } from '../functions/crypto/keyring';
import {
  generateSigningKeyring,
  kxSeedKeypair,
  signingKeyringToKx,
} from '../functions/crypto/keys';
import { type KmsBinding, unwrapSecret, wrapSecret } from '../functions/crypto/kms';
import { loadRootKeys } from '../functions/crypto/kms-root-keys';
import { decryptPhV1, encryptPhV1 } from '../functions/crypto/ph-v1';
import { mintTokenMaterial } from '../functions/crypto/tokens';
import { wipe } from '../functions/crypto/wipe';

// biome-ignore lint/suspicious/noExplicitAny: libsodium-wrappers ships no types here.
const sodium: any = createRequire(import.meta.url)('libsodium-wrappers');
await sodium.ready;

const CASE_MS = 500;
const CPU_BUDGET_MS = 5;
const ORIGINAL = 1; // libsodium base64 variant: standard alphabet, padded

/** Runs `operation` for about CASE_MS after a warm-up; returns ops/s and CPU ms per op. */
function measure(operation: () => unknown): { opsPerSecond: number; cpuMsPerOp: number } {
  for (let i = 0; i < 50; i++) operation();
  let iterations = 0;
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < CASE_MS) {
    for (let i = 0; i < 8; i++) operation();
    iterations += 8;
    elapsed = performance.now() - start;
  }
  const cpu = process.cpuUsage(cpuStart);
  return {
    opsPerSecond: (iterations / elapsed) * 1000,
    cpuMsPerOp: (cpu.user + cpu.system) / 1000 / iterations,
  };
}

// Shared fixtures.
const recipient = kxSeedKeypair(crypto.getRandomValues(new Uint8Array(32)));
const plaintext = 'postgres://user:password@db.internal:5432/app';
const rootKeyHex = bytesToHex(crypto.getRandomValues(new Uint8Array(32)));
const rootKeys = loadRootKeys(`2:${rootKeyHex}`);
const rootKey = sodium.from_hex(rootKeyHex);
const binding: KmsBinding = {
  organisationId: crypto.randomUUID(),
  recordId: crypto.randomUUID(),
  purpose: 'service_account_keyring',
};
const keyringJson = utf8ToBytes(formatKeyringJson(generateSigningKeyring()));

function lengthPrefixed(fields: string[]): Uint8Array {
  const parts = fields.map(utf8ToBytes);
  return new Uint8Array(parts.flatMap((part) => [0, 0, part.length >> 8, part.length, ...part]));
}
const aad = lengthPrefixed([
  'custodian/kms/v1',
  '2',
  binding.purpose,
  binding.organisationId,
  binding.recordId,
]);

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function sodiumEncryptPhV1(text: string, recipientPk: Uint8Array): string {
  const eph = sodium.crypto_kx_keypair();
  const { sharedTx } = sodium.crypto_kx_client_session_keys(
    eph.publicKey,
    eph.privateKey,
    recipientPk
  );
  const nonce = sodium.randombytes_buf(24);
  const sealed = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
    text,
    null,
    null,
    nonce,
    sharedTx
  );
  const blob = concat(sealed, nonce);
  return `ph:v1:${sodium.to_hex(eph.publicKey)}:${sodium.to_base64(blob, ORIGINAL)}`;
}

function sodiumDecryptPhV1(envelope: string, sk: Uint8Array, pk: Uint8Array): string {
  const [, , epkHex, payload] = envelope.split(':') as [string, string, string, string];
  const { sharedRx } = sodium.crypto_kx_server_session_keys(pk, sk, sodium.from_hex(epkHex));
  const blob = sodium.from_base64(payload, ORIGINAL);
  const nonce = blob.subarray(blob.length - 24);
  const sealed = blob.subarray(0, blob.length - 24);
  return sodium.to_string(
    sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, sealed, null, nonce, sharedRx)
  );
}

function sodiumMint(kxSk: Uint8Array, kxPk: Uint8Array) {
  const derived = sodium.crypto_scalarmult_base(kxSk);
  if (sodium.compare(derived, kxPk) !== 0) throw new Error('key mismatch');
  const bearer = sodium.randombytes_buf(32);
  const wrapKey = sodium.randombytes_buf(32);
  const shareA = sodium.randombytes_buf(32);
  const shareB = new Uint8Array(32);
  for (let i = 0; i < 32; i++) shareB[i] = shareA[i] ^ (kxSk[i] as number);
  const nonce = sodium.randombytes_buf(24);
  const text = sodium.to_hex(shareB);
  const sealed = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
    text,
    null,
    null,
    nonce,
    wrapKey
  );
  const wrapped = sodium.to_hex(concat(sealed, nonce));
  const hexes = [bearer, kxPk, shareA, wrapKey].map((part) => sodium.to_hex(part));
  const digest = createHash('sha256').update(bearer).digest('hex');
  sodium.memzero(wrapKey);
  sodium.memzero(shareA);
  sodium.memzero(shareB);
  return { tokenString: `pss_service:v2:${hexes.join(':')}`, wrapped, digest };
}

function sodiumKmsWrap(message: Uint8Array): string {
  const key = sodium.crypto_kdf_derive_from_key(32, 1, 'kms_v1__', rootKey);
  const nonce = sodium.randombytes_buf(24);
  const sealed = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(message, aad, null, nonce, key);
  sodium.memzero(key);
  return `kms:v1:2:${sodium.to_base64(concat(nonce, sealed), ORIGINAL)}`;
}

function sodiumKmsUnwrap(envelope: string): Uint8Array {
  const payload = sodium.from_base64(envelope.split(':')[3], ORIGINAL);
  const key = sodium.crypto_kdf_derive_from_key(32, 1, 'kms_v1__', rootKey);
  const opened = sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
    null,
    payload.subarray(24),
    aad,
    payload.subarray(0, 24),
    key
  );
  sodium.memzero(key);
  return opened;
}

/** The server-side creation path: keyring, KMS-wrapped keyring JSON, first token. */
function oursCreateServiceAccount(): void {
  const keyring = generateSigningKeyring();
  const json = utf8ToBytes(formatKeyringJson(keyring));
  wrapSecret(rootKeys, json, binding);
  const kx = signingKeyringToKx(keyring);
  mintTokenMaterial(kx.secretKey, kx.publicKey, 'ServiceAccount');
  wipe(keyring.secretKey, json, kx.secretKey);
}

function sodiumCreateServiceAccount(): void {
  const keyring = sodium.crypto_sign_keypair();
  const json = JSON.stringify({
    publicKey: sodium.to_hex(keyring.publicKey),
    privateKey: sodium.to_hex(keyring.privateKey),
  });
  sodiumKmsWrap(sodium.from_string(json));
  const kxSk = sodium.crypto_sign_ed25519_sk_to_curve25519(keyring.privateKey);
  const kxPk = sodium.crypto_scalarmult_base(kxSk);
  sodiumMint(kxSk, kxPk);
}

const ourEnvelope = encryptPhV1(plaintext, recipient.publicKey);
const ourKms = wrapSecret(rootKeys, keyringJson, binding);
const theirKms = sodiumKmsWrap(keyringJson);
const cases: [string, () => unknown, () => unknown][] = [
  ['keyring generation', generateSigningKeyring, () => sodium.crypto_sign_keypair()],
  [
    'ph:v1 encrypt',
    () => encryptPhV1(plaintext, recipient.publicKey),
    () => sodiumEncryptPhV1(plaintext, recipient.publicKey),
  ],
  [
    'ph:v1 decrypt',
    () => decryptPhV1(ourEnvelope, recipient.secretKey, recipient.publicKey),
    () => sodiumDecryptPhV1(ourEnvelope, recipient.secretKey, recipient.publicKey),
  ],
  [
    'token mint',
    () => mintTokenMaterial(recipient.secretKey, recipient.publicKey, 'ServiceAccount'),
    () => sodiumMint(recipient.secretKey, recipient.publicKey),
  ],
  ['KMS wrap', () => wrapSecret(rootKeys, keyringJson, binding), () => sodiumKmsWrap(keyringJson)],
  ['KMS unwrap', () => unwrapSecret(rootKeys, ourKms, binding), () => sodiumKmsUnwrap(theirKms)],
  ['create SA sequence', oursCreateServiceAccount, sodiumCreateServiceAccount],
];

const format = (n: number) => Math.round(n).toLocaleString('en-US').padStart(12);
console.log(`crypto bench (${CASE_MS} ms per case per implementation, Node ${process.version})\n`);
console.log(
  `${'operation'.padEnd(22)}${'ours ops/s'.padStart(12)}${'libsodium'.padStart(12)}  ratio`
);
const results = new Map<string, { ours: number; theirs: number }>();
for (const [name, ours, theirs] of cases) {
  const a = measure(ours);
  const b = measure(theirs);
  results.set(name, { ours: a.cpuMsPerOp, theirs: b.cpuMsPerOp });
  const ratio = (a.opsPerSecond / b.opsPerSecond).toFixed(2);
  console.log(`${name.padEnd(22)}${format(a.opsPerSecond)}${format(b.opsPerSecond)}  ${ratio}x`);
}

const sequence = results.get('create SA sequence');
if (sequence) {
  const verdict = sequence.ours < CPU_BUDGET_MS ? 'yes' : 'NO';
  console.log(
    `\ncreate SA sequence (Ed25519 keyring + KMS wrap + first token), CPU per operation:\n` +
      `  ours ${sequence.ours.toFixed(3)} ms, libsodium ${sequence.theirs.toFixed(3)} ms; ` +
      `ours under ${CPU_BUDGET_MS} ms: ${verdict}`
  );
}
