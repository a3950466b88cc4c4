import { and, count, desc, eq, inArray, isNull, lt } from 'drizzle-orm';
import type { Db } from '../client';
import {
  environmentKeys,
  members,
  roles,
  serviceAccountHandlers,
  serviceAccountKeyrings,
  serviceAccounts,
  tokens,
} from '../schema';
import { type AuditEventRow, insertAuditEvent, insertAuditEventIfChanged } from './audit';
import { insertWhileAccountLive } from './conditional-insert';

export type ServiceAccountRow = typeof serviceAccounts.$inferSelect;
export type KeyringRow = typeof serviceAccountKeyrings.$inferSelect;
export type HandlerRow = typeof serviceAccountHandlers.$inferSelect;
type TokenRow = typeof tokens.$inferSelect;

/** An account with its role and whether the server holds its keyring. */
export interface ServiceAccountWithRole {
  serviceAccount: ServiceAccountRow;
  role: typeof roles.$inferSelect;
  serverKeyring: boolean;
}

const active = (organisationId: string) =>
  and(eq(serviceAccounts.organisationId, organisationId), isNull(serviceAccounts.deletedAt));

function selectWithRole(db: Db) {
  return db
    .select({
      serviceAccount: serviceAccounts,
      role: roles,
      keyringOf: serviceAccountKeyrings.serviceAccountId,
    })
    .from(serviceAccounts)
    .innerJoin(roles, eq(roles.id, serviceAccounts.roleId))
    .leftJoin(
      serviceAccountKeyrings,
      eq(serviceAccountKeyrings.serviceAccountId, serviceAccounts.id)
    );
}

const withKeyringFlag = (row: {
  serviceAccount: ServiceAccountRow;
  role: typeof roles.$inferSelect;
  keyringOf: string | null;
}): ServiceAccountWithRole => ({
  serviceAccount: row.serviceAccount,
  role: row.role,
  serverKeyring: row.keyringOf !== null,
});

/** Active accounts of the organisation, newest first. */
export async function listServiceAccounts(db: Db, organisationId: string) {
  const rows = await selectWithRole(db)
    .where(active(organisationId))
    .orderBy(desc(serviceAccounts.createdAt));
  return rows.map(withKeyringFlag);
}

/** One active account of the organisation, or null. */
export async function findServiceAccount(db: Db, organisationId: string, id: string) {
  const [row] = await selectWithRole(db).where(
    and(active(organisationId), eq(serviceAccounts.id, id))
  );
  return row ? withKeyringFlag(row) : null;
}

/** The account's live tokens (expired ones included), newest first. */
export function listServiceAccountTokens(
  db: Db,
  organisationId: string,
  id: string
): Promise<TokenRow[]> {
  return db
    .select()
    .from(tokens)
    .where(
      and(
        eq(tokens.organisationId, organisationId),
        eq(tokens.serviceAccountId, id),
        isNull(tokens.deletedAt)
      )
    )
    .orderBy(desc(tokens.createdAt));
}

/** How many active accounts hold the role. */
export async function countServiceAccountsWithRole(db: Db, roleId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(serviceAccounts)
    .where(and(eq(serviceAccounts.roleId, roleId), isNull(serviceAccounts.deletedAt)));
  return row?.n ?? 0;
}

// One statement per row: D1 caps the bound parameters of a statement at 100, which a
// multi-row insert of handler wraps would pass at fifteen handlers.
const insertHandlerRows = (db: Db, rows: HandlerRow[]) =>
  rows.map((row) => db.insert(serviceAccountHandlers).values(row));

// Handler sets are replaced outside the account's Durable Object, so they must not revive it.
const insertLiveHandlerRows = (db: Db, rows: HandlerRow[]) =>
  rows.map((row) => insertWhileAccountLive(db, serviceAccountHandlers, row, row.serviceAccountId));

/** Everything a new account starts with, written in one batch. */
export interface NewServiceAccount {
  serviceAccount: ServiceAccountRow;
  keyring: KeyringRow | null;
  handlers: HandlerRow[];
  firstToken: TokenRow | null;
  audit: AuditEventRow[];
}

export async function insertServiceAccount(db: Db, input: NewServiceAccount) {
  await db.batch([
    db.insert(serviceAccounts).values(input.serviceAccount),
    ...(input.keyring ? [db.insert(serviceAccountKeyrings).values(input.keyring)] : []),
    ...insertHandlerRows(db, input.handlers),
    ...(input.firstToken ? [db.insert(tokens).values(input.firstToken)] : []),
    ...input.audit.map((event) => insertAuditEvent(db, event)),
  ]);
}

/** Renames an account or changes its role, with the audit event, in one batch. */
export async function updateServiceAccount(
  db: Db,
  organisationId: string,
  id: string,
  changes: Partial<Pick<ServiceAccountRow, 'name' | 'roleId' | 'updatedAt'>>,
  audit: AuditEventRow
) {
  const where = and(active(organisationId), eq(serviceAccounts.id, id));
  await db.batch([
    db.update(serviceAccounts).set(changes).where(where),
    insertAuditEventIfChanged(db, audit),
  ]);
}

