/**
 * `/service/secrets/` (phase-reference.md §5.3b): secrets as ciphertext the server never opens.
 * Writes are confined to the caller's environment (hazard §10.5: an id from elsewhere matches
 * nothing), a duplicate (path, key digest) is refused with 409 before anything is written, and
 * each request is one batch.
 */
import type { Db } from '../../db/client';
import type { EnvironmentRow } from '../../db/queries/apps';
import {
  deleteSecrets,
  findSecrets,
  insertSecrets,
  listSecrets,
  type SecretRow,
  updateSecrets,
} from '../../db/queries/secrets';
import { ApiError } from '../errors';
import { normalisePath } from './context';

// Phase's own check: a ph:v1 envelope, or empty (an empty comment).
const CIPHERTEXT = /^ph:v1:[0-9a-fA-F]{64}:.+$/s;
const DIGEST = /^[0-9a-f]{64}$/;
const TYPES = ['secret', 'sealed', 'config'] as const;

// D1 binds at most 100 parameters per statement; an id list beyond this would fail as a 500.
const MAX_IDS_PER_REQUEST = 90;

/** The `secrets` list of a write body, checked the way Phase words its refusals. */
export function secretItems(body: { secrets?: unknown }): SecretInput[] {
  if (!Array.isArray(body.secrets) || body.secrets.length === 0) {
    throw new ApiError('invalid_request', "'secrets' must be a non-empty list.");
  }
  if (body.secrets.some((s) => typeof s !== 'object' || s === null || Array.isArray(s))) {
    throw new ApiError('invalid_request', "Each entry in 'secrets' must be an object.");
  }
  return body.secrets as SecretInput[];
}

function assertIdCount(ids: unknown[]) {
  if (ids.length > MAX_IDS_PER_REQUEST) {
    throw new ApiError(
      'invalid_request',
      `At most ${MAX_IDS_PER_REQUEST} secrets per update or delete.`
    );
  }
}

export interface SecretInput {
  id?: unknown;
  key?: unknown;
  value?: unknown;
  comment?: unknown;
  keyDigest?: unknown;
  path?: unknown;
  tags?: unknown;
  type?: unknown;
}

function ciphertext(value: unknown, required: boolean): string {
  if (value === undefined && !required) return '';
  if (typeof value !== 'string' || (value !== '' && !CIPHERTEXT.test(value))) {
    throw new ApiError('invalid_request', 'Invalid ciphertext format');
  }
  return value;
}

function tagNames(tags: unknown): string {
  const names = Array.isArray(tags) ? tags.filter((t): t is string => typeof t === 'string') : [];
  const trimmed = names.map((t) => t.trim()).filter(Boolean);
  if (trimmed.some((t) => t.length > 64))
    throw new ApiError('invalid_request', 'Tag names cannot exceed 64 characters.');
  return JSON.stringify([...new Set(trimmed)]);
}

function secretType(type: unknown): SecretRow['type'] {
  if (type === undefined || type === null) return 'secret';
  if (!TYPES.includes(type as SecretRow['type']))
    throw new ApiError('invalid_request', "'type' must be secret, sealed or config.");
  return type as SecretRow['type'];
}

function digest(value: unknown): string {
  if (typeof value !== 'string' || !DIGEST.test(value)) {
    throw new ApiError(
      'invalid_request',
      "Each secret requires a 'keyDigest' of 64 hex characters."
    );
  }
  return value;
}

/** Refuses a (path, digest) pair that repeats within the request or exists already. */
function assertNoDuplicates(
  rows: Pick<SecretRow, 'id' | 'path' | 'keyDigest'>[],
  existing: SecretRow[]
) {
  const seen = new Set<string>();
  const taken = new Map(existing.map((s) => [`${s.path}\n${s.keyDigest}`, s.id]));
  for (const row of rows) {
    const slot = `${row.path}\n${row.keyDigest}`;
    const holder = taken.get(slot);
    if (seen.has(slot) || (holder !== undefined && holder !== row.id)) {
      throw new ApiError('conflict', 'Duplicate secret found');
    }
    seen.add(slot);
  }
}

/** The environment a request acts in, once {@link environmentContext} admitted the caller. */
export type Target = Pick<EnvironmentRow, 'id' | 'organisationId'>;

