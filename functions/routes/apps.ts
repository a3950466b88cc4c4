/**
 * `/v1/apps/`: create (SSE, with Development, Staging and Production unless named otherwise),
 * list, get, update, delete (phase-rest.md §3).
 */
import { createRoute, z } from '@hono/zod-openapi';
import { createApp, editApp, getApp, listVisibleApps, removeApp } from '../apps/apps';
import { requires } from '../middleware/permission';
import { createRouter } from '../middleware/validate';
import { clearableText, optionalText, requiredText } from './fields';
import { AUTH_ERRORS, errorResponse, jsonResponse as json, jsonBody } from './schemas';

const TAGS = ['Apps'];
const ISO = z.string();
const ENV_NAME = /^[a-zA-Z0-9\-_]{1,64}$/;

export const EnvironmentSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    envType: z.string(),
    index: z.number(),
    createdAt: ISO,
    updatedAt: ISO,
  })
  .openapi('Environment');
const AppSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    description: z.string().nullable(),
    sseEnabled: z.boolean(),
    createdAt: ISO,
    updatedAt: ISO,
  })
  .openapi('App');
const AppDetailSchema = AppSchema.extend({ environments: z.array(EnvironmentSchema) }).openapi(
  'AppDetail'
);

const CreateBody = z.object({
  name: requiredText('name', 64),
  description: optionalText('description', 10_000),
  environments: z
    .array(
      z
        .string()
        .trim()
        .regex(ENV_NAME, 'Environment names may use letters, digits, - and _ (at most 64).')
    )
    .min(1, "'environments' must not be empty.")
    .refine(
      (names) => new Set(names.map((n) => n.toLowerCase())).size === names.length,
      'Environment names must be unique.'
    )
    .optional(),
  client_environments: z
    .array(
      z.object({
        name: z.string().regex(ENV_NAME),
        identity_key: z.string(),
        wrapped_seed: z.string(),
        wrapped_salt: z.string(),
      })
    )
    .min(1)
    .optional()
    .openapi({
      description:
        'End-to-end encrypted app: each environment made by the client, its seed and salt ' +
        'wrapped (ph:v1) to the caller. The server never sees a seed.',
    }),
});
const UpdateBody = z.object({
  name: optionalText('name', 64),
  description: clearableText('description', 10_000),
});
const Params = z.object({ app_id: z.string() });
const NOT_FOUND = { 404: errorResponse('App not found') };

const list = createRoute({
  method: 'get',
  path: '/',
  tags: TAGS,
  summary: 'List the apps you can reach',
  responses: { 200: json(z.object({ data: z.array(AppSchema) }), 'The apps'), ...AUTH_ERRORS },
});
const create = createRoute({
  method: 'post',
  middleware: [requires('create', 'Apps')] as const,
  path: '/',
  tags: TAGS,
  summary: 'Create an SSE app and its environments',
  request: jsonBody(CreateBody),
  responses: {
    201: json(AppDetailSchema, 'The app'),
    400: errorResponse('Invalid body'),
    ...AUTH_ERRORS,
  },
});
const get = createRoute({
  method: 'get',
  path: '/{app_id}/',
  tags: TAGS,
  summary: 'Get an app with its environments',
  request: { params: Params },
  responses: { 200: json(AppDetailSchema, 'The app'), ...AUTH_ERRORS, ...NOT_FOUND },
});
const update = createRoute({
  method: 'put',
  middleware: [requires('update', 'Apps')] as const,
  path: '/{app_id}/',
  tags: TAGS,
  summary: 'Rename or re-describe an app',
  request: { params: Params, ...jsonBody(UpdateBody) },
  responses: { 200: json(AppSchema, 'The app'), ...AUTH_ERRORS, ...NOT_FOUND },
});
const remove = createRoute({
  method: 'delete',
  path: '/{app_id}/',
  tags: TAGS,
  summary: 'Delete an app; every key to it is blanked',
  request: { params: Params },
  responses: { 204: { description: 'Deleted' }, ...AUTH_ERRORS, ...NOT_FOUND },
});

export const appRoutes = createRouter()
  .openapi(list, async (c) =>
    c.json({ data: await listVisibleApps(c.var.db, c.var.principal) }, 200)
  )
  .openapi(create, async (c) => {
    const { db, principal, actor } = c.var;
    return c.json(
      await createApp(db, c.env, principal, actor, c.req.valid('json'), Date.now()),
      201
    );
  })
  .openapi(get, async (c) =>
    c.json(await getApp(c.var.db, c.var.principal, c.req.valid('param').app_id), 200)
  )
  .openapi(update, async (c) => {
    const { db, principal, actor } = c.var;
    const { app_id } = c.req.valid('param');
    return c.json(
      await editApp(db, principal, actor, app_id, c.req.valid('json'), Date.now()),
      200
    );
  })
  .openapi(remove, async (c) => {
    await removeApp(
      c.var.db,
      c.var.principal,
      c.var.actor,
      c.req.valid('param').app_id,
      Date.now()
    );
    return c.body(null, 204);
  });
