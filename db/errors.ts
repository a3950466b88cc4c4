/**
 * Recognising the database's own refusals. A UNIQUE index is the last word on duplicates: a
 * check-then-insert can race, and when it loses, the index refuses the write.
 */

/** Whether `error` (or what it wraps) is a UNIQUE constraint refusal from D1. */
export function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 4; depth++) {
    if (e.message.includes('UNIQUE constraint failed')) return true;
    e = e.cause;
  }
  return false;
}
