/**
 * Once-per-isolate parsing of Worker secrets. A Worker isolate serves many requests with the
 * same bindings, so a secret is parsed and its keys derived on first use only; the cache is
 * keyed on the SHA-256 of the value so that a different value (another test environment, a
 * rotated secret) is parsed afresh rather than answered from a stale entry. Only the digest is
 * compared, in constant time; failures are not cached, so a bad value fails on every use.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { constantTimeEqual } from './compare.js';
import { utf8ToBytes } from './encoding.js';

/**
 * Wraps a parser of a secret string with a one-entry cache keyed on the value's digest.
 *
 * @param parse - Builds the parsed form; may throw, in which case nothing is cached.
 * @returns A function returning the cached result while the value is unchanged.
 */
export function memoiseBySecret<T>(parse: (value: string) => T): (value: string) => T {
  let cachedDigest: Uint8Array | undefined;
  let cachedResult: T | undefined;
  return (value) => {
    const digest = sha256(utf8ToBytes(value));
    if (cachedDigest !== undefined && constantTimeEqual(digest, cachedDigest)) {
      return cachedResult as T;
    }
    const result = parse(value);
    cachedDigest = digest;
    cachedResult = result;
    return result;
  };
}
