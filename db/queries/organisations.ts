import type { Db } from '../client';
import { members, organisations, roles, tokens } from '../schema';
import { type AuditEventRow, insertAuditEvent } from './audit';

/** Everything a new organisation starts with. */
export interface NewOrganisation {
  organisation: typeof organisations.$inferInsert;
  roles: (typeof roles.$inferInsert)[];
  owner: typeof members.$inferInsert;
  ownerToken: typeof tokens.$inferInsert;
  audit: AuditEventRow[];
}

/** Creates an organisation, its managed roles, its Owner and the Owner's token in one batch. */
export async function insertOrganisation(db: Db, input: NewOrganisation) {
  await db.batch([
    db.insert(organisations).values(input.organisation),
    db.insert(roles).values(input.roles),
    db.insert(members).values(input.owner),
    db.insert(tokens).values(input.ownerToken),
    ...input.audit.map((event) => insertAuditEvent(db, event)),
  ]);
}
