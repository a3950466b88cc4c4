/**
 * Writes that can race another request. Those for a service account that run outside its
 * Durable Object (access grants, handler sets) can race the account's deletion; guarded changes
 * can race a removal. These replay the losing order directly, the other request committed just
 * before the write's batch, and hold that the write then stores nothing (no key material, no
 * audit event of a change that did not happen), while the winning order stores its rows.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { createDb } from '../../db/client';
import { applyKeyChanges } from '../../db/queries/apps';
import type { AuditEventRow } from '../../db/queries/audit';
import { updateMemberRole } from '../../db/queries/members';
import { replaceHandlers } from '../../db/queries/service-accounts';
import { revokeToken } from '../../db/queries/tokens';
import { addMember, addServiceAccount, bootstrapOrg, call, roleId, rows } from './helpers/api';

/** An organisation with an SSE app, and one account that is then deleted and one that is not. */
async function world() {
  const org = await bootstrapOrg();
  const app = await call('POST', '/v1/apps/', org.auth, { name: 'storefront' });
  const dev = app.body.environments.find((e: { name: string }) => e.name === 'Development').id;
  const serviceRole = await roleId(org.auth, 'Service');
  const live = await addServiceAccount(org.auth, serviceRole, 'live');
  const gone = await addServiceAccount(org.auth, serviceRole, 'gone');
  const deleted = await call('DELETE', `/v1/service-accounts/${gone.account.id}/`, org.auth);
  expect(deleted.status).toBe(204);
  return {
    organisationId: org.organisation.id as string,
    ownerId: org.owner.id as string,
    dev: dev as string,
    liveId: live.account.id as string,
    goneId: gone.account.id as string,
  };
}

function audit(organisationId: string, resourceId: string): AuditEventRow {
  return {
    id: crypto.randomUUID(),
    organisationId,
    eventType: 'A',
    resourceType: 'sa',
    resourceId,
    actorType: 'operator',
    createdAt: Date.now(),
  };
}

describe('writes racing a service account’s deletion', () => {
  it('grants no environment key to an account deleted meanwhile', async () => {
    const w = await world();
    const db = createDb(env.DB);
    const grant = (serviceAccountId: string) => ({
      id: crypto.randomUUID(),
      environmentId: w.dev,
      organisationId: w.organisationId,
      memberId: null,
      serviceAccountId,
      identityKey: 'ab'.repeat(32),
      wrappedSeed: 'wrapped-seed',
      wrappedSalt: 'wrapped-salt',
      createdAt: Date.now(),
      updatedAt: Date.now(),
      deletedAt: null,
    });
    for (const id of [w.liveId, w.goneId]) {
      await applyKeyChanges(db, [grant(id)], [], Date.now(), audit(w.organisationId, id));
    }
    const held = (id: string) =>
      rows(
        'SELECT * FROM environment_keys WHERE service_account_id = ? AND deleted_at IS NULL',
        id
      );
    expect(await held(w.liveId)).toHaveLength(1);
    expect(await held(w.goneId)).toEqual([]);
  });

  it('keeps no handler wrap of an account deleted meanwhile', async () => {
    const w = await world();
    const db = createDb(env.DB);
    const wrap = (serviceAccountId: string) => ({
      id: crypto.randomUUID(),
      serviceAccountId,
      memberId: w.ownerId,
      wrappedKeyring: 'wrapped-keyring',
      wrappedRecovery: '',
      createdAt: Date.now(),
    });
    const ids = [w.liveId, w.goneId];
    const audits = ids.map((id) => audit(w.organisationId, id));
    await replaceHandlers(db, ids, ids.map(wrap), audits);
    const wraps = (id: string) =>
      rows('SELECT * FROM service_account_handlers WHERE service_account_id = ?', id);
    expect(await wraps(w.liveId)).toHaveLength(1);
    expect(await wraps(w.goneId)).toEqual([]);
  });
});

describe('audit events of guarded changes', () => {
  const recorded = async (event: AuditEventRow) =>
    (await rows('SELECT id FROM audit_events WHERE id = ?', event.id)).length;

  it('records a token revoked once, not again by a second revocation', async () => {
    const w = await world();
    const db = createDb(env.DB);
    const live = await rows('SELECT id FROM tokens WHERE service_account_id = ?', w.liveId);
    const tokenId = live[0]?.id as string;
    const first = audit(w.organisationId, tokenId);
    const second = audit(w.organisationId, tokenId);
    await revokeToken(db, w.organisationId, tokenId, Date.now(), first);
    await revokeToken(db, w.organisationId, tokenId, Date.now(), second);
    expect(await recorded(first)).toBe(1);
    expect(await recorded(second)).toBe(0);
  });

  it('records no role change for a member removed meanwhile', async () => {
    const org = await bootstrapOrg();
    const db = createDb(env.DB);
    const [developer, manager] = await Promise.all([
      roleId(org.auth, 'Developer'),
      roleId(org.auth, 'Manager'),
    ]);
    const stays = await addMember(org.auth, developer);
    const leaves = await addMember(org.auth, developer);
    expect((await call('DELETE', `/v1/members/${leaves.member.id}/`, org.auth)).status).toBe(204);
    const events = [stays, leaves].map(({ member }) => {
      const event = audit(org.organisation.id, member.id);
      return { member, event };
    });
    for (const { member, event } of events) {
      await updateMemberRole(db, org.organisation.id, member.id, manager, Date.now(), event);
    }
    expect(await recorded((events[0] as { event: AuditEventRow }).event)).toBe(1);
    expect(await recorded((events[1] as { event: AuditEventRow }).event)).toBe(0);
  });
});
