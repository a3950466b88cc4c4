/**
 * The secret object of `/service/secrets/` (phase-reference.md §5.3b): ciphertext fields as
 * stored, camelCase when the client sends `X-Use-Camel-Case: true` (the Node SDK), snake_case
 * otherwise (the Go SDK and CLI).
 */
import type { SecretRow } from '../../db/queries/secrets';
import { isoTime } from '../tenancy/views';

export function secretView(secret: SecretRow, camelCase: boolean) {
  const digest = camelCase ? { keyDigest: secret.keyDigest } : { key_digest: secret.keyDigest };
  const times = camelCase
    ? { createdAt: isoTime(secret.createdAt), updatedAt: isoTime(secret.updatedAt) }
    : { created_at: isoTime(secret.createdAt), updated_at: isoTime(secret.updatedAt) };
  return {
    id: secret.id,
    environment: secret.environmentId,
    folder: null,
    path: secret.path,
    key: secret.key,
    ...digest,
    value: secret.value,
    comment: secret.comment,
    tags: JSON.parse(secret.tags) as string[],
    version: secret.version,
    type: secret.type,
    override: null,
    lifecycle: 'static',
    ...times,
  };
}
