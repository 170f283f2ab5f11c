import { Role } from '@assay/shared/contracts';
import { updateReturning } from '@assay/shared/database';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface InvitationRow {
  id: string;
  email: string;
  role: Role;
  created_at: Date;
  expires_at: Date;
  accepted_at: Date | null;
  revoked_at: Date | null;
}

/** `tenancy.invitations`: single-use, expiring invitations to join a tenant (only the token's hash is stored). */
@Injectable()
export class InvitationsRepository {
  /** Withdraws any pending invitation to this address (a new one replaces it). */
  async revokePending(manager: EntityManager, tenantId: string, normalisedEmail: string): Promise<void> {
    await manager.query(
      `update tenancy.invitations set revoked_at = app.now() where tenant_id = $1 and lower(email) = $2 and accepted_at is null and revoked_at is null`,
      [tenantId, normalisedEmail],
    );
  }

  async insert(
    manager: EntityManager,
    invitation: { tenantId: string; id: string; email: string; role: Role; tokenHash: string; invitedBy: string | null; expiresAt: Date },
  ): Promise<InvitationRow> {
    const [row]: InvitationRow[] = await manager.query(
      `insert into tenancy.invitations (tenant_id, id, email, role, token_hash, invited_by, expires_at) values ($1, $2, $3, $4, $5, $6, $7) returning *`,
      [invitation.tenantId, invitation.id, invitation.email, invitation.role, invitation.tokenHash, invitation.invitedBy, invitation.expiresAt],
    );
    return row as InvitationRow;
  }

  /** Newest first, at most 200. */
  async list(manager: EntityManager, tenantId: string): Promise<InvitationRow[]> {
    return manager.query(`select * from tenancy.invitations where tenant_id = $1 order by created_at desc, id desc limit 200`, [tenantId]);
  }

  /** Withdraws a not yet accepted invitation; false when there is none. */
  async revoke(manager: EntityManager, tenantId: string, id: string): Promise<boolean> {
    const rows = await updateReturning<InvitationRow>(
      manager,
      `update tenancy.invitations set revoked_at = coalesce(revoked_at, app.now()) where tenant_id = $1 and id = $2 and accepted_at is null returning *`,
      [tenantId, id],
    );
    return rows.length > 0;
  }

  /** The pending (unaccepted, unrevoked, unexpired) invitation with this token hash. */
  async findPending(manager: EntityManager, tenantId: string, tokenHash: string): Promise<InvitationRow | null> {
    const [row]: InvitationRow[] = await manager.query(
      `select * from tenancy.invitations where tenant_id = $1 and token_hash = $2 and accepted_at is null and revoked_at is null and expires_at > app.now()`,
      [tenantId, tokenHash],
    );
    return row ?? null;
  }

  /** Claims a pending invitation for the user, atomically: false when it was used, withdrawn or expired meanwhile. */
  async claim(manager: EntityManager, tenantId: string, id: string, userId: string): Promise<boolean> {
    const claimed = await updateReturning<InvitationRow>(
      manager,
      `update tenancy.invitations set accepted_at = app.now(), accepted_by = $3 where tenant_id = $1 and id = $2 and accepted_at is null and revoked_at is null and expires_at > app.now() returning *`,
      [tenantId, id, userId],
    );
    return claimed.length > 0;
  }
}
