/**
 * Environment key material (phase-reference.md §3.8). An environment is a seed and a salt; its
 * X25519 key pair derives from the seed. Each holder gets both wrapped (`ph:v1`) to its own
 * X25519 key; for SSE apps the server also keeps them in KMS envelopes so it can encrypt, digest
 * and wrap for new holders. Phase passes seed and salt around as 64-hex strings, so the wraps
 * hold those strings, exactly as the SDKs expect to open them.
 */
import { bytesToHex, bytesToUtf8, hexToBytes, utf8ToBytes } from '../crypto/encoding';
import { generateEnvironmentSecrets } from '../crypto/environment';
import { ed25519PublicKeyToX25519, type KxKeyPair, kxSeedKeypair } from '../crypto/keys';
import {
  envelopeKeyVersion,
  type KmsPurpose,
  rewrapSecret,
  unwrapSecret,
  wrapSecret,
} from '../crypto/kms';
import type { RootKeys } from '../crypto/kms-root-keys';
import { encryptPhV1 } from '../crypto/ph-v1';
import { wipe } from '../crypto/wipe';

/** An environment's seed and salt as Phase handles them: 64-hex strings. */
export interface EnvironmentMaterial {
  seedHex: string;
  saltHex: string;
}

/** The stored, server-side copy of an SSE environment. */
export interface ServerEnvironmentEnvelopes {
  seedEnvelope: string;
  saltEnvelope: string;
  keyVersion: number;
}

const binding = (organisationId: string, environmentId: string, purpose: KmsPurpose) => ({
  organisationId,
  recordId: environmentId,
  purpose,
});

/** The environment's public key (hex), which secrets are encrypted to. */
export function environmentPublicKey(material: EnvironmentMaterial): string {
  const pair = environmentKeyPair(material);
  wipe(pair.secretKey);
  return bytesToHex(pair.publicKey);
}

/** The environment's X25519 key pair; the caller wipes the secret key. */
export function environmentKeyPair(material: EnvironmentMaterial): KxKeyPair {
  const seed = hexToBytes(material.seedHex, 32);
  try {
    return kxSeedKeypair(seed);
  } finally {
    wipe(seed);
  }
}

/** A fresh seed and salt. */
export function newEnvironmentMaterial(): EnvironmentMaterial {
  const { seed, salt } = generateEnvironmentSecrets();
  try {
    return { seedHex: bytesToHex(seed), saltHex: bytesToHex(salt) };
  } finally {
    wipe(seed, salt);
  }
}

/** Seed and salt wrapped for a holder, given the holder's Ed25519 identity key (hex). */
export function wrapForHolder(material: EnvironmentMaterial, identityKeyHex: string) {
  const kxPublic = ed25519PublicKeyToX25519(hexToBytes(identityKeyHex, 32));
  return {
    wrappedSeed: encryptPhV1(material.seedHex, kxPublic),
    wrappedSalt: encryptPhV1(material.saltHex, kxPublic),
  };
}

/** Seed and salt in KMS envelopes bound to the environment. */
export function sealForServer(
  rootKeys: RootKeys,
  organisationId: string,
  environmentId: string,
  material: EnvironmentMaterial
): ServerEnvironmentEnvelopes {
  const seed = utf8ToBytes(material.seedHex);
  const salt = utf8ToBytes(material.saltHex);
  try {
    const seedEnvelope = wrapSecret(
      rootKeys,
      seed,
      binding(organisationId, environmentId, 'environment_seed')
    );
    const saltEnvelope = wrapSecret(
      rootKeys,
      salt,
      binding(organisationId, environmentId, 'environment_salt')
    );
    return { seedEnvelope, saltEnvelope, keyVersion: envelopeKeyVersion(seedEnvelope) };
  } finally {
    wipe(seed, salt);
  }
}

/** Opens the server's copy of an SSE environment. */
export function openServerEnvironment(
  rootKeys: RootKeys,
  organisationId: string,
  environmentId: string,
  envelopes: Pick<ServerEnvironmentEnvelopes, 'seedEnvelope' | 'saltEnvelope'>
): EnvironmentMaterial {
  const open = (envelope: string, purpose: KmsPurpose) => {
    const bytes = unwrapSecret(rootKeys, envelope, binding(organisationId, environmentId, purpose));
    try {
      return bytesToUtf8(bytes);
    } finally {
      wipe(bytes);
    }
  };
  return {
    seedHex: open(envelopes.seedEnvelope, 'environment_seed'),
    saltHex: open(envelopes.saltEnvelope, 'environment_salt'),
  };
}

/** The server's copy re-wrapped under the newest root key (unchanged if it already is). */
export function rewrapServerEnvironment(
  rootKeys: RootKeys,
  organisationId: string,
  environmentId: string,
  envelopes: Pick<ServerEnvironmentEnvelopes, 'seedEnvelope' | 'saltEnvelope'>
): ServerEnvironmentEnvelopes {
  const seedEnvelope = rewrapSecret(
    rootKeys,
    envelopes.seedEnvelope,
    binding(organisationId, environmentId, 'environment_seed')
  );
  const saltEnvelope = rewrapSecret(
    rootKeys,
    envelopes.saltEnvelope,
    binding(organisationId, environmentId, 'environment_salt')
  );
  return { seedEnvelope, saltEnvelope, keyVersion: envelopeKeyVersion(seedEnvelope) };
}
