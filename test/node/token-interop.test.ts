import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import { bootstrap, call, roleId } from './helpers';

// libsodium-wrappers' ESM entry is broken in 0.7.16; its CommonJS entry works.
const sodium = createRequire(import.meta.url)('libsodium-wrappers');

// The Phase Node SDK's own pattern for a token string.
const HEX64 = '([a-fA-F0-9]{64})';
const SDK_PATTERN = new RegExp(`^(pss_(user|service)):v\\d+:${HEX64}:${HEX64}:${HEX64}:${HEX64}$`);

beforeAll(async () => {
  await sodium.ready;
});

/** The SDK's key rebuild, written with libsodium: decrypt share B, XOR it with share A. */
function rebuildWithLibsodium(token: string, wrappedKeyShare: string): Uint8Array {
  const [, , , , shareAHex, wrapKeyHex] = token.split(':') as string[];
  const blob = sodium.from_hex(wrappedKeyShare);
  const nonce = blob.slice(blob.length - 24);
  const sealed = blob.slice(0, blob.length - 24);
  const shareBHex = sodium.to_string(
    sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
      null,
      sealed,
      null,
      nonce,
      sodium.from_hex(wrapKeyHex)
    )
  );
  const shareA = sodium.from_hex(shareAHex);
  const shareB = sodium.from_hex(shareBHex);
  return shareA.map((byte: number, i: number) => byte ^ shareB[i]);
}

describe('service-account tokens against libsodium', () => {
  it('rebuilds the X25519 key from the token and /service/secrets/tokens/', async () => {
    const org = await bootstrap();
    const created = await call('POST', '/v1/service-accounts/', org.auth, {
      name: 'interop',
      role_id: await roleId(org.auth, 'Service'),
    });
    expect(created.status).toBe(201);
    const minted = await call('POST', `/v1/service-accounts/${created.body.id}/tokens/`, org.auth, {
      name: 'interop',
      expires_in: 3600,
    });
    const token: string = minted.body.token;
    expect(token).toMatch(SDK_PATTERN);

    const session = await call(
      'GET',
      '/service/secrets/tokens/',
      `Bearer ${minted.body.bearerToken}`
    );
    expect(session.status).toBe(200);
    const secretKey = rebuildWithLibsodium(token, session.body.wrapped_key_share);
    expect(sodium.to_hex(sodium.crypto_scalarmult_base(secretKey))).toBe(token.split(':')[3]);
    // And it is the Montgomery form of the account's Ed25519 identity key.
    const expected = sodium.crypto_sign_ed25519_pk_to_curve25519(
      sodium.from_hex(created.body.identityKey)
    );
    expect(sodium.to_hex(expected)).toBe(token.split(':')[3]);
  });
});
