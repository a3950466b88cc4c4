/**
 * The caller behind a bearer digest, in one statement: the token, the member or service account
 * it acts as, their role, the organisation's name and every network policy that binds them.
 *
 * Written as SQL rather than with the query builder because it runs on every authenticated
 * request: building and mapping a four-table join through drizzle cost more CPU than D1 spent
 * answering it (bench/README.md, "hot path"). Revoked and expired tokens and removed holders are
 * returned too, so the caller can log why it refuses.
 */
import type { Db, SqlResult, SqlRow } from '../client';

export type PrincipalKind = 'user' | 'service_account';

/** One token with everything authentication needs to turn it into a principal. */
export interface PrincipalRow {
  tokenId: string;
  organisationId: string;
  organisationName: string;
  wrappedKeyShare: string;
  expiresAt: number | null;
  lastUsedAt: number | null;
  revokedAt: number | null;
  /** The member's or service account's id. */
  holderId: string;
  holderDeletedAt: number | null;
  identityKey: string | null;
  /** The member's email; null for a service account. */
  email: string | null;
  role: { id: string; name: string; isDefault: boolean; permissions: string };
  /** `[{id, ips}]` as JSON: the policies attached to the holder, and the global ones. */
  attachedPolicies: string | null;
  globalPolicies: string | null;
}

// The holder's table and how its policy attachments point at it, per token kind. Constant
// strings only: nothing from a request is ever spliced into the SQL.
const HOLDER = {
  user: { table: 'members', token: 't.member_id', attachment: 'a.member_id', email: 'h.email' },
  service_account: {
    table: 'service_accounts',
    token: 't.service_account_id',
    attachment: 'a.service_account_id',
    email: 'NULL',
  },
} as const;

function principalSql(kind: PrincipalKind): string {
  const holder = HOLDER[kind];
  return `SELECT t.id AS token_id, t.organisation_id, o.name AS organisation_name,
    t.wrapped_key_share, t.expires_at, t.last_used_at, t.deleted_at AS revoked_at,
    h.id AS holder_id, h.deleted_at AS holder_deleted_at, h.identity_key,
    ${holder.email} AS email, r.id AS role_id, r.name AS role_name,
    r.is_default AS role_is_default, r.permissions AS role_permissions,
    (SELECT json_group_array(json_object('id', p.id, 'ips', json(p.allowed_ips)))
      FROM network_policy_attachments a JOIN network_access_policies p ON p.id = a.policy_id
      WHERE ${holder.attachment} = h.id) AS attached_policies,
    (SELECT json_group_array(json_object('id', g.id, 'ips', json(g.allowed_ips)))
      FROM network_access_policies g
      WHERE g.organisation_id = t.organisation_id AND g.is_global = 1) AS global_policies
  FROM tokens t
  JOIN organisations o ON o.id = t.organisation_id
  JOIN ${holder.table} h ON h.id = ${holder.token}
  JOIN roles r ON r.id = h.role_id
  WHERE t.bearer_digest = ?1 AND t.kind = '${kind}'`;
}

const PRINCIPAL_SQL = {
  user: principalSql('user'),
  service_account: principalSql('service_account'),
};

const text = (value: unknown) => value as string;
const textOrNull = (value: unknown) => (value ?? null) as string | null;
const timeOrNull = (value: unknown) => (value ?? null) as number | null;

function toPrincipalRow(raw: SqlRow): PrincipalRow {
  return {
    tokenId: text(raw.token_id),
    organisationId: text(raw.organisation_id),
    organisationName: text(raw.organisation_name),
    wrappedKeyShare: text(raw.wrapped_key_share),
    expiresAt: timeOrNull(raw.expires_at),
    lastUsedAt: timeOrNull(raw.last_used_at),
    revokedAt: timeOrNull(raw.revoked_at),
    holderId: text(raw.holder_id),
    holderDeletedAt: timeOrNull(raw.holder_deleted_at),
    identityKey: textOrNull(raw.identity_key),
    email: textOrNull(raw.email),
    role: {
      id: text(raw.role_id),
      name: text(raw.role_name),
      isDefault: raw.role_is_default === 1,
      permissions: text(raw.role_permissions),
    },
    attachedPolicies: textOrNull(raw.attached_policies),
    globalPolicies: textOrNull(raw.global_policies),
  };
}

/** What one lookup found: the principal's row, and the answer to the read sent alongside. */
export interface PrincipalLookup {
  row: PrincipalRow | null;
  alongside: SqlResult | null;
}

/**
 * Looks up the token with this digest. A statement passed as `alongside` must take the same
 * digest as `?1`; it runs in the same D1 batch, so one round trip answers both and both see the
 * same token. Its answer is only a candidate: the caller uses it once the principal is admitted.
 */
export async function findPrincipal(
  db: Db,
  kind: PrincipalKind,
  bearerDigest: string,
  alongside?: D1PreparedStatement
): Promise<PrincipalLookup> {
  const lookup = db.$client.prepare(PRINCIPAL_SQL[kind]).bind(bearerDigest);
  if (!alongside) {
    const { results } = await lookup.all<SqlRow>();
    return { row: results[0] ? toPrincipalRow(results[0]) : null, alongside: null };
  }
  const [found, other] = await db.$client.batch<SqlRow>([lookup, alongside]);
  const raw = found?.results[0];
  return { row: raw ? toPrincipalRow(raw) : null, alongside: other ?? null };
}
