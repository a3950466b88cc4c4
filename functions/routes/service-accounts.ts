/**
 * `/v1/service-accounts/`: list, create, get, update, delete (phase-rest.md §6.2–6.6).
 */
import { createRoute, z } from '@hono/zod-openapi';
import { requires } from '../middleware/permission';
import { createRouter } from '../middleware/validate';
import {
  createServiceAccount,
  getServiceAccount,
  listOrganisationServiceAccounts,
  updateServiceAccountDetails,
} from '../service-accounts/accounts';
import { deleteServiceAccountById } from '../service-accounts/kms-mode';
import { AUTH_ERRORS, errorResponse, jsonResponse as json, jsonBody } from './schemas';
import {
  CreatedServiceAccountSchema,
  CreateServiceAccountBodySchema,
  ServiceAccountDetailSchema,
  ServiceAccountParams,
  ServiceAccountSchema,
  UpdateServiceAccountBodySchema,
} from './service-account-schemas';

const TAGS = ['Service accounts'];
const NOT_FOUND = { 404: errorResponse('Service account not found') };

const list = createRoute({
  method: 'get',
  path: '/',
  tags: TAGS,
  summary: 'List service accounts, newest first',
  responses: {
    200: json(z.object({ data: z.array(ServiceAccountSchema) }), 'The accounts'),
    ...AUTH_ERRORS,
  },
});

const create = createRoute({
  method: 'post',
  middleware: [requires('create', 'ServiceAccounts')] as const,
  path: '/',
  tags: TAGS,
  summary: 'Create a service account (server-side KMS unless identity_key is given)',
  description:
    'Server-side KMS: the server generates the keyring, keeps it in its KMS envelope and ' +
    'returns the first token once. Client-side KMS: send identity_key and the keyring wrapped ' +
    'to every eligible handler (GET /v1/service-accounts/handlers/); the server never sees it.',
  request: jsonBody(CreateServiceAccountBodySchema),
  responses: {
    201: json(CreatedServiceAccountSchema, 'The account, and its first token once'),
    400: errorResponse('Invalid body or a global-access role'),
    ...AUTH_ERRORS,
    404: errorResponse('Role not found'),
  },
});

const get = createRoute({
  method: 'get',
  path: '/{sa_id}/',
  tags: TAGS,
  summary: 'Get a service account with its tokens and access',
  request: { params: ServiceAccountParams },
  responses: { 200: json(ServiceAccountDetailSchema, 'The account'), ...AUTH_ERRORS, ...NOT_FOUND },
});

const update = createRoute({
  method: 'put',
  middleware: [requires('update', 'ServiceAccounts')] as const,
  path: '/{sa_id}/',
  tags: TAGS,
  summary: 'Rename a service account or change its role',
  request: { params: ServiceAccountParams, ...jsonBody(UpdateServiceAccountBodySchema) },
  responses: {
    200: json(ServiceAccountDetailSchema, 'The account'),
    400: errorResponse('Nothing to change, a blank name or a global-access role'),
    ...AUTH_ERRORS,
    ...NOT_FOUND,
  },
});

const remove = createRoute({
  method: 'delete',
  path: '/{sa_id}/',
  tags: TAGS,
  summary: 'Delete a service account; its tokens fail from the next request',
  request: { params: ServiceAccountParams },
  responses: { 204: { description: 'Deleted' }, ...AUTH_ERRORS, ...NOT_FOUND },
});

export const serviceAccountRoutes = createRouter()
  .openapi(list, async (c) => {
    return c.json({ data: await listOrganisationServiceAccounts(c.var.db, c.var.principal) }, 200);
  })
  .openapi(create, async (c) => {
    const { db, principal, actor } = c.var;
    const created = await createServiceAccount(
      db,
      c.env,
      principal,
      actor,
      c.req.valid('json'),
      Date.now()
    );
    return c.json(created, 201);
  })
  .openapi(get, async (c) => {
    const { sa_id } = c.req.valid('param');
    return c.json(await getServiceAccount(c.var.db, c.var.principal, sa_id), 200);
  })
  .openapi(update, async (c) => {
    const { sa_id } = c.req.valid('param');
    const { db, principal, actor } = c.var;
    const body = c.req.valid('json');
    return c.json(
      await updateServiceAccountDetails(db, principal, actor, sa_id, body, Date.now()),
      200
    );
  })
  .openapi(remove, async (c) => {
    const { sa_id } = c.req.valid('param');
    await deleteServiceAccountById(
      c.var.db,
      c.env,
      c.var.principal,
      c.var.actor,
      sa_id,
      Date.now()
    );
    return c.body(null, 204);
  });
