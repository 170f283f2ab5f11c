import { AuditEvent, AuditVerification, TenantDatabase, listAuditEvents, verifyAuditChain } from '@assay/shared/database';
import { Page, decodeCursor, encodeCursor } from '@assay/shared/http';
import { Injectable } from '@nestjs/common';

/** Reading and verifying the tenant's audit chain (written by every service). */
@Injectable()
export class AuditService {
  constructor(private readonly database: TenantDatabase) {}

  async list(tenantId: string, limit: number, cursor?: string): Promise<Page<AuditEvent>> {
    const before = decodeCursor(cursor, ['integer'])?.[0];
    const rows = await this.database.run((m) => listAuditEvents(m, tenantId, limit + 1, typeof before === 'number' ? before : undefined), tenantId);
    const data = rows.slice(0, limit);
    const last = data[data.length - 1];
    return { data, nextCursor: rows.length > limit && last ? encodeCursor([last.seq]) : null };
  }

  async verify(tenantId: string): Promise<AuditVerification> {
    return this.database.run((m) => verifyAuditChain(m, tenantId), tenantId);
  }
}
