/**
 * `/v1/members/`: list, create, get, change role, remove (phase-rest.md §8).
 */
import { createRoute, z } from '@hono/zod-openapi';
import { requires } from '../middleware/permission';
import { createRouter } from '../middleware/validate';
import {
  changeMemberRole,
  createMember,
  getMember,
  listOrganisationMembers,
  removeOrganisationMember,
} from '../tenancy/members';
import { AUTH_ERRORS, errorResponse, jsonResponse as json, jsonBody } from './schemas';
import {
  ChangeRoleBodySchema,
  CreateMemberBodySchema,
  MemberParams,
  MemberSchema,
  OnceOnlyCredentialsSchema,
} from './tenancy-schemas';

const TAGS = ['Members'];

const list = createRoute({
  method: 'get',
  path: '/',
  tags: TAGS,
  summary: 'List active members, oldest first',
  responses: {
    200: json(z.object({ data: z.array(MemberSchema) }), 'The members'),
    ...AUTH_ERRORS,
  },
});

const create = createRoute({
  method: 'post',
  middleware: [requires('create', 'Members')] as const,
  path: '/',
  tags: TAGS,
  summary: 'Add a member; without identity_key the server makes its keyring and first token',
  request: jsonBody(CreateMemberBodySchema),
  responses: {
    201: json(
      MemberSchema.merge(OnceOnlyCredentialsSchema),
      'The member, and its credentials once'
    ),
    ...AUTH_ERRORS,
    404: errorResponse('Role not found'),
    409: errorResponse('Email already in use'),
  },
});

const get = createRoute({
  method: 'get',
  path: '/{member_id}/',
  tags: TAGS,
  summary: 'Get a member',
  request: { params: MemberParams },
  responses: {
    200: json(MemberSchema, 'The member'),
    ...AUTH_ERRORS,
    404: errorResponse('Member not found'),
  },
});

const update = createRoute({
  method: 'put',
  middleware: [requires('update', 'Members')] as const,
  path: '/{member_id}/',
  tags: TAGS,
  summary: "Change a member's role",
  request: { params: MemberParams, ...jsonBody(ChangeRoleBodySchema) },
  responses: {
    200: json(MemberSchema, 'The member'),
    ...AUTH_ERRORS,
    404: errorResponse('Not found'),
  },
});

const remove = createRoute({
  method: 'delete',
  path: '/{member_id}/',
  tags: TAGS,
  summary: 'Remove a member and revoke its tokens',
  request: { params: MemberParams },
  responses: {
    204: { description: 'Removed' },
    ...AUTH_ERRORS,
    404: errorResponse('Member not found'),
  },
});

export const memberRoutes = createRouter()
  .openapi(list, async (c) => {
    const data = await listOrganisationMembers(c.var.db, c.var.principal);
    return c.json({ data }, 200);
  })
  .openapi(create, async (c) => {
    const body = c.req.valid('json');
    const created = await createMember(c.var.db, c.var.principal, c.var.actor, body, Date.now());
    return c.json(created, 201);
  })
  .openapi(get, async (c) => {
    const { member_id } = c.req.valid('param');
    return c.json(await getMember(c.var.db, c.var.principal, member_id), 200);
  })
  .openapi(update, async (c) => {
    const { member_id } = c.req.valid('param');
    const { role_id } = c.req.valid('json');
    const { db, principal, actor } = c.var;
    return c.json(
      await changeMemberRole(db, principal, actor, member_id, role_id, Date.now()),
      200
    );
  })
  .openapi(remove, async (c) => {
    const { member_id } = c.req.valid('param');
    await removeOrganisationMember(c.var.db, c.var.principal, c.var.actor, member_id, Date.now());
    return c.body(null, 204);
  });
