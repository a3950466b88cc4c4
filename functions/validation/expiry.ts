/**
 * Token expiry as Phase's REST API takes it (phase-rest.md §6.8): `expires_at`, an ISO-8601
 * datetime that must carry its offset and lie in the future, or `expires_in`, positive whole
 * seconds; `expires_at` wins when both come, and neither means "never expires". The old field
 * name `expiry` is refused so a misspelt request cannot mint an immortal token by accident.
 */

export type ExpiryResult =
  | { ok: true; expiresAtMs: number | null }
  | { ok: false; message: string };

const DATE = String.raw`(\d{4})-(\d{2})-(\d{2})`;
const TIME = String.raw`(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?`;
const OFFSET = String.raw`(Z|z|[+-]\d{2}:?\d{2})?`;
const ISO_DATETIME = new RegExp(`^${DATE}[Tt ]${TIME}${OFFSET}$`);

const fail = (message: string): ExpiryResult => ({ ok: false, message });

/** Parses an ISO-8601 datetime with offset to epoch milliseconds, or says what is wrong. */
export function parseIsoWithOffset(text: string): { ms: number } | { error: string } {
  const m = ISO_DATETIME.exec(text);
  if (!m) return { error: "'expires_at' is not a valid ISO-8601 datetime." };
  const [, y, mo, d, h, mi, s = '0', frac = '0', offset] = m;
  const fields = [y, mo, d, h, mi, s].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const [year, month, day, hour, minute, second] = fields;
  const ms = Number(frac.padEnd(3, '0').slice(0, 3));
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  const check = new Date(utc);
  // Date.UTC rolls 31 April into 1 May; a round trip exposes such dates as invalid.
  if (
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    return { error: "'expires_at' is not a valid ISO-8601 datetime." };
  }
  if (!offset)
    return { error: "'expires_at' must include a timezone offset (e.g. 'Z' or '+00:00')." };
  if (offset === 'Z' || offset === 'z') return { ms: utc };
  const sign = offset.startsWith('-') ? -1 : 1;
  const digits = offset.slice(1).replace(':', '');
  const offsetMinutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2));
  return { ms: utc - sign * offsetMinutes * 60_000 };
}

/** Reads `expires_at` / `expires_in` (and refuses `expiry`) from a request body. */
export function parseExpiry(body: Record<string, unknown>, nowMs: number): ExpiryResult {
  if ('expiry' in body) {
    return fail(
      "Unknown field 'expiry'. Use 'expires_at' (ISO-8601 with timezone) or " +
        "'expires_in' (positive integer seconds)."
    );
  }
  const at = body.expires_at;
  if (at !== undefined && at !== null) {
    if (typeof at !== 'string') {
      return fail(
        "'expires_at' must be an ISO-8601 datetime string with timezone " +
          "(e.g. '2026-12-31T23:59:59Z')."
      );
    }
    const parsed = parseIsoWithOffset(at.trim());
    if ('error' in parsed) return fail(parsed.error);
    if (parsed.ms <= nowMs) return fail("'expires_at' must be in the future.");
    return { ok: true, expiresAtMs: parsed.ms };
  }
  const inSeconds = body.expires_in;
  if (inSeconds !== undefined && inSeconds !== null) {
    if (typeof inSeconds !== 'number' || !Number.isSafeInteger(inSeconds) || inSeconds <= 0) {
      return fail("'expires_in' must be a positive integer (seconds).");
    }
    return { ok: true, expiresAtMs: nowMs + inSeconds * 1000 };
  }
  return { ok: true, expiresAtMs: null };
}
