/**
 * The environment keys behind every SDK session (`GET /secrets/tokens/`), keyed by the caller's
 * bearer digest (`?1`) so they can travel in the token lookup's batch (see findPrincipal): the
 * token holder's live keys in live environments of live apps of the token's organisation, in
 * app order, then environment order. SQL for the reasons principals.ts and caller-secrets.ts
 * give.
 */
import type { Db, SqlResult, SqlRow } from '../client';

const CALLER_KEYS_SQL = `SELECT k.id AS key_id, k.identity_key, k.wrapped_seed, k.wrapped_salt,
    k.created_at AS key_created_at, k.updated_at AS key_updated_at, k.member_id,
    k.service_account_id, e.id AS environment_id, e.name AS environment_name, e.env_type,
    e.position, e.created_at AS environment_created_at, e.updated_at AS environment_updated_at,
    ap.id AS app_id, ap.name AS app_name, ap.sse_enabled
  FROM tokens t
  JOIN environment_keys k
    ON k.organisation_id = t.organisation_id AND k.deleted_at IS NULL
    AND (k.member_id = t.member_id OR k.service_account_id = t.service_account_id)
  JOIN environments e ON e.id = k.environment_id AND e.deleted_at IS NULL
  JOIN apps ap ON ap.id = e.app_id AND ap.deleted_at IS NULL
  WHERE t.bearer_digest = ?1
  ORDER BY ap.created_at, e.position`;

/** One key the caller holds, with what a session shows of its environment and app. */
export interface CallerKey {
  key: {
    id: string;
    identityKey: string;
    wrappedSeed: string;
    wrappedSalt: string;
    createdAt: number;
    updatedAt: number;
    memberId: string | null;
    serviceAccountId: string | null;
  };
  environment: {
    id: string;
    name: string;
    envType: string;
    position: number;
    createdAt: number;
    updatedAt: number;
  };
  app: { id: string; name: string; sseEnabled: boolean };
}

export function callerKeysStatement(db: Db, bearerDigest: string): D1PreparedStatement {
  return db.$client.prepare(CALLER_KEYS_SQL).bind(bearerDigest);
}

function toCallerKey(raw: SqlRow): CallerKey {
  return {
    key: {
      id: raw.key_id as string,
      identityKey: raw.identity_key as string,
      wrappedSeed: raw.wrapped_seed as string,
      wrappedSalt: raw.wrapped_salt as string,
      createdAt: raw.key_created_at as number,
      updatedAt: raw.key_updated_at as number,
      memberId: (raw.member_id ?? null) as string | null,
      serviceAccountId: (raw.service_account_id ?? null) as string | null,
    },
    environment: {
      id: raw.environment_id as string,
      name: raw.environment_name as string,
      envType: raw.env_type as string,
      position: raw.position as number,
      createdAt: raw.environment_created_at as number,
      updatedAt: raw.environment_updated_at as number,
    },
    app: {
      id: raw.app_id as string,
      name: raw.app_name as string,
      sseEnabled: raw.sse_enabled === 1,
    },
  };
}

/** Reads the statement's answer. */
export function callerKeysFrom(result: SqlResult): CallerKey[] {
  return result.results.map(toCallerKey);
}
