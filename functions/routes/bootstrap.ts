/**
 * `POST /v1/bootstrap/`: the operator creates an organisation with its Owner. The Owner's token
 * (and keyring, when the server made it) appear in this one response and nowhere else.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { requestOrigin } from '../middleware/auth';
import { requireOperator } from '../middleware/operator';
import { createRouter } from '../middleware/validate';
import { bootstrapOrganisation } from '../tenancy/bootstrap';
import { errorResponse, jsonBody, jsonResponse } from './schemas';
import {
  BootstrapBodySchema,
  MemberSchema,
  OnceOnlyCredentialsSchema,
  OrganisationSchema,
} from './tenancy-schemas';

const BootstrapResultSchema = z
  .object({ organisation: OrganisationSchema, owner: MemberSchema })
  .merge(OnceOnlyCredentialsSchema)
  .openapi('BootstrapResult');

const bootstrap = createRoute({
  method: 'post',
  path: '/',
  tags: ['Operator'],
  summary: 'Create an organisation, its managed roles and its Owner (operator secret)',
  middleware: [requireOperator()] as const,
  request: jsonBody(BootstrapBodySchema),
  responses: {
    201: jsonResponse(BootstrapResultSchema, 'The organisation; token and keyring shown once'),
    400: errorResponse('Invalid body, identity key or token registration'),
    401: errorResponse('Missing or wrong operator secret'),
  },
});

export const bootstrapRoutes = createRouter().openapi(bootstrap, async (c) => {
  const created = await bootstrapOrganisation(
    c.var.db,
    c.req.valid('json'),
    requestOrigin(c.req),
    Date.now()
  );
  return c.json(created, 201);
});
