/** The audit trail of admin actions: keys, policies, credit grants, grid imports, organisations. */
import type { Db } from './db/client';
import { auditLog } from './db/schema';

export interface AuditEntry {
  orgId: string | null;
  actorKeyId: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  details?: Record<string, unknown>;
}

/** Writes one entry; call it inside the transaction that made the change so both land or neither. */
export async function audit(db: Db, entry: AuditEntry): Promise<void> {
  await db.insert(auditLog).values({ ...entry, details: entry.details ?? {} });
}
