/**
 * The payload of `/secrets/tokens/` (phase-reference.md §5.3a): enough for a Phase client to
 * rebuild its X25519 key from its token and open the environment keys wrapped to it. Field
 * names are Phase's snake_case, whatever the request asks for.
 */
import type { Db, SqlResult } from '../../db/client';
import { type CallerKey, callerKeysFrom, callerKeysStatement } from '../../db/queries/caller-keys';
import type { Principal } from '../auth/principal';
import { isoTime } from '../tenancy/views';

function environmentKeyView({ key, environment }: CallerKey) {
  return {
    id: key.id,
    environment: {
      id: environment.id,
      name: environment.name,
      env_type: environment.envType,
      index: environment.position,
      created_at: isoTime(environment.createdAt),
      updated_at: isoTime(environment.updatedAt),
    },
    paths: null,
    identity_key: key.identityKey,
    wrapped_seed: key.wrappedSeed,
    wrapped_salt: key.wrappedSalt,
    created_at: isoTime(key.createdAt),
    updated_at: isoTime(key.updatedAt),
    deleted_at: null,
    user: key.memberId,
    service_account: key.serviceAccountId,
  };
}

/** Apps in key order, each with the caller's keys for its environments. */
function appsView(held: CallerKey[]) {
  const byApp = new Map<
    string,
    { id: string; name: string; encryption: string; environment_keys: unknown[] }
  >();
  for (const row of held) {
    const encryption = row.app.sseEnabled ? 'SSE' : 'E2E';
    const app = byApp.get(row.app.id) ?? {
      id: row.app.id,
      name: row.app.name,
      encryption,
      environment_keys: [],
    };
    app.environment_keys.push(environmentKeyView(row));
    byApp.set(row.app.id, app);
  }
  return [...byApp.values()];
}

/** The caller's keys as one statement keyed by its bearer digest, to travel with the lookup. */
export function sessionKeysStatement(db: Db, bearerDigest: string): D1PreparedStatement {
  return callerKeysStatement(db, bearerDigest);
}

/** The session of an admitted caller, from what its keys statement found. */
export function sessionKeys(principal: Principal, read: SqlResult | null) {
  if (!read) throw new Error('the session read must travel with authentication');
  const held = callerKeysFrom(read);
  const account =
    principal.kind === 'service_account'
      ? { account_id: principal.serviceAccountId }
      : { user_id: principal.memberId };
  return {
    wrapped_key_share: principal.wrappedKeyShare,
    ...account,
    offline_enabled: false,
    organisation: { id: principal.organisationId, name: principal.organisationName },
    apps: appsView(held),
  };
}
