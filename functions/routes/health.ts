/**
 * `GET /health`: liveness for load balancers and the first thing `npm run dev` waits for.
 * It answers 200 only when D1 answers a trivial query, so a broken binding shows here first.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { isDatabaseReachable } from '../../db/queries/health';
import packageJson from '../../package.json';
import { ApiError } from '../errors';
import { createRouter } from '../middleware/validate';
import { errorResponse } from './schemas';

const HealthSchema = z
  .object({
    status: z.literal('ok'),
    version: z.string().openapi({ example: '0.1.0' }),
    database: z.literal('reachable'),
  })
  .openapi('Health');

const AliveSchema = z.object({ message: z.string(), status: z.literal('ok') }).openapi('Alive');

// Phase answers its root with this liveness body; clients probing a Phase host probe it here.
const getRoot = createRoute({
  method: 'get',
  path: '/',
  tags: ['Operations'],
  summary: 'Liveness probe, needing no authentication',
  responses: {
    200: { description: 'Alive', content: { 'application/json': { schema: AliveSchema } } },
  },
});

const getHealth = createRoute({
  method: 'get',
  path: '/health',
  tags: ['Operations'],
  summary: 'Report version and database reachability',
  responses: {
    200: {
      description: 'The Worker and D1 are up',
      content: { 'application/json': { schema: HealthSchema } },
    },
    503: errorResponse('D1 did not answer'),
  },
});

const ALIVE_MESSAGE = 'API is alive. Please see /docs for documentation on available endpoints.';

export const healthRoutes = createRouter()
  .openapi(getRoot, (c) => c.json({ message: ALIVE_MESSAGE, status: 'ok' as const }, 200))
  .openapi(getHealth, async (c) => {
    if (!(await isDatabaseReachable(c.env.DB))) {
      throw new ApiError('service_unavailable', 'The database is unreachable.', {
        internal: { reason: 'd1_unreachable' },
      });
    }
    return c.json(
      { status: 'ok' as const, version: packageJson.version, database: 'reachable' as const },
      200
    );
  });
