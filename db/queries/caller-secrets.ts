/**
 * The read behind every SDK `GET /secrets/`, keyed by the caller's bearer digest (`?1`) so it
 * can travel in the token lookup's batch (see findPrincipal): the environment (live, in a live
 * app of the token's organisation), whether the token's holder has a live key for it, and its
 * live secrets, at one path or with one key digest when asked.
 *
 * SQL rather than the query builder for the reason principals.ts gives; and a batch answers
 * with rows keyed by column name, so every column here has a name of its own.
 */
import type { Db, SqlResult, SqlRow } from '../client';
import type { SecretRow } from './secrets';

const CALLER_SECRETS_SQL = `SELECT e.id AS environment_id, k.id AS key_id,
    s.id AS secret_id, s.organisation_id, s.path, s.key, s.key_digest, s.value, s.comment,
    s.tags, s.type, s.version, s.created_at, s.updated_at
  FROM tokens t
  JOIN environments e
    ON e.id = ?2 AND e.organisation_id = t.organisation_id AND e.deleted_at IS NULL
  JOIN apps ap ON ap.id = e.app_id AND ap.deleted_at IS NULL
  LEFT JOIN environment_keys k
    ON k.environment_id = e.id AND k.deleted_at IS NULL
    AND (k.member_id = t.member_id OR k.service_account_id = t.service_account_id)
  LEFT JOIN secrets s
    ON s.environment_id = e.id AND s.deleted_at IS NULL
    AND (?3 IS NULL OR s.path = ?3) AND (?4 IS NULL OR s.key_digest = ?4)
  WHERE t.bearer_digest = ?1`;

/** What the read found; `found: false` when there is no such environment for the caller. */
export type CallerSecrets = { found: false } | { found: true; hasKey: boolean; rows: SecretRow[] };

export function callerSecretsStatement(
  db: Db,
  bearerDigest: string,
  environmentId: string,
  filter: { path?: string; keyDigest?: string }
): D1PreparedStatement {
  return db.$client
    .prepare(CALLER_SECRETS_SQL)
    .bind(bearerDigest, environmentId, filter.path ?? null, filter.keyDigest ?? null);
}

function toSecretRow(raw: SqlRow): SecretRow {
  return {
    id: raw.secret_id as string,
    environmentId: raw.environment_id as string,
    organisationId: raw.organisation_id as string,
    path: raw.path as string,
    key: raw.key as string,
    keyDigest: raw.key_digest as string,
    value: raw.value as string,
    comment: raw.comment as string,
    tags: raw.tags as string,
    type: raw.type as SecretRow['type'],
    version: raw.version as number,
    createdAt: raw.created_at as number,
    updatedAt: raw.updated_at as number,
    deletedAt: null,
  };
}

/** Reads the statement's answer. */
export function callerSecretsFrom(result: SqlResult): CallerSecrets {
  const first = result.results[0];
  if (!first) return { found: false };
  const rows = result.results.flatMap((raw) => (raw.secret_id === null ? [] : [toSecretRow(raw)]));
  return { found: true, hasKey: first.key_id !== null, rows };
}
