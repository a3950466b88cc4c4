/**
 * `/v1/environments/?app_id=…`: list an app's environments; add a custom one (SSE apps).
 */
import { createRoute, z } from '@hono/zod-openapi';
import { createEnvironment, listAppEnvironments } from '../apps/environments';
import { createRouter } from '../middleware/validate';
import { EnvironmentSchema } from './apps';
import { AUTH_ERRORS, errorResponse, jsonBody, jsonResponse } from './schemas';

const Query = z.object({ app_id: z.string().optional() });
const TAGS = ['Environments'];

const list = createRoute({
  method: 'get',
  path: '/',
  tags: TAGS,
  summary: "List an app's environments in display order",
  request: { query: Query },
  responses: {
    200: jsonResponse(z.object({ data: z.array(EnvironmentSchema) }), 'The environments'),
    ...AUTH_ERRORS,
    404: errorResponse('App not found'),
  },
});

const create = createRoute({
  method: 'post',
  path: '/',
  tags: TAGS,
  summary: 'Add a custom environment to an SSE app',
  request: {
    query: Query,
    ...jsonBody(z.object({ name: z.unknown().openapi({ type: 'string' }) })),
  },
  responses: {
    201: jsonResponse(EnvironmentSchema, 'The environment'),
    400: errorResponse('Missing, invalid or duplicate name'),
    ...AUTH_ERRORS,
    404: errorResponse('App not found'),
  },
});

export const environmentRoutes = createRouter()
  .openapi(list, async (c) => {
    const data = await listAppEnvironments(c.var.db, c.var.principal, c.req.valid('query').app_id);
    return c.json({ data }, 200);
  })
  .openapi(create, async (c) => {
    const { db, principal, actor } = c.var;
    const appId = c.req.valid('query').app_id;
    const { name } = c.req.valid('json');
    return c.json(
      await createEnvironment(db, c.env, principal, actor, appId, name, Date.now()),
      201
    );
  });
