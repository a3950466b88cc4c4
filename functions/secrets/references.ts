/**
 * Secret references in plaintext values, resolved as Phase's `/v1/secrets/` does
 * (phase-rest.md §5.2):
 * - `${KEY}` or `${some/path/KEY}`: the same environment; path and key split at the last `/`;
 * - `${env.KEY}` or `${env.path/KEY}`: another environment of the same app;
 * - `${app::env.KEY}`: an environment of another app of the organisation.
 *
 * `${{…}}` is never a reference, and one that cannot be resolved stays as written. Resolution
 * recurses into what a reference points at, stopping at a cycle or 25 levels deep. Where the
 * caller may not read a referenced environment, resolution of that value stops there and the
 * rest of it is returned as written.
 */
import { normalisePath } from './context';

/** What a reference names; `app` and `env` are null when it stays where the value lives. */
export interface Reference {
  app: string | null;
  env: string | null;
  path: string;
  key: string;
}

/** Where a value lives, so that references in it resolve relative to it. */
export interface ReferenceScope {
  appId: string;
  environmentId: string;
}

/** What looking a reference up found. */
export type Lookup =
  | { kind: 'found'; value: string; scope: ReferenceScope }
  | { kind: 'missing' }
  | { kind: 'denied' };

/** Finds the plaintext a reference points at, from the scope of the value it sits in. */
export type ReferenceLookup = (from: ReferenceScope, reference: Reference) => Promise<Lookup>;

export const MAX_REFERENCE_DEPTH = 25;

// `${` not followed by a second `{`, then anything up to the first `}`.
const REFERENCE = /\$\{(?!\{)([^{}]+)\}/g;

/** Reads the inside of `${…}`, or null when it names nothing. */
export function parseReference(body: string): Reference | null {
  let rest = body;
  let app: string | null = null;
  let env: string | null = null;
  const appEnd = rest.indexOf('::');
  if (appEnd >= 0) {
    app = rest.slice(0, appEnd);
    rest = rest.slice(appEnd + 2);
  }
  const envEnd = rest.indexOf('.');
  if (envEnd >= 0) {
    env = rest.slice(0, envEnd);
    rest = rest.slice(envEnd + 1);
  }
  // Another app is always named with one of its environments.
  if (app === '' || env === '' || (app !== null && env === null)) return null;
  const slash = rest.lastIndexOf('/');
  const key = rest.slice(slash + 1);
  if (key === '') return null;
  return { app, env, path: slash < 0 ? '/' : normalisePath(rest.slice(0, slash)), key };
}

/** Identifies a secret across the chain being resolved, to catch cycles. */
export function referenceId(scope: ReferenceScope, reference: Reference): string {
  return `${scope.environmentId}\n${reference.path}\n${reference.key}`;
}

/**
 * Resolves the references in `value`, which lives in `scope`. `chain` holds the secrets being
 * resolved on the way here, the value's own secret first.
 */
export async function resolveReferences(
  value: string,
  scope: ReferenceScope,
  lookup: ReferenceLookup,
  chain: string[]
): Promise<string> {
  let resolved = '';
  let last = 0;
  for (const match of value.matchAll(REFERENCE)) {
    const start = match.index;
    resolved += value.slice(last, start);
    last = start + match[0].length;
    const reference = parseReference(match[1] as string);
    const found = reference ? await lookup(scope, reference) : { kind: 'missing' as const };
    if (found.kind === 'denied') return resolved + value.slice(start);
    const id = found.kind === 'found' ? referenceId(found.scope, reference as Reference) : '';
    if (found.kind === 'missing' || chain.includes(id) || chain.length >= MAX_REFERENCE_DEPTH) {
      resolved += match[0];
      continue;
    }
    resolved += await resolveReferences(found.value, found.scope, lookup, [...chain, id]);
  }
  return resolved + value.slice(last);
}

/** Each secret with the references in its value resolved, in `scope`. */
export async function withResolvedValues<T extends { path: string; key: string; value: string }>(
  secrets: T[],
  scope: ReferenceScope,
  lookup: ReferenceLookup
): Promise<T[]> {
  const resolved: T[] = [];
  for (const secret of secrets) {
    const self = referenceId(scope, { app: null, env: null, path: secret.path, key: secret.key });
    resolved.push({
      ...secret,
      value: await resolveReferences(secret.value, scope, lookup, [self]),
    });
  }
  return resolved;
}
