/**
 * `/v1/network-access-policies/` and the attachment of policies to members and service accounts
 * (`PUT .../network-policies/`, the full desired set).
 */
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../env';
import { clientAddress } from '../middleware/auth';
import { requires } from '../middleware/permission';
import { createRouter } from '../middleware/validate';
import {
  attachPolicies,
  createPolicy,
  editPolicy,
  getPolicy,
  listOrganisationPolicies,
  removePolicy,
} from '../network/policies';
import { optionalText, requiredText } from './fields';
import { AUTH_ERRORS, errorResponse, jsonResponse as json, jsonBody } from './schemas';

const TAGS = ['Network access policies'];
const PolicySchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    allowedIps: z.array(z.string()),
    isGlobal: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('NetworkAccessPolicy');
const IPS = z.unknown().openapi({
  type: 'array',
  items: { type: 'string' },
  description: 'IPv4/IPv6 addresses and CIDR ranges',
});
const FORCE = z
  .boolean()
  .optional()
  .openapi({ description: 'Apply even if it blocks your own address' });
const CreateBody = z.object({
  name: requiredText('name', 64),
  allowed_ips: IPS,
  is_global: z.boolean().optional(),
  force: FORCE,
});
const UpdateBody = z.object({
  name: optionalText('name', 64),
  allowed_ips: IPS.optional(),
  is_global: z.boolean().optional(),
  force: FORCE,
});
const AttachBody = z.object({ policy_ids: z.array(z.string()) });
const Params = z.object({ policy_id: z.string() });
const NOT_FOUND = { 404: errorResponse('Policy not found') };
const LOCKOUT = { 409: errorResponse('Would block your own address; send force: true') };

const list = createRoute({
  method: 'get',
  path: '/network-access-policies/',
  tags: TAGS,
  summary: 'List policies',
  responses: {
    200: json(z.object({ data: z.array(PolicySchema) }), 'The policies'),
    ...AUTH_ERRORS,
  },
});
const create = createRoute({
  method: 'post',
  middleware: [requires('create', 'NetworkAccessPolicies')] as const,
  path: '/network-access-policies/',
  tags: TAGS,
  summary: 'Create a policy',
  request: jsonBody(CreateBody),
  responses: {
    201: json(PolicySchema, 'The policy'),
    400: errorResponse('A bad entry, named'),
    ...AUTH_ERRORS,
    ...LOCKOUT,
  },
});
const get = createRoute({
  method: 'get',
  path: '/network-access-policies/{policy_id}/',
  tags: TAGS,
  summary: 'Get a policy',
  request: { params: Params },
  responses: { 200: json(PolicySchema, 'The policy'), ...AUTH_ERRORS, ...NOT_FOUND },
});
const update = createRoute({
  method: 'put',
  middleware: [requires('update', 'NetworkAccessPolicies')] as const,
  path: '/network-access-policies/{policy_id}/',
  tags: TAGS,
  summary: 'Update a policy',
  request: { params: Params, ...jsonBody(UpdateBody) },
  responses: { 200: json(PolicySchema, 'The policy'), ...AUTH_ERRORS, ...NOT_FOUND, ...LOCKOUT },
});
const remove = createRoute({
  method: 'delete',
  path: '/network-access-policies/{policy_id}/',
  tags: TAGS,
  summary: 'Delete a policy',
  request: { params: Params },
  responses: { 204: { description: 'Deleted' }, ...AUTH_ERRORS, ...NOT_FOUND },
});
const attach = (kind: 'members' | 'service-accounts') =>
  createRoute({
    method: 'put',
    path: `/${kind}/{id}/network-policies/`,
    middleware: [requires('update', 'Members')] as const,
    tags: TAGS,
    summary: `Set the policies attached to one of the ${kind.replace('-', ' ')} ([] detaches all)`,
    request: { params: z.object({ id: z.string() }), ...jsonBody(AttachBody) },
    responses: {
      200: json(z.object({ data: z.array(PolicySchema) }), 'Attached'),
      ...AUTH_ERRORS,
      404: errorResponse('Not found'),
    },
  });

const address = (c: Context<AppEnv>) => clientAddress(c.req, c.env.CLIENT_IP_HEADER);

export const networkPolicyRoutes = createRouter()
  .openapi(list, async (c) =>
    c.json({ data: await listOrganisationPolicies(c.var.db, c.var.principal) }, 200)
  )
  .openapi(create, async (c) => {
    const { db, principal, actor } = c.var;
    return c.json(
      await createPolicy(db, principal, actor, address(c), c.req.valid('json'), Date.now()),
      201
    );
  })
  .openapi(get, async (c) =>
    c.json(await getPolicy(c.var.db, c.var.principal, c.req.valid('param').policy_id), 200)
  )
  .openapi(update, async (c) => {
    const { db, principal, actor } = c.var;
    const id = c.req.valid('param').policy_id;
    return c.json(
      await editPolicy(db, principal, actor, address(c), id, c.req.valid('json'), Date.now()),
      200
    );
  })
  .openapi(remove, async (c) => {
    await removePolicy(
      c.var.db,
      c.var.principal,
      c.var.actor,
      c.req.valid('param').policy_id,
      Date.now()
    );
    return c.body(null, 204);
  })
  .openapi(attach('members'), async (c) => {
    const { db, principal, actor } = c.var;
    const holder = { memberId: c.req.valid('param').id };
    const ids = c.req.valid('json').policy_ids;
    return c.json(
      { data: await attachPolicies(db, principal, actor, holder, ids, Date.now()) },
      200
    );
  })
  .openapi(attach('service-accounts'), async (c) => {
    const { db, principal, actor } = c.var;
    const holder = { serviceAccountId: c.req.valid('param').id };
    const ids = c.req.valid('json').policy_ids;
    return c.json(
      { data: await attachPolicies(db, principal, actor, holder, ids, Date.now()) },
      200
    );
  });