/**
 * Deletes an account in one batch: the account and its live tokens soft-deleted, its environment
 * keys blanked, its handler wraps and server-side keyring destroyed, so no row keeps usable key
 * material for it.
 */
export async function deleteServiceAccount(
  db: Db,
  organisationId: string,
  id: string,
  nowMs: number,
  audit: AuditEventRow
) {
  await db.batch([
    db
      .update(serviceAccounts)
      .set({ deletedAt: nowMs, updatedAt: nowMs })
      .where(and(active(organisationId), eq(serviceAccounts.id, id))),
    // Straight after the update it records: see insertAuditEventIfChanged.
    insertAuditEventIfChanged(db, audit),
    db
      .update(tokens)
      .set({ deletedAt: nowMs })
      .where(and(eq(tokens.serviceAccountId, id), isNull(tokens.deletedAt))),
    db
      .update(environmentKeys)
      .set({ wrappedSeed: '', wrappedSalt: '', deletedAt: nowMs, updatedAt: nowMs })
      .where(and(eq(environmentKeys.serviceAccountId, id), isNull(environmentKeys.deletedAt))),
    db.delete(serviceAccountHandlers).where(eq(serviceAccountHandlers.serviceAccountId, id)),
    db.delete(serviceAccountKeyrings).where(eq(serviceAccountKeyrings.serviceAccountId, id)),
  ]);
}

/** The server-side keyring envelope of an account, or null under client-side KMS. */
export async function findKeyring(db: Db, serviceAccountId: string): Promise<KeyringRow | null> {
  const [row] = await db
    .select()
    .from(serviceAccountKeyrings)
    .where(eq(serviceAccountKeyrings.serviceAccountId, serviceAccountId));
  return row ?? null;
}

export async function insertKeyring(db: Db, keyring: KeyringRow, audit: AuditEventRow) {
  await db.batch([db.insert(serviceAccountKeyrings).values(keyring), insertAuditEvent(db, audit)]);
}

export async function deleteKeyring(db: Db, serviceAccountId: string, audit: AuditEventRow) {
  await db.batch([
    db
      .delete(serviceAccountKeyrings)
      .where(eq(serviceAccountKeyrings.serviceAccountId, serviceAccountId)),
    insertAuditEvent(db, audit),
  ]);
}

/** Swaps in a re-wrapped envelope, but only over the one it was made from. */
export async function replaceKeyringEnvelope(
  db: Db,
  serviceAccountId: string,
  from: string,
  to: { envelope: string; keyVersion: number },
  nowMs: number
): Promise<boolean> {
  const result = await db
    .update(serviceAccountKeyrings)
    .set({ ...to, updatedAt: nowMs })
    .where(
      and(
        eq(serviceAccountKeyrings.serviceAccountId, serviceAccountId),
        eq(serviceAccountKeyrings.envelope, from)
      )
    );
  return result.meta.changes === 1;
}

/** Keyrings still wrapped under a root key older than `version`, a page at a time. */
export function listKeyringsBelowVersion(db: Db, version: number, limit: number) {
  return db
    .select({
      serviceAccountId: serviceAccountKeyrings.serviceAccountId,
      organisationId: serviceAccountKeyrings.organisationId,
    })
    .from(serviceAccountKeyrings)
    .where(lt(serviceAccountKeyrings.keyVersion, version))
    .limit(limit);
}

/** How many keyrings are still under an older root key. */
export async function countKeyringsBelowVersion(db: Db, version: number): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(serviceAccountKeyrings)
    .where(lt(serviceAccountKeyrings.keyVersion, version));
  return row?.n ?? 0;
}

/** Handler rows of one account. */
export function listHandlers(db: Db, serviceAccountId: string): Promise<HandlerRow[]> {
  return db
    .select()
    .from(serviceAccountHandlers)
    .where(eq(serviceAccountHandlers.serviceAccountId, serviceAccountId));
}

/** Replaces the handler sets of the listed accounts, in one batch. */
export async function replaceHandlers(
  db: Db,
  serviceAccountIds: string[],
  rows: HandlerRow[],
  audit: AuditEventRow[]
) {
  await db.batch([
    db
      .delete(serviceAccountHandlers)
      .where(inArray(serviceAccountHandlers.serviceAccountId, serviceAccountIds)),
    ...insertLiveHandlerRows(db, rows),
    ...audit.map((event) => insertAuditEvent(db, event)),
  ]);
}

/** Active members with an identity key, with their roles: the pool handlers come from. */
export function listMembersWithKeys(db: Db, organisationId: string) {
  return db
    .select({ member: members, role: roles })
    .from(members)
    .innerJoin(roles, eq(roles.id, members.roleId))
    .where(and(eq(members.organisationId, organisationId), isNull(members.deletedAt)));
}
