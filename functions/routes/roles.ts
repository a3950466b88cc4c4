/**
 * `/v1/roles/`: list, get, and custom-role create, update, delete (phase-rest.md §7).
 */
import { createRoute, z } from '@hono/zod-openapi';
import { requires } from '../middleware/permission';
import { createRouter } from '../middleware/validate';
import { createRole, editRole, getRole, listOrganisationRoles, removeRole } from '../tenancy/roles';
import { AUTH_ERRORS, errorResponse, jsonResponse as json, jsonBody } from './schemas';
import { RoleBodySchema, RoleDetailSchema, RoleParams, RoleSchema } from './tenancy-schemas';

const TAGS = ['Roles'];
const NOT_FOUND = { 404: errorResponse('Role not found') };

const list = createRoute({
  method: 'get',
  path: '/',
  tags: TAGS,
  summary: 'List managed and custom roles, oldest first',
  responses: { 200: json(z.object({ data: z.array(RoleSchema) }), 'The roles'), ...AUTH_ERRORS },
});

const create = createRoute({
  method: 'post',
  middleware: [requires('create', 'Roles')] as const,
  path: '/',
  tags: TAGS,
  summary: 'Create a custom role',
  request: jsonBody(RoleBodySchema),
  responses: {
    201: json(RoleDetailSchema, 'The role'),
    400: errorResponse('Invalid name, description, colour or permissions'),
    ...AUTH_ERRORS,
    409: errorResponse('A role with this name already exists'),
  },
});

const get = createRoute({
  method: 'get',
  path: '/{role_id}/',
  tags: TAGS,
  summary: 'Get a role with its permissions',
  request: { params: RoleParams },
  responses: { 200: json(RoleDetailSchema, 'The role'), ...AUTH_ERRORS, ...NOT_FOUND },
});

const update = createRoute({
  method: 'put',
  middleware: [requires('update', 'Roles')] as const,
  path: '/{role_id}/',
  tags: TAGS,
  summary: 'Update a custom role; permissions are replaced in full',
  request: { params: RoleParams, ...jsonBody(RoleBodySchema) },
  responses: {
    200: json(RoleDetailSchema, 'The role'),
    ...AUTH_ERRORS,
    ...NOT_FOUND,
    409: errorResponse('A role with this name already exists'),
  },
});

const remove = createRoute({
  method: 'delete',
  path: '/{role_id}/',
  tags: TAGS,
  summary: 'Delete a custom role nobody holds',
  request: { params: RoleParams },
  responses: {
    204: { description: 'Deleted' },
    ...AUTH_ERRORS,
    ...NOT_FOUND,
    409: errorResponse('The role is still assigned'),
  },
});

export const roleRoutes = createRouter()
  .openapi(list, async (c) =>
    c.json({ data: await listOrganisationRoles(c.var.db, c.var.principal) }, 200)
  )
  .openapi(create, async (c) => {
    const role = await createRole(
      c.var.db,
      c.var.principal,
      c.var.actor,
      c.req.valid('json'),
      Date.now()
    );
    return c.json(role, 201);
  })
  .openapi(get, async (c) => {
    const { role_id } = c.req.valid('param');
    return c.json(await getRole(c.var.db, c.var.principal, role_id), 200);
  })
  .openapi(update, async (c) => {
    const { role_id } = c.req.valid('param');
    const { db, principal, actor } = c.var;
    return c.json(
      await editRole(db, principal, actor, role_id, c.req.valid('json'), Date.now()),
      200
    );
  })
  .openapi(remove, async (c) => {
    const { role_id } = c.req.valid('param');
    await removeRole(c.var.db, c.var.principal, c.var.actor, role_id, Date.now());
    return c.body(null, 204);
  });
