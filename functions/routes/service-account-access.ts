/**
 * `PUT /v1/service-accounts/{sa_id}/access/` (phase-rest.md §6.7): the declarative list of apps
 * and environments a service account holds keys for.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { requires } from '../middleware/permission';
import { createRouter } from '../middleware/validate';
import { setServiceAccountAccess } from '../service-accounts/access';
import { AUTH_ERRORS, errorResponse, jsonBody, jsonResponse } from './schemas';
import { ServiceAccountDetailSchema, ServiceAccountParams } from './service-account-schemas';

const AccessBody = z.object({
  apps: z.array(z.object({ id: z.string(), environments: z.array(z.string()) }), {
    error: 'Missing required field: apps',
  }),
});

const put = createRoute({
  method: 'put',
  middleware: [requires('update', 'ServiceAccounts')] as const,
  path: '/{sa_id}/access/',
  tags: ['Service accounts'],
  summary: 'Set the complete set of apps and environments an account holds keys for',
  request: { params: ServiceAccountParams, ...jsonBody(AccessBody) },
  responses: {
    200: jsonResponse(ServiceAccountDetailSchema, 'The account with its new access'),
    400: errorResponse('Invalid body, or an app that is not SSE'),
    ...AUTH_ERRORS,
    404: errorResponse('Account, app or environment not found'),
  },
});

export const serviceAccountAccessRoutes = createRouter().openapi(put, async (c) => {
  const { db, principal, actor } = c.var;
  const { sa_id } = c.req.valid('param');
  const { apps } = c.req.valid('json');
  return c.json(
    await setServiceAccountAccess(db, c.env, principal, actor, sa_id, apps, Date.now()),
    200
  );
});
