/**
 * Wire schemas for organisations, members, roles and personal access tokens: request bodies as
 * Phase takes them (snake_case) and responses as it answers (camelCase).
 */
import { z } from '@hono/zod-openapi';
import { clearableText, optionalText, requiredId, requiredText } from './fields';

const ISO = z.string().openapi({ example: '2026-01-01T00:00:00.000Z' });

export const OrganisationSchema = z
  .object({ id: z.uuid(), name: z.string(), createdAt: ISO })
  .openapi('Organisation');

export const MemberSchema = z
  .object({
    id: z.uuid(),
    username: z.string(),
    fullName: z.string().nullable(),
    email: z.string(),
    role: z.object({ id: z.uuid(), name: z.string() }),
    identityKey: z.string().nullable().openapi({ description: 'Ed25519 public key, hex' }),
    createdAt: ISO,
    updatedAt: ISO,
  })
  .openapi('Member');

const PermissionMap = z.record(z.string(), z.array(z.string()));

export const RoleSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    description: z.string(),
    color: z.string(),
    isDefault: z.boolean(),
    createdAt: ISO,
  })
  .openapi('Role');

export const RoleDetailSchema = RoleSchema.extend({
  permissions: z.object({
    permissions: PermissionMap,
    appPermissions: PermissionMap,
    globalAccess: z.boolean(),
  }),
}).openapi('RoleDetail');

export const PersonalTokenSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    createdBy: z.string().nullable(),
    createdAt: ISO,
    expiresAt: ISO.nullable(),
    lastUsedAt: ISO.nullable(),
  })
  .openapi('PersonalAccessToken');

/** Shown once, when the server generated a member's keyring. */
export const OnceOnlyCredentialsSchema = z.object({
  token: z.string().optional().openapi({ description: 'pss_user:v1 token, shown once' }),
  bearerToken: z.string().optional().openapi({ description: '`User <bearer>`, shown once' }),
  keyring: z
    .object({ publicKey: z.string(), privateKey: z.string() })
    .optional()
    .openapi({ description: 'Ed25519 keyring (libsodium layout, hex), shown once, never stored' }),
});

/** A token the client minted from its own keyring, signed with it. */
export const TokenRegistrationSchema = z
  .object({
    bearer_digest: z.string().openapi({ description: 'SHA-256 of the 32 bearer bytes, hex' }),
    wrapped_key_share: z.string().openapi({ description: 'share B, wrapped (208 hex)' }),
    expires_at: z.string().optional().openapi({ description: 'ISO-8601 with offset' }),
    signature: z.string().openapi({
      description:
        'Ed25519 signature (hex) by the identity key over the UTF-8 lines ' +
        '"custodian/token-registration/v1", bearer_digest, wrapped_key_share, ' +
        'expires_at ("" if none)',
    }),
  })
  .openapi('TokenRegistration');

const IDENTITY_KEY = z.string().optional().openapi({ description: 'Ed25519 public key, hex' });

export const BootstrapBodySchema = z.object({
  organisation: z.object({ name: requiredText('name', 64) }),
  owner: z.object({
    name: optionalText('name', 150),
    email: z.email(),
    identity_key: IDENTITY_KEY,
    token: TokenRegistrationSchema.optional(),
  }),
});

export const CreateMemberBodySchema = z.object({
  name: optionalText('name', 150),
  email: z.email(),
  role_id: requiredId('role_id'),
  identity_key: IDENTITY_KEY,
  token: TokenRegistrationSchema.optional(),
});

export const ChangeRoleBodySchema = z.object({ role_id: requiredId('role_id') });

export const RoleBodySchema = z.object({
  name: optionalText('name', 64),
  description: clearableText('description', 500),
  color: z.unknown().optional().openapi({ type: 'string', maxLength: 7 }),
  permissions: z.unknown().optional().openapi({
    type: 'object',
    description: '{ "permissions": {Resource: [actions]}, "app_permissions": {...} }',
  }),
});

export const RegisterTokenBodySchema = TokenRegistrationSchema.extend({
  name: requiredText('name', 64),
});

export const MemberParams = z.object({ member_id: z.string() });
export const RoleParams = z.object({ role_id: z.string() });
export const MemberTokenParams = z.object({ member_id: z.string(), token_id: z.string() });
