/**
 * Reachability of the database, for the health check.
 */

/** True when D1 answers `SELECT 1`; false on any failure, which the caller reports. */
export async function isDatabaseReachable(d1: D1Database): Promise<boolean> {
  try {
    const row = await d1.prepare('SELECT 1 AS ok').first<{ ok: number }>();
    return row?.ok === 1;
  } catch {
    return false;
  }
}
