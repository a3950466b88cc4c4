/**
 * The `/v1/secrets/` read: an environment's secrets in plaintext, at one path, with one key or
 * with any of some tags when asked, with secret references in their values resolved for the
 * caller.
 */
import type { Db } from '../../db/client';
import type { AppRow, EnvironmentRow } from '../../db/queries/apps';
import type { EnvironmentMaterial } from '../apps/environment-keys';
import type { Principal } from '../auth/principal';
import { readSecrets } from './ciphertext';
import { decryptSecret, digestOf } from './plaintext';
import { referenceLookup } from './reference-lookup';
import { withResolvedValues } from './references';

/** An admitted `/v1/secrets/` request: its app and environment, the latter opened. */
export interface PlaintextContext {
  app: AppRow;
  environment: EnvironmentRow;
  material: EnvironmentMaterial;
}

export async function readPlaintext(
  db: Db,
  env: Env,
  principal: Principal,
  { app, environment, material }: PlaintextContext,
  filter: { path?: string; key?: string; tags?: string }
) {
  const keyDigest = filter.key === undefined ? undefined : digestOf(filter.key, material);
  const stored = await readSecrets(db, environment, { path: filter.path, keyDigest });
  // Phase splits on commas without trimming and matches names exactly; each secret comes once.
  const wanted = filter.tags === undefined ? null : new Set(filter.tags.split(','));
  const rows = wanted
    ? stored.filter((row) => (JSON.parse(row.tags) as string[]).some((tag) => wanted.has(tag)))
    : stored;
  const lookup = referenceLookup(db, env, principal, { environmentId: environment.id, material });
  const scope = { appId: app.id, environmentId: environment.id };
  return withResolvedValues(
    rows.map((row) => decryptSecret(row, material)),
    scope,
    lookup
  );
}
