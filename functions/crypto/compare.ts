/**
 * The one comparison for secrets, MACs, tags, token digests and key material
 * (style-anchors G17). Never compare such values with `===` or by converting them to strings.
 */

/**
 * Compares two byte arrays in time that depends only on their length.
 *
 * Lengths are treated as public: every value compared here has a length fixed by its format, so
 * an early return on a length mismatch reveals nothing an attacker does not already know.
 *
 * @param a - First value.
 * @param b - Second value.
 * @returns True when both arrays hold the same bytes.
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  // Accumulate every byte's difference so the loop never exits on the first mismatch.
  for (let i = 0; i < a.length; i++) difference |= (a[i] as number) ^ (b[i] as number);
  return difference === 0;
}
