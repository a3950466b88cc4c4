/**
 * Environment secrets (phase-reference.md §3.8, §3.4): each environment has a random seed, from
 * which its X25519 key pair derives (`kxSeedKeypair` in keys.ts), and a random salt that keys
 * the digests by which secrets are looked up without decrypting them.
 */
import { blake2b } from '@noble/hashes/blake2.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { bytesToHex, isHex, utf8ToBytes } from './encoding.js';
import { CryptoError } from './errors.js';
import { SEED_BYTES } from './keys.js';

/** Length of an environment salt; its hex form (64 characters) is the digest key. */
export const SALT_BYTES = 32;
/** Length of a key digest. */
export const KEY_DIGEST_BYTES = 32;

/** A new environment's secrets, both 32 random bytes. */
export interface EnvironmentSecrets {
  /** Derives the environment key pair; Phase passes it around as 64 hex. */
  seed: Uint8Array;
  /** Keys the secret-name digests; Phase passes it around as 64 hex. */
  salt: Uint8Array;
}

/**
 * Draws a new environment's seed and salt.
 *
 * @returns Fresh secrets; the caller should wipe both once they are wrapped.
 */
export function generateEnvironmentSecrets(): EnvironmentSecrets {
  return { seed: randomBytes(SEED_BYTES), salt: randomBytes(SALT_BYTES) };
}

/**
 * Phase's key digest: `BLAKE2b-256(message = UTF-8 key, key = UTF-8 bytes of the salt's hex
 * string)`. The BLAKE2b key is the 64 ASCII characters of the hex, not the 32 decoded bytes
 * (phase-reference.md §3.4; see the note in ../shared/vectors/phase-wire.json), so the salt's
 * letter case matters and is used exactly as given.
 *
 * The key is hashed as given. Phase's server-side path uppercases it first while the Node SDK's
 * `create()` does not; callers choose, and store digests they receive exactly as sent.
 *
 * @param key - The secret's name.
 * @param saltHex - The environment salt as 64 hex characters.
 * @returns The digest as 64 lowercase hex characters.
 * @throws {@link CryptoError} `bad_format` when the salt is not 64 hex characters.
 */
export function keyDigest(key: string, saltHex: string): string {
  if (!isHex(saltHex, SALT_BYTES)) {
    throw new CryptoError('bad_format', 'expected the salt as 64 hex characters');
  }
  if (typeof key !== 'string') throw new CryptoError('bad_format', 'expected the key as text');
  return bytesToHex(
    blake2b(utf8ToBytes(key), { dkLen: KEY_DIGEST_BYTES, key: utf8ToBytes(saltHex) })
  );
}
