/**
 * Zero-filling of key material once it is no longer needed (style-anchors G20).
 *
 * Accepted limitation: JavaScript gives no guarantee that this erases the secret. The engine may
 * have copied the bytes during garbage collection or JIT work, and strings derived from them
 * (hex, JSON) cannot be wiped at all. Wiping narrows the window in which a heap disclosure
 * reveals a key; it does not close it.
 */

/**
 * Overwrites each array with zeros. `undefined` entries are skipped so callers can wipe in a
 * `finally` block variables that may not have been assigned yet.
 *
 * @param arrays - The buffers to clear.
 */
export function wipe(...arrays: (Uint8Array | undefined)[]): void {
  for (const array of arrays) array?.fill(0);
}
