/**
 * The floor the benchmark compares against: the cheapest useful thing the Worker can do, one
 * D1 read by primary key, behind the same middleware pipeline as every API route.
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../functions/env';

/** The floor route's path; the organisation id goes in `?id=`. */
export const FLOOR_PATH = '/__bench/floor/';

/** Adds `GET /__bench/floor/?id=<organisation id>`, present only in the benchmark build. */
export function mountFloor(app: OpenAPIHono<AppEnv>): void {
  app.get(FLOOR_PATH, async (c) => {
    const id = c.req.query('id') ?? '';
    // all() rather than first(): same single round trip, and D1 returns its metadata with it.
    const { results } = await c.env.DB.prepare('SELECT * FROM organisations WHERE id = ?')
      .bind(id)
      .all();
    const row = results[0];
    return row ? c.json(row, 200) : c.json({ error: 'Not found.', code: 'not_found' }, 404);
  });
}
