/**
 * Wire schemas for service accounts: snake_case bodies as Phase takes them, camelCase answers.
 */
import { z } from '@hono/zod-openapi';
import { MAX_GRACE_SECONDS } from '../service-accounts/tokens';
import { presentText, requiredId, requiredText } from './fields';

const ISO = z.string().openapi({ example: '2026-01-01T00:00:00.000Z' });

export const TokenSummarySchema = z
  .object({ id: z.uuid(), name: z.string(), createdAt: ISO, expiresAt: ISO.nullable() })
  .openapi('TokenSummary');

export const MintedTokenSchema = TokenSummarySchema.extend({
  token: z.string().openapi({ description: 'pss_service:v2 token, shown once' }),
  bearerToken: z.string().openapi({ description: '`ServiceAccount <bearer>`, shown once' }),
}).openapi('MintedToken');

export const ServiceAccountSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    role: z.object({ id: z.uuid(), name: z.string() }).nullable(),
    identityKey: z.string().openapi({ description: 'Ed25519 public key, hex' }),
    kmsMode: z.enum(['server', 'client']),
    createdAt: ISO,
    updatedAt: ISO,
  })
  .openapi('ServiceAccount');

export const ServiceAccountDetailSchema = ServiceAccountSchema.extend({
  tokens: z.array(TokenSummarySchema),
  apps: z.array(
    z.object({
      id: z.uuid(),
      name: z.string(),
      environments: z.array(z.object({ id: z.uuid(), name: z.string(), envType: z.string() })),
    })
  ),
}).openapi('ServiceAccountDetail');

export const CreatedServiceAccountSchema = ServiceAccountSchema.extend({
  initialToken: MintedTokenSchema.optional().openapi({ description: 'Server-side KMS only' }),
}).openapi('CreatedServiceAccount');

const PH_V1 = z.string().openapi({ description: 'ph:v1 envelope' });

export const HandlerWrapSchema = z.object({
  member_id: z.string(),
  wrapped_keyring: PH_V1,
  wrapped_recovery: PH_V1.optional(),
});

export const CreateServiceAccountBodySchema = z.object({
  name: requiredText('name', 64),
  token_name: presentText('token_name', 64, 'Default'),
  role_id: requiredId('role_id'),
  team_id: z.unknown().optional().openapi({ type: 'string', description: 'Teams: not offered' }),
  identity_key: z.string().optional().openapi({
    description: 'Client-side KMS: the Ed25519 public key (hex); the keyring stays with handlers',
  }),
  handlers: z.array(HandlerWrapSchema).optional().openapi({
    description: 'Client-side KMS: the keyring wrapped to every eligible handler',
  }),
});

export const UpdateServiceAccountBodySchema = z.object({
  name: presentText('name', 64),
  role_id: z
    .unknown()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === null || typeof value === 'string')
        return value ?? undefined;
      ctx.addIssue({ code: 'custom', message: "'role_id' must be a string." });
      return z.NEVER;
    })
    .openapi({ type: 'string', format: 'uuid' }),
});

export const KmsModeBodySchema = z.discriminatedUnion('mode', [
  z.object({
    mode: z.literal('server'),
    wrapped_keyring: z.string().openapi({
      description: 'The keyring JSON as a ph:v1 envelope to the server public key',
    }),
  }),
  z.object({ mode: z.literal('client') }),
]);

export const HandlerSetsBodySchema = z.object({
  handlers: z.array(HandlerWrapSchema.extend({ service_account_id: z.string() })).min(1),
});

export const EligibleHandlerSchema = z
  .object({ id: z.uuid(), email: z.string(), identityKey: z.string(), kxPublicKey: z.string() })
  .openapi('EligibleHandler');

export const ServiceAccountParams = z.object({ sa_id: z.string() });

export const MintTokenBodySchema = z.object({
  name: requiredText('name', 64),
  expires_at: z.unknown().optional().openapi({
    type: 'string',
    description: 'ISO-8601 with offset, in the future; wins over expires_in',
  }),
  expires_in: z.unknown().optional().openapi({ type: 'integer', description: 'Seconds, > 0' }),
  expiry: z.unknown().optional().openapi({ description: 'Refused: use expires_at or expires_in' }),
});

export const RegisterTokenBodySchema = z.object({
  name: requiredText('name', 64),
  bearer_digest: z.string().openapi({ description: 'SHA-256 of the 32 bearer bytes, hex' }),
  wrapped_key_share: z.string().openapi({ description: 'Share B, wrapped (208 hex)' }),
  kx_public_key: z.string().optional().openapi({ description: 'Checked against the account' }),
  expires_at: z.string().optional(),
  signature: z.string().openapi({
    description:
      'Ed25519 signature by the account key over the lines "custodian/token-registration/v1", ' +
      'bearer_digest, wrapped_key_share, expires_at ("" if none)',
  }),
});

export const RotateTokenBodySchema = z.object({
  grace_seconds: z
    .number()
    .int()
    .min(0)
    .max(MAX_GRACE_SECONDS)
    .optional()
    .openapi({ description: 'How long the old token keeps working; default 3600' }),
});

export const ListedTokenSchema = TokenSummarySchema.extend({
  createdBy: z.string().nullable(),
  lastUsedAt: ISO.nullable(),
}).openapi('ServiceAccountToken');

export const TokenParams = z.object({ sa_id: z.string(), token_id: z.string() });
