/**
 * `/v1/secrets/` (phase-rest.md §5) for SSE apps: a bearer-only client reads and writes
 * plaintext, and the server does the `ph:v1` encryption and the key digests with the
 * environment it keeps in its KMS envelope. The rows are the same ones `/service/secrets/`
 * serves, so an SDK sees what this endpoint wrote and the other way round.
 */
import type { Db } from '../../db/client';
import {
  findApp,
  findEnvironmentByName,
  findHolderKey,
  listServerKeys,
} from '../../db/queries/apps';
import type { SecretRow } from '../../db/queries/secrets';
import type { Action } from '../access/policies';
import {
  type EnvironmentMaterial,
  environmentKeyPair,
  openServerEnvironment,
} from '../apps/environment-keys';
import { holderOf, type Principal } from '../auth/principal';
import { keyDigest } from '../crypto/environment';
import { loadRootKeys } from '../crypto/kms-root-keys';
import { decryptPhV1, encryptPhV1 } from '../crypto/ph-v1';
import { wipe } from '../crypto/wipe';
import { ApiError, openStored } from '../errors';
import { isoTime } from '../tenancy/views';
import type { SecretInput } from './ciphertext';
import { assertSecretsPermission, noAccess } from './context';

/** The environment named by `app_id` and `env`, with the server's copy of its keys opened. */
export async function plaintextContext(
  db: Db,
  env: Env,
  principal: Principal,
  appId: string | undefined,
  envName: string | undefined,
  action: Action
) {
  if (!appId || !envName) {
    throw new ApiError(
      'forbidden',
      'Environment context required. Supply `app_id` and `env` as query parameters.'
    );
  }
  const app = await findApp(db, principal.organisationId, appId);
  if (!app) throw new ApiError('not_found', `App with ID ${appId} not found`);
  const environment = await findEnvironmentByName(db, app.id, envName);
  if (!environment) {
    throw new ApiError('not_found', `Environment '${envName}' not found in App ${appId}`);
  }
  if (!(await findHolderKey(db, environment.id, holderOf(principal)))) throw noAccess(principal);
  assertSecretsPermission(principal, action);
  if (!app.sseEnabled) throw new ApiError('invalid_request', 'SSE is not enabled for this App');
  const [sealed] = await listServerKeys(db, [environment.id]);
  if (!sealed) throw new ApiError('invalid_request', 'SSE is not enabled for this App');
  const material = openStored('environment keys', () =>
    openServerEnvironment(
      loadRootKeys(env.KMS_ROOT_KEYS),
      principal.organisationId,
      environment.id,
      sealed
    )
  );
  return { app, environment, material };
}

/** The digest Phase's server path computes: of the upper-cased key (§3.4). */
export function digestOf(key: string, material: EnvironmentMaterial) {
  return keyDigest(key.toUpperCase(), material.saltHex);
}

/** Encrypts plaintext fields of a secret write to the environment's public key. */
export function encryptInput(item: SecretInput, material: EnvironmentMaterial): SecretInput {
  const pair = environmentKeyPair(material);
  wipe(pair.secretKey);
  const seal = (text: unknown) =>
    typeof text === 'string' ? encryptPhV1(text, pair.publicKey) : text;
  const key = typeof item.key === 'string' ? item.key.toUpperCase() : item.key;
  if (item.key !== undefined && (typeof key !== 'string' || key.trim() === '')) {
    throw new ApiError('invalid_request', "Each secret requires a non-empty 'key'.");
  }
  return {
    ...item,
    key: seal(key),
    keyDigest: typeof key === 'string' ? digestOf(key, material) : undefined,
    value: seal(item.value),
    comment: item.comment === undefined ? undefined : seal(item.comment),
  };
}

/** One stored field as plaintext (an empty field stays empty). */
export function openField(text: string, material: EnvironmentMaterial): string {
  if (text === '') return '';
  const pair = environmentKeyPair(material);
  try {
    return decryptPhV1(text, pair.secretKey, pair.publicKey);
  } finally {
    wipe(pair.secretKey);
  }
}

/** A stored secret as plaintext, the way `/v1/secrets/` answers (camelCase). */
export function decryptSecret(row: SecretRow, material: EnvironmentMaterial) {
  const pair = environmentKeyPair(material);
  try {
    const open = (text: string) =>
      text === '' ? '' : decryptPhV1(text, pair.secretKey, pair.publicKey);
    return {
      id: row.id,
      key: open(row.key),
      value: open(row.value),
      comment: open(row.comment),
      tags: JSON.parse(row.tags) as string[],
      override: null,
      type: row.type,
      lifecycle: 'static',
      path: row.path,
      keyDigest: row.keyDigest,
      version: row.version,
      createdAt: isoTime(row.createdAt),
      updatedAt: isoTime(row.updatedAt),
      environment: row.environmentId,
      folder: null,
    };
  } finally {
    wipe(pair.secretKey);
  }
}
