import { updateReturning } from '@assay/shared/database';
import { NotFoundProblem } from '@assay/shared/http';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

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

export type NewContact = Pick<ContactRow, 'id' | 'supplier_id' | 'name' | 'email' | 'role' | 'is_senior_responsible_owner'>;

/** Fields left undefined keep their value; `role` may be set to null. */
export type ContactChanges = Partial<Pick<ContactRow, 'name' | 'email' | 'role' | 'is_senior_responsible_owner'>>;

/** The contacts of a tenant's suppliers (removed ones stay, hidden, for what they signed). */
@Injectable()
export class SupplierContactsRepository {
  async insert(m: EntityManager, tenantId: string, contact: NewContact): Promise<ContactRow> {
    const [row]: ContactRow[] = await m.query(
      `insert into assessments.supplier_contacts (tenant_id, id, supplier_id, name, email, role, is_senior_responsible_owner) values ($1, $2, $3, $4, $5, $6, $7) returning *`,
      [tenantId, contact.id, contact.supplier_id, contact.name, contact.email, contact.role, contact.is_senior_responsible_owner],
    );
    return row as ContactRow;
  }

  /** Current contacts of the given suppliers, oldest first. */
  listForSuppliers(m: EntityManager, tenantId: string, supplierIds: string[]): Promise<ContactRow[]> {
    return m.query(
      `select * from assessments.supplier_contacts where tenant_id = $1 and supplier_id = any($2::uuid[]) and removed_at is null order by id asc`,
      [tenantId, supplierIds],
    );
  }

  /** The supplier's current contacts, oldest first. */
  list(m: EntityManager, tenantId: string, supplierId: string): Promise<ContactRow[]> {
    return m.query(`select * from assessments.supplier_contacts where tenant_id = $1 and supplier_id = $2 and removed_at is null order by id`, [
      tenantId,
      supplierId,
    ]);
  }

  /** A current contact of the supplier, or 404. */
  async find(m: EntityManager, tenantId: string, supplierId: string, id: string): Promise<ContactRow> {
    const [row]: ContactRow[] = await m.query(
      `select * from assessments.supplier_contacts where tenant_id = $1 and supplier_id = $2 and id = $3 and removed_at is null`,
      [tenantId, supplierId, id],
    );
    if (!row) throw new NotFoundProblem('Contact');
    return row;
  }

  /** A contact, removed or not (the portal names whoever its link was issued to). */
  async findIncludingRemoved(m: EntityManager, tenantId: string, id: string): Promise<ContactRow | null> {
    const [row]: ContactRow[] = await m.query(`select * from assessments.supplier_contacts where tenant_id = $1 and id = $2`, [tenantId, id]);
    return row ?? null;
  }

  async update(m: EntityManager, tenantId: string, supplierId: string, id: string, changes: ContactChanges): Promise<ContactRow> {
    const [row] = await updateReturning<ContactRow>(
      m,
      `update assessments.supplier_contacts set name = coalesce($4, name), email = coalesce($5, email), role = case when $6::boolean then $7 else role end,
         is_senior_responsible_owner = coalesce($8, is_senior_responsible_owner), updated_at = app.now()
       where tenant_id = $1 and supplier_id = $2 and id = $3 returning *`,
      [
        tenantId,
        supplierId,
        id,
        changes.name ?? null,
        changes.email ?? null,
        changes.role !== undefined,
        changes.role ?? null,
        changes.is_senior_responsible_owner ?? null,
      ],
    );
    return row as ContactRow;
  }

  /** Marks the contact removed (no longer the SRO); their portal links are revoked with it. */
  async remove(m: EntityManager, tenantId: string, id: string): Promise<void> {
    await m.query(
      `update assessments.supplier_contacts set removed_at = app.now(), is_senior_responsible_owner = false, updated_at = app.now() where tenant_id = $1 and id = $2`,
      [tenantId, id],
    );
  }
}