export async function readSecrets(
  db: Db,
  environment: Target,
  filter: { path?: string; keyDigest?: string }
) {
  const path = filter.path === undefined ? undefined : normalisePath(filter.path);
  return listSecrets(db, environment.id, { path, keyDigest: filter.keyDigest });
}

export async function createSecrets(
  db: Db,
  environment: Target,
  items: SecretInput[],
  nowMs: number
) {
  const rows: SecretRow[] = items.map((item) => ({
    id: crypto.randomUUID(),
    environmentId: environment.id,
    organisationId: environment.organisationId,
    path: normalisePath(item.path ?? '/'),
    key: ciphertext(item.key, true),
    keyDigest: digest(item.keyDigest),
    value: ciphertext(item.value, true),
    comment: ciphertext(item.comment, false),
    tags: tagNames(item.tags),
    type: secretType(item.type),
    version: 1,
    createdAt: nowMs,
    updatedAt: nowMs,
    deletedAt: null,
  }));
  assertNoDuplicates(rows, await listSecrets(db, environment.id));
  await insertSecrets(db, environment.id, rows, nowMs);
  return rows;
}

/**
 * How an update treats sealed secrets. `/v1/secrets/` keeps them sealed (phase-rest.md §5.4):
 * a new value is ignored and the type cannot change. `/service/secrets/` writes them as sent.
 */
export interface UpdateRules {
  keepSealed: boolean;
}

/** Applies one update item to the stored secret it names. */
function updated(current: SecretRow, item: SecretInput, rules: UpdateRules): SecretRow {
  const valueKept = item.value === undefined || (rules.keepSealed && current.type === 'sealed');
  return {
    ...current,
    key: item.key === undefined ? current.key : ciphertext(item.key, true),
    keyDigest: item.keyDigest === undefined ? current.keyDigest : digest(item.keyDigest),
    value: valueKept ? current.value : ciphertext(item.value, true),
    comment: item.comment === undefined ? current.comment : ciphertext(item.comment, false),
    path: item.path === undefined ? current.path : normalisePath(item.path),
    tags: item.tags === undefined ? current.tags : tagNames(item.tags),
    type: item.type === undefined ? current.type : secretType(item.type),
    version: current.version + 1,
  };
}

/** Refuses turning a sealed secret into another type, after the checks Phase makes first. */
function assertStillSealed(current: Map<string, SecretRow>, rows: SecretRow[]) {
  for (const row of rows) {
    if (current.get(row.id)?.type === 'sealed' && row.type !== 'sealed') {
      throw new ApiError(
        'invalid_request',
        'Sealed secrets cannot be unsealed. Delete and recreate the secret instead.'
      );
    }
  }
}

export async function changeSecrets(
  db: Db,
  environment: Target,
  items: SecretInput[],
  nowMs: number,
  rules: UpdateRules = { keepSealed: false }
) {
  const ids = items.map((item) => item.id);
  assertIdCount(ids);
  if (ids.some((id) => typeof id !== 'string')) {
    throw new ApiError('invalid_request', "Each secret to update requires an 'id'.");
  }
  const current = new Map(
    (await findSecrets(db, environment.id, ids as string[])).map((s) => [s.id, s])
  );
  const rows = items.map((item) => {
    const found = current.get(item.id as string);
    if (!found) throw new ApiError('not_found', 'Secret not found');
    return updated(found, item, rules);
  });
  assertNoDuplicates(rows, await listSecrets(db, environment.id));
  if (rules.keepSealed) assertStillSealed(current, rows);
  await updateSecrets(db, environment.id, rows, nowMs);
  return rows.map((row) => ({ ...row, updatedAt: nowMs }));
}

export async function removeSecrets(db: Db, environment: Target, ids: unknown[], nowMs: number) {
  assertIdCount(ids);
  if (ids.length === 0 || ids.some((id) => typeof id !== 'string')) {
    throw new ApiError('invalid_request', "'secrets' must be a non-empty list of secret ids.");
  }
  const found = await findSecrets(db, environment.id, ids as string[]);
  if (found.length !== new Set(ids).size) throw new ApiError('not_found', 'Secret not found');
  await deleteSecrets(db, environment.id, ids as string[], nowMs);
}
