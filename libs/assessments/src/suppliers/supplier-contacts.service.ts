import { Identity } from '@assay/shared/contracts';
import { TenantDatabase, newId, updateReturning } from '@assay/shared/database';
import { ConflictProblem, NotFoundProblem } from '@assay/shared/http';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { audit, changedFields } from '../assessments-writes';
import { CreateContactDto, UpdateContactDto } from './suppliers.dto';
import { SuppliersService } from './suppliers.service';

export interface ContactRow {
  tenant_id: string;
  id: string;
  supplier_id: string;
  name: string;
  email: string;
  role: string | null;
  is_senior_responsible_owner: boolean;
  created_at: Date;
  updated_at: Date;
  removed_at: Date | null;
}

export interface ContactView {
  id: string;
  supplierId: string;
  name: string;
  email: string;
  role: string | null;
  isSeniorResponsibleOwner: boolean;
  createdAt: string;
  updatedAt: string;
}

export const contactView = (row: ContactRow): ContactView => ({
  id: row.id,
  supplierId: row.supplier_id,
  name: row.name,
  email: row.email,
  role: row.role,
  isSeniorResponsibleOwner: row.is_senior_responsible_owner,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});

const ONE_SRO_INDEX = 'assessments_supplier_contacts_one_sro';

/** A second SRO for one supplier breaks the partial unique index: a conflict the caller can fix. */
function isSecondSro(error: unknown): boolean {
  const driverError = error as { code?: string; constraint?: string; driverError?: { code?: string; constraint?: string } };
  const source = driverError.driverError ?? driverError;
  return source.code === '23505' && source.constraint === ONE_SRO_INDEX;
}

const SRO_CONFLICT = 'The supplier already has a Senior Responsible Owner; unset it on that contact first';

/** A supplier's contacts; at most one is its Senior Responsible Owner (enforced by a partial unique index). */
@Injectable()
export class SupplierContactsService {
  constructor(
    private readonly database: TenantDatabase,
    private readonly suppliers: SuppliersService,
  ) {}

  async create(identity: Identity, supplierId: string, input: CreateContactDto): Promise<ContactView> {
    const tenantId = identity.tenantId as string;
    const id = newId();
    try {
      return await this.database.run(async (m) => {
        await this.suppliers.find(m, tenantId, supplierId);
        const [row]: ContactRow[] = await m.query(
          `insert into assessments.supplier_contacts (tenant_id, id, supplier_id, name, email, role, is_senior_responsible_owner) values ($1, $2, $3, $4, $5, $6, $7) returning *`,
          [tenantId, id, supplierId, input.name.trim(), input.email.trim(), input.role?.trim() ?? null, input.isSeniorResponsibleOwner ?? false],
        );
        const contact = row as ContactRow;
        await audit(m, tenantId, {
          action: 'supplier_contact.created',
          targetType: 'supplier_contact',
          targetId: id,
          changes: { supplierId, name: contact.name, email: contact.email, isSeniorResponsibleOwner: contact.is_senior_responsible_owner },
        });
        return contactView(contact);
      }, tenantId);
    } catch (error) {
      if (isSecondSro(error)) throw new ConflictProblem(SRO_CONFLICT);
      throw error;
    }
  }

  async list(tenantId: string, supplierId: string): Promise<ContactView[]> {
    return this.database.run(async (m) => {
      await this.suppliers.find(m, tenantId, supplierId);
      const rows: ContactRow[] = await m.query(
        `select * from assessments.supplier_contacts where tenant_id = $1 and supplier_id = $2 and removed_at is null order by id`,
        [tenantId, supplierId],
      );
      return rows.map(contactView);
    }, tenantId);
  }

  async find(m: EntityManager, tenantId: string, supplierId: string, id: string): Promise<ContactRow> {
    const [row]: ContactRow[] = await m.query(
      `select * from assessments.supplier_contacts where tenant_id = $1 and supplier_id = $2 and id = $3 and removed_at is null`,
      [tenantId, supplierId, id],
    );
    if (!row) throw new NotFoundProblem('Contact');
    return row;
  }

  async update(identity: Identity, supplierId: string, id: string, input: UpdateContactDto): Promise<ContactView> {
    const tenantId = identity.tenantId as string;
    try {
      return await this.database.run(async (m) => {
        const before = await this.find(m, tenantId, supplierId, id);
        const [row] = await updateReturning<ContactRow>(
          m,
          `update assessments.supplier_contacts set name = coalesce($4, name), email = coalesce($5, email), role = case when $6::boolean then $7 else role end,
             is_senior_responsible_owner = coalesce($8, is_senior_responsible_owner), updated_at = now()
           where tenant_id = $1 and supplier_id = $2 and id = $3 returning *`,
          [
            tenantId,
            supplierId,
            id,
            input.name?.trim() ?? null,
            input.email?.trim() ?? null,
            input.role !== undefined,
            input.role?.trim() ?? null,
            input.isSeniorResponsibleOwner ?? null,
          ],
        );
        const after = contactView(row as ContactRow);
        const changes = changedFields(contactView(before) as unknown as Record<string, unknown>, after as unknown as Record<string, unknown>);
        delete changes['updatedAt'];
        if (Object.keys(changes).length)
          await audit(m, tenantId, { action: 'supplier_contact.updated', targetType: 'supplier_contact', targetId: id, changes });
        return after;
      }, tenantId);
    } catch (error) {
      if (isSecondSro(error)) throw new ConflictProblem(SRO_CONFLICT);
      throw error;
    }
  }

  /** Removes a contact from the list and withdraws their portal links; what they signed stays. */
  async remove(identity: Identity, supplierId: string, id: string): Promise<void> {
    const tenantId = identity.tenantId as string;
    await this.database.run(async (m) => {
      const contact = await this.find(m, tenantId, supplierId, id);
      await m.query(
        `update assessments.supplier_contacts set removed_at = now(), is_senior_responsible_owner = false, updated_at = now() where tenant_id = $1 and id = $2`,
        [tenantId, id],
      );
      await m.query(`update assessments.portal_tokens set revoked_at = now() where tenant_id = $1 and contact_id = $2 and revoked_at is null`, [tenantId, id]);
      await audit(m, tenantId, {
        action: 'supplier_contact.removed',
        targetType: 'supplier_contact',
        targetId: id,
        changes: { supplierId, email: contact.email },
      });
    }, tenantId);
  }
}
