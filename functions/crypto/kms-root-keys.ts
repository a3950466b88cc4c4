/**
 * The KMS root keys, read from the `KMS_ROOT_KEYS` Worker secret: a comma-separated list of
 * `<version>:<64 hex>`, newest first, for example `3:<hex>,2:<hex>`. The first entry wraps
 * everything new; older entries stay only to unwrap what they wrapped until it is re-wrapped.
 *
 * There is no built-in default key: a missing or malformed list fails at first use with a
 * {@link KmsConfigError} that names the variable and, at most, an entry's position or version,
 * never key material. The list is parsed once per isolate and value.
 *
 * Key bytes never leave this module and kms.ts: {@link RootKeys} exposes versions only, and the
 * bytes sit in a module-private map that callers cannot reach to copy or wipe by mistake.
 */
import { hexToBytes, isHex } from './encoding.js';
import { KmsConfigError } from './errors.js';
import { memoiseBySecret } from './memo.js';

const VARIABLE = 'KMS_ROOT_KEYS';
/** Root key length. */
export const ROOT_KEY_BYTES = 32;
const VERSION_PATTERN = /^[1-9][0-9]*$/;

/** A parsed root-key list. Holds versions only; the key bytes are private to the KMS. */
export interface RootKeys {
  /** The version that wraps new envelopes: the first entry. */
  readonly currentVersion: number;
  /** Every configured version, newest first. */
  readonly versions: readonly number[];
}

const keyBytesOf = new WeakMap<RootKeys, ReadonlyMap<number, Uint8Array>>();

/** One entry `<version>:<hex>` at 1-based `position`; errors name the position only. */
function parseEntry(entry: string, position: number): [number, Uint8Array] {
  const [versionText, keyHex, ...rest] = entry.trim().split(':');
  if (versionText === undefined || keyHex === undefined || rest.length > 0) {
    throw new KmsConfigError(VARIABLE, `entry ${position} is not <version>:<64 hex>`);
  }
  const version = Number(versionText);
  if (!VERSION_PATTERN.test(versionText) || !Number.isSafeInteger(version)) {
    throw new KmsConfigError(
      VARIABLE,
      `entry ${position} has a version that is not a positive safe integer`
    );
  }
  if (!isHex(keyHex, ROOT_KEY_BYTES)) {
    throw new KmsConfigError(VARIABLE, `entry ${position} has a key that is not 64 hex characters`);
  }
  const key = hexToBytes(keyHex, ROOT_KEY_BYTES);
  if (key.reduce((any, byte) => any | byte, 0) === 0) {
    throw new KmsConfigError(VARIABLE, `entry ${position} has an all-zero key`);
  }
  return [version, key];
}

/** Parses and checks the whole list; only reached through the memoised loader. */
function parseRootKeyList(raw: string): RootKeys {
  const keys = new Map<number, Uint8Array>();
  const versions: number[] = [];
  raw.split(',').forEach((entry, index) => {
    const [version, key] = parseEntry(entry, index + 1);
    if (keys.has(version)) throw new KmsConfigError(VARIABLE, `lists version ${version} twice`);
    const previous = versions[versions.length - 1];
    // Newest first is what makes the first entry the current key; a list in another order is
    // far more likely a mistake (a new key appended at the end) than an intent.
    if (previous !== undefined && version > previous) {
      throw new KmsConfigError(VARIABLE, 'must list versions newest first (descending)');
    }
    keys.set(version, key);
    versions.push(version);
  });
  const rootKeys: RootKeys = Object.freeze({
    currentVersion: versions[0] as number,
    versions: Object.freeze(versions),
  });
  keyBytesOf.set(rootKeys, keys);
  return rootKeys;
}

const loadRootKeyList = memoiseBySecret(parseRootKeyList);

/**
 * Parses `KMS_ROOT_KEYS`, once per isolate and value.
 *
 * @param raw - The binding's value; whitespace around entries is ignored.
 * @returns The parsed list (versions only; see {@link RootKeys}).
 * @throws {@link KmsConfigError} naming KMS_ROOT_KEYS when it is missing, empty, has a malformed
 *   entry, a non-positive or duplicate version, an all-zero key, or is not newest first.
 */
export function loadRootKeys(raw: string | undefined): RootKeys {
  if (typeof raw !== 'string' || raw.trim() === '')
    throw new KmsConfigError(VARIABLE, 'is not set');
  return loadRootKeyList(raw.trim());
}

/**
 * The key bytes of one version, for the envelope code in kms.ts only. The returned array is the
 * cached key: callers must not wipe or expose it.
 *
 * @param rootKeys - A list from {@link loadRootKeys}.
 * @param version - The version wanted.
 * @returns The 32-byte key, or undefined when the list has no such version.
 */
export function rootKeyBytes(rootKeys: RootKeys, version: number): Uint8Array | undefined {
  return keyBytesOf.get(rootKeys)?.get(version);
}
