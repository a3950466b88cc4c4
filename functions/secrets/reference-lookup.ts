/**
 * Looks secret references up for one caller on `/v1/secrets/`: by name for apps and
 * environments (ignoring case), then by path and key digest, opening only the one value found.
 * An environment is readable when the caller holds a key for it; one the server keeps no copy
 * of (an E2EE app) cannot be opened here, so references into it stay as written.
 */
import type { Db } from '../../db/client';
import {
  findAppByName,
  findEnvironmentByName,
  findHolderKey,
  listServerKeys,
} from '../../db/queries/apps';
import { listSecrets } from '../../db/queries/secrets';
import { type EnvironmentMaterial, openServerEnvironment } from '../apps/environment-keys';
import { holderOf, type Principal } from '../auth/principal';
import { keyDigest } from '../crypto/environment';
import { loadRootKeys } from '../crypto/kms-root-keys';
import { openStored } from '../errors';
import { openField } from './plaintext';
import type { Lookup, ReferenceLookup, ReferenceScope } from './references';

type Readable = EnvironmentMaterial | 'denied' | 'missing';

/** The environment the request is about, already admitted and opened. */
export interface HomeEnvironment {
  environmentId: string;
  material: EnvironmentMaterial;
}

/** A lookup for `principal`, remembering each app, environment and answer it opens. */
export function referenceLookup(
  db: Db,
  env: Env,
  principal: Principal,
  home: HomeEnvironment
): ReferenceLookup {
  const readable = new Map<string, Promise<Readable>>([
    [home.environmentId, Promise.resolve(home.material)],
  ]);
  const named = new Map<string, Promise<string | null>>();

  const remember = <T>(cache: Map<string, Promise<T>>, key: string, load: () => Promise<T>) => {
    const known = cache.get(key);
    if (known) return known;
    const loading = load();
    cache.set(key, loading);
    return loading;
  };

  const appId = (from: ReferenceScope, name: string | null) =>
    name === null
      ? Promise.resolve(from.appId)
      : remember(
          named,
          `app\n${name.toLowerCase()}`,
          async () => (await findAppByName(db, principal.organisationId, name))?.id ?? null
        );

  // A reference without an environment never names another app (parseReference refuses it).
  const environmentId = (from: ReferenceScope, app: string, name: string | null) =>
    name === null
      ? Promise.resolve(from.environmentId)
      : remember(
          named,
          `env\n${app}\n${name.toLowerCase()}`,
          async () => (await findEnvironmentByName(db, app, name))?.id ?? null
        );

  const open = (id: string) =>
    remember(readable, id, async (): Promise<Readable> => {
      if (!(await findHolderKey(db, id, holderOf(principal)))) return 'denied';
      const [sealed] = await listServerKeys(db, [id]);
      if (!sealed) return 'missing';
      const rootKeys = loadRootKeys(env.KMS_ROOT_KEYS);
      return openStored('environment keys', () =>
        openServerEnvironment(rootKeys, principal.organisationId, id, sealed)
      );
    });

  return async (from, reference): Promise<Lookup> => {
    const app = await appId(from, reference.app);
    const environment = app && (await environmentId(from, app, reference.env));
    if (!app || !environment) return { kind: 'missing' };
    const material = await open(environment);
    if (material === 'denied' || material === 'missing') return { kind: material };
    const digest = keyDigest(reference.key, material.saltHex);
    const [row] = await listSecrets(db, environment, { path: reference.path, keyDigest: digest });
    if (!row) return { kind: 'missing' };
    const value = openField(row.value, material);
    return { kind: 'found', value, scope: { appId: app, environmentId: environment } };
  };
}
