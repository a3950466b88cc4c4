/**
 * `GET /v1/kms/server-public-key/`: the server's X25519 public key, derived from SERVER_SECRET
 * as Phase derives it, so a client can wrap a keyring (`ph:v1`) that only this server opens.
 * It is a public key: no authentication is needed to read it.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { serverPublicKeyHex } from '../crypto/server-keys';
import { requireOperator } from '../middleware/operator';
import { createRouter } from '../middleware/validate';
import { DEFAULT_ROTATION_BATCH, rotateKeyringBatch } from '../service-accounts/rotation';
import { errorResponse, jsonBody, jsonResponse } from './schemas';

const ServerKeySchema = z
  .object({ publicKey: z.string().openapi({ description: 'X25519 public key, 64 hex' }) })
  .openapi('ServerPublicKey');

const getServerKey = createRoute({
  method: 'get',
  path: '/server-public-key/',
  tags: ['KMS'],
  summary: "The server's key-exchange public key",
  responses: {
    200: jsonResponse(ServerKeySchema, 'The key'),
    500: errorResponse('SERVER_SECRET is not configured'),
  },
});

const RotationSchema = z
  .object({ currentVersion: z.number(), rewrapped: z.number(), remaining: z.number() })
  .openapi('RotationProgress');

const rotate = createRoute({
  method: 'post',
  path: '/rotate/',
  tags: ['Operator'],
  summary: 'Re-wrap one batch of stored keyrings under the newest root key (operator secret)',
  description:
    'Call until `remaining` is 0 (`npm run kms:rotate` does). Safe to interrupt and repeat; ' +
    'every wrapped key stays usable throughout.',
  middleware: [requireOperator()] as const,
  request: jsonBody(
    z.object({ batch_size: z.number().int().min(1).max(1000).default(DEFAULT_ROTATION_BATCH) })
  ),
  responses: {
    200: jsonResponse(RotationSchema, 'Progress after this batch'),
    401: errorResponse('Missing or wrong operator secret'),
  },
});

export const kmsRoutes = createRouter()
  .openapi(getServerKey, (c) => c.json({ publicKey: serverPublicKeyHex(c.env.SERVER_SECRET) }, 200))
  .openapi(rotate, async (c) => {
    const { batch_size } = c.req.valid('json');
    return c.json(await rotateKeyringBatch(c.var.db, c.env, batch_size, Date.now()), 200);
  });
