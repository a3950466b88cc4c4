import { and, asc, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { apps, environmentKeys, environments, serverEnvironmentKeys } from '../schema';
import { type AuditEventRow, insertAuditEvent } from './audit';
import { insertWhileAccountLive } from './conditional-insert';

export type AppRow = typeof apps.$inferSelect;
export type EnvironmentRow = typeof environments.$inferSelect;
export type EnvironmentKeyRow = typeof environmentKeys.$inferSelect;
export type ServerEnvironmentKeyRow = typeof serverEnvironmentKeys.$inferSelect;

/** Who holds an environment key: a member or a service account. */
export type Holder = { memberId: string } | { serviceAccountId: string };

export function holderCondition(holder: Holder) {
  return 'memberId' in holder
    ? eq(environmentKeys.memberId, holder.memberId)
    : eq(environmentKeys.serviceAccountId, holder.serviceAccountId);
}

const liveKey = isNull(environmentKeys.deletedAt);

/** Everything a new app starts with. */
export interface NewApp {
  app: AppRow;
  environments: EnvironmentRow[];
  serverKeys: ServerEnvironmentKeyRow[];
  keys: EnvironmentKeyRow[];
  audit: AuditEventRow[];
}

/** Writes an app with its environments and keys in one batch, one statement per row. */
export async function insertApp(db: Db, input: NewApp) {
  await db.batch([
    db.insert(apps).values(input.app),
    ...input.environments.map((row) => db.insert(environments).values(row)),
    ...input.serverKeys.map((row) => db.insert(serverEnvironmentKeys).values(row)),
    ...input.keys.map((row) => db.insert(environmentKeys).values(row)),
    ...input.audit.map((event) => insertAuditEvent(db, event)),
  ]);
}

/** Writes one new environment with its keys in one batch. */
export async function insertEnvironment(
  db: Db,
  input: Omit<NewApp, 'app' | 'environments'> & { environment: EnvironmentRow }
) {
  await db.batch([
    db.insert(environments).values(input.environment),
    ...input.serverKeys.map((row) => db.insert(serverEnvironmentKeys).values(row)),
    ...input.keys.map((row) => db.insert(environmentKeys).values(row)),
    ...input.audit.map((event) => insertAuditEvent(db, event)),
  ]);
}

/** Live apps of the organisation, newest first; for a holder, only apps it holds a key in. */
export async function listApps(db: Db, organisationId: string, holder: Holder | null) {
  const live = and(eq(apps.organisationId, organisationId), isNull(apps.deletedAt));
  if (!holder) return db.select().from(apps).where(live).orderBy(desc(apps.createdAt));
  const held = db
    .select({ appId: environments.appId })
    .from(environmentKeys)
    .innerJoin(environments, eq(environments.id, environmentKeys.environmentId))
    .where(and(holderCondition(holder), liveKey));
  return db
    .select()
    .from(apps)
    .where(and(live, inArray(apps.id, held)))
    .orderBy(desc(apps.createdAt));
}

/** One live app of the organisation, or null. */
export async function findApp(db: Db, organisationId: string, appId: string) {
  const [row] = await db
    .select()
    .from(apps)
    .where(
      and(eq(apps.organisationId, organisationId), eq(apps.id, appId), isNull(apps.deletedAt))
    );
  return row ?? null;
}

/** The oldest live app of the organisation with this name, ignoring case, or null. */
export async function findAppByName(db: Db, organisationId: string, name: string) {
  const [row] = await db
    .select()
    .from(apps)
    .where(
      and(
        eq(apps.organisationId, organisationId),
        eq(sql`lower(${apps.name})`, name.toLowerCase()),
        isNull(apps.deletedAt)
      )
    )
    .orderBy(asc(apps.createdAt))
    .limit(1);
  return row ?? null;
}

/** The live environments of an app, in display order. */
export function listEnvironments(db: Db, appId: string) {
  return db
    .select()
    .from(environments)
    .where(and(eq(environments.appId, appId), isNull(environments.deletedAt)))
    .orderBy(asc(environments.position));
}

/** The live environment of an app with this name, ignoring case, or null. */
export async function findEnvironmentByName(db: Db, appId: string, name: string) {
  const [row] = await db
    .select()
    .from(environments)
    .where(
      and(
        eq(environments.appId, appId),
        eq(environments.nameKey, name.toLowerCase()),
        isNull(environments.deletedAt)
      )
    );
  return row ?? null;
}

/** The holder's live key for an environment, or null: holding one is environment access. */
export async function findHolderKey(db: Db, environmentId: string, holder: Holder) {
  const [row] = await db
    .select()
    .from(environmentKeys)
    .where(and(eq(environmentKeys.environmentId, environmentId), holderCondition(holder), liveKey));
  return row ?? null;
}

/** Every live key of a holder with its environment and app, in app order then position. */
export function listHolderKeys(db: Db, organisationId: string, holder: Holder) {
  return db
    .select({ key: environmentKeys, environment: environments, app: apps })
    .from(environmentKeys)
    .innerJoin(environments, eq(environments.id, environmentKeys.environmentId))
    .innerJoin(apps, eq(apps.id, environments.appId))
    .where(
      and(
        eq(environmentKeys.organisationId, organisationId),
        holderCondition(holder),
        liveKey,
        isNull(environments.deletedAt),
        isNull(apps.deletedAt)
      )
    )
    .orderBy(asc(apps.createdAt), asc(environments.position));
}

/** The server's copies of the given environments. */
export function listServerKeys(db: Db, environmentIds: string[]) {
  if (environmentIds.length === 0) return Promise.resolve([]);
  return db
    .select()
    .from(serverEnvironmentKeys)
    .where(inArray(serverEnvironmentKeys.environmentId, environmentIds));
}

/** The statement that revokes keys: soft-deleted with their wraps blanked (§10.11). */
export function revokeKeysStatement(db: Db, keyIds: string[], nowMs: number) {
  return db
    .update(environmentKeys)
    .set({ wrappedSeed: '', wrappedSalt: '', deletedAt: nowMs, updatedAt: nowMs })
    .where(and(inArray(environmentKeys.id, keyIds), liveKey));
}

/** Grants and revocations of environment keys with their audit events, in one batch. */
export async function applyKeyChanges(
  db: Db,
  grants: EnvironmentKeyRow[],
  revokedKeyIds: string[],
  nowMs: number,
  audit: AuditEventRow
) {
  await db.batch([
    insertAuditEvent(db, audit),
    ...(revokedKeyIds.length > 0 ? [revokeKeysStatement(db, revokedKeyIds, nowMs)] : []),
    ...grants.map((row) =>
      // Service-account grants run outside the account's Durable Object: see conditional-insert.ts.
      row.serviceAccountId === null
        ? db.insert(environmentKeys).values(row)
        : insertWhileAccountLive(db, environmentKeys, row, row.serviceAccountId)
    ),
  ]);
}

/** Renames or re-describes an app, with its audit event, in one batch. */
export async function updateApp(
  db: Db,
  appId: string,
  changes: Partial<Pick<AppRow, 'name' | 'description' | 'updatedAt'>>,
  audit: AuditEventRow
) {
  await db.batch([
    db.update(apps).set(changes).where(eq(apps.id, appId)),
    insertAuditEvent(db, audit),
  ]);
}

/** Deletes an app: the app and its environments soft-deleted, every key to them blanked. */
export async function deleteApp(db: Db, appId: string, nowMs: number, audit: AuditEventRow) {
  const appEnvironments = db
    .select({ id: environments.id })
    .from(environments)
    .where(eq(environments.appId, appId));
  await db.batch([
    db
      .update(environmentKeys)
      .set({ wrappedSeed: '', wrappedSalt: '', deletedAt: nowMs, updatedAt: nowMs })
      .where(and(inArray(environmentKeys.environmentId, appEnvironments), liveKey)),
    db
      .delete(serverEnvironmentKeys)
      .where(inArray(serverEnvironmentKeys.environmentId, appEnvironments)),
    db
      .update(environments)
      .set({ deletedAt: nowMs })
      .where(and(eq(environments.appId, appId), isNull(environments.deletedAt))),
    db.update(apps).set({ deletedAt: nowMs, updatedAt: nowMs }).where(eq(apps.id, appId)),
    insertAuditEvent(db, audit),
  ]);
}

/** Marks an environment as written to, as Phase bumps `updatedAt` on every secret write. */
export function touchEnvironmentStatement(db: Db, environmentId: string, nowMs: number) {
  return db
    .update(environments)
    .set({ updatedAt: nowMs })
    .where(eq(environments.id, environmentId));
}

/**
 * A live environment of the organisation with its app and the holder's live key (null when it
 * holds none), as one query: what every secrets request checks first.
 */
export function environmentWithKeyQuery(
  db: Db,
  organisationId: string,
  environmentId: string,
  holder: Holder
) {
  return db
    .select({ environment: environments, app: apps, key: environmentKeys })
    .from(environments)
    .innerJoin(apps, eq(apps.id, environments.appId))
    .leftJoin(
      environmentKeys,
      and(eq(environmentKeys.environmentId, environments.id), holderCondition(holder), liveKey)
    )
    .where(
      and(
        eq(environments.organisationId, organisationId),
        eq(environments.id, environmentId),
        isNull(environments.deletedAt),
        isNull(apps.deletedAt)
      )
    );
}
