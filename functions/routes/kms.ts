/**
 * `GET /v1/kms/server-public-key/`: the server's X25519 public key, derived from SERVER_SECRET
 * as Phase derives it, so a client can wrap a keyring (`ph:v1`) that only this server opens.
 * It is a public key: no authentication is needed to read it.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { serverPublicKeyHex } from '../crypto/server-keys';
import { createRouter } from '../middleware/validate';
import { errorResponse, jsonResponse } from './schemas';

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

export const kmsRoutes = createRouter().openapi(getServerKey, (c) =>
  c.json({ publicKey: serverPublicKeyHex(c.env.SERVER_SECRET) }, 200)
);
