/**
 * Where a service account's keyring lives: the eligible handlers and their wraps, and the KMS
 * mode (phase-reference.md §3.7). Mounted before the account routes so `handlers` is never
 * taken for an account id.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { requires } from '../middleware/permission';
import { createRouter } from '../middleware/validate';
import { listEligibleHandlers, replaceHandlerSets } from '../service-accounts/handlers';
import { setKmsMode } from '../service-accounts/kms-mode';
import { AUTH_ERRORS, errorResponse, jsonResponse as json, jsonBody } from './schemas';
import {
  EligibleHandlerSchema,
  HandlerSetsBodySchema,
  KmsModeBodySchema,
  ServiceAccountDetailSchema,
  ServiceAccountParams,
} from './service-account-schemas';

const TAGS = ['Service account keyrings'];

const eligible = createRoute({
  method: 'get',
  path: '/handlers/',
  tags: TAGS,
  summary: 'Members who must hold every keyring, with the keys to wrap it to',
  responses: {
    200: json(z.object({ data: z.array(EligibleHandlerSchema) }), 'The handlers'),
    ...AUTH_ERRORS,
  },
});

const replace = createRoute({
  method: 'put',
  middleware: [requires('update', 'ServiceAccounts')] as const,
  path: '/handlers/',
  tags: TAGS,
  summary: 'Replace the handler wraps of the listed accounts, all or nothing',
  request: jsonBody(HandlerSetsBodySchema),
  responses: {
    200: json(z.object({ serviceAccounts: z.number(), handlers: z.number() }), 'Replaced'),
    400: errorResponse('A wrap missing for an eligible handler, or one that is not ph:v1'),
    ...AUTH_ERRORS,
    404: errorResponse('Service account not found'),
  },
});

const kms = createRoute({
  method: 'put',
  middleware: [requires('update', 'ServiceAccounts')] as const,
  path: '/{sa_id}/kms/',
  tags: TAGS,
  summary: 'Switch between server-side and client-side KMS',
  description:
    "mode 'server' takes the keyring wrapped (ph:v1) to GET /v1/kms/server-public-key/; " +
    "mode 'client' is refused while no handler holds the keyring.",
  request: { params: ServiceAccountParams, ...jsonBody(KmsModeBodySchema) },
  responses: {
    200: json(ServiceAccountDetailSchema, 'The account'),
    400: errorResponse('The wrapped keyring is not this account’s'),
    ...AUTH_ERRORS,
    404: errorResponse('Service account not found'),
    409: errorResponse('Already in that mode, or no handler holds the keyring'),
  },
});

export const serviceAccountKeyRoutes = createRouter()
  .openapi(eligible, async (c) =>
    c.json({ data: await listEligibleHandlers(c.var.db, c.var.principal) }, 200)
  )
  .openapi(replace, async (c) => {
    const { db, principal, actor } = c.var;
    const { handlers } = c.req.valid('json');
    return c.json(await replaceHandlerSets(db, principal, actor, handlers, Date.now()), 200);
  })
  .openapi(kms, async (c) => {
    const { sa_id } = c.req.valid('param');
    const { db, principal, actor } = c.var;
    return c.json(
      await setKmsMode(db, c.env, principal, actor, sa_id, c.req.valid('json'), Date.now()),
      200
    );
  });
