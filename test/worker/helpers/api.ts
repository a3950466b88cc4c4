/**
 * Request helpers for tests that go through the Worker's own fetch, the way a client does.
 */
import { env, SELF } from 'cloudflare:test';
import { bytesToHex } from '../../../functions/crypto/encoding';
import {
  generateSigningKeyring,
  type SigningKeyring,
  signDetached,
  signingKeyringToKx,
} from '../../../functions/crypto/keys';
import { mintTokenMaterial } from '../../../functions/crypto/tokens';
import { registrationMessage } from '../../../functions/tenancy/identity';

export const BASE = 'https://custodian.test';
export const OPERATOR = 'Bearer test-bootstrap-token';

export interface Call {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: tests read response fields by name.
  body: any;
}

/** One request; the body is sent as JSON and the answer parsed when there is one. */
export async function call(
  method: string,
  path: string,
  auth?: string,
  body?: unknown
): Promise<Call> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (auth) headers.Authorization = auth;
  const init: RequestInit = { method, headers };
  if (body !== undefined) init.body = JSON.stringify(body);
  const res = await SELF.fetch(`${BASE}${path}`, init);
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}

/**
 * A request the way an SDK sends it: extra headers (`environment`, `path`, ...) and a JSON body
 * labelled as text, which the Worker must parse as JSON all the same.
 */
export async function sdkCall(
  method: string,
  path: string,
  auth: string,
  body?: unknown,
  headers: Record<string, string> = {}
): Promise<Call> {
  const init: RequestInit = {
    method,
    headers: { Authorization: auth, 'Content-Type': 'text/plain', ...headers },
  };
  if (body !== undefined) init.body = JSON.stringify(body);
  const res = await SELF.fetch(`${BASE}${path}`, init);
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}

export const userAuth = (bearer: string) => `Bearer User ${bearer}`;

/** Creates an organisation with a server-generated Owner keyring; returns what bootstrap said. */
export async function bootstrapOrg(name = `Org ${crypto.randomUUID().slice(0, 8)}`) {
  const email = `owner-${crypto.randomUUID().slice(0, 8)}@example.org`;
  const res = await call('POST', '/v1/bootstrap/', OPERATOR, {
    organisation: { name },
    owner: { name: 'Ada Owner', email },
  });
  if (res.status !== 201)
    throw new Error(`bootstrap failed: ${res.status} ${JSON.stringify(res.body)}`);
  const bearer = (res.body.bearerToken as string).split(' ')[1] as string;
  return { ...res.body, auth: userAuth(bearer), bearer };
}

/** A token minted on the client from its own keyring, with the signed registration. */
export function clientToken(keyring: SigningKeyring, expiresAt?: string) {
  const kx = signingKeyringToKx(keyring);
  const minted = mintTokenMaterial(kx.secretKey, kx.publicKey, 'User');
  const fields = {
    bearer_digest: minted.bearerDigest,
    wrapped_key_share: minted.wrappedKeyShare,
    ...(expiresAt !== undefined && { expires_at: expiresAt }),
  };
  const signature = bytesToHex(signDetached(registrationMessage(fields), keyring.secretKey));
  return { minted, registration: { ...fields, signature } };
}

/** A fresh client-held keyring with its public key in hex. */
export function clientKeyring() {
  const keyring = generateSigningKeyring();
  return { keyring, identityKey: bytesToHex(keyring.publicKey) };
}

/** A member created by `auth` with a server-generated keyring, and that member's auth. */
export async function addMember(auth: string, roleId: string) {
  const email = `m-${crypto.randomUUID().slice(0, 8)}@example.org`;
  const res = await call('POST', '/v1/members/', auth, { name: 'Mem Ber', email, role_id: roleId });
  if (res.status !== 201)
    throw new Error(`member create failed: ${res.status} ${JSON.stringify(res.body)}`);
  return {
    member: res.body,
    auth: userAuth((res.body.bearerToken as string).split(' ')[1] as string),
  };
}

/** The id of a role of the caller's organisation, by name. */
export async function roleId(auth: string, name: string): Promise<string> {
  const res = await call('GET', '/v1/roles/', auth);
  const role = (res.body.data as { id: string; name: string }[]).find((r) => r.name === name);
  if (!role) throw new Error(`no role ${name}`);
  return role.id;
}

/** A server-side KMS service account created by `auth`, with its first token's auth header. */
export async function addServiceAccount(auth: string, roleIdValue: string, name = 'ci-runner') {
  const res = await call('POST', '/v1/service-accounts/', auth, { name, role_id: roleIdValue });
  if (res.status !== 201)
    throw new Error(`SA create failed: ${res.status} ${JSON.stringify(res.body)}`);
  const bearer = (res.body.initialToken.bearerToken as string).split(' ')[1] as string;
  return { account: res.body, auth: `Bearer ServiceAccount ${bearer}`, bearer };
}

/** Rows straight from D1, for checking what a request stored. */
export async function rows(sql: string, ...binds: unknown[]) {
  return (
    await env.DB.prepare(sql)
      .bind(...binds)
      .all()
  ).results as Record<string, unknown>[];
}
