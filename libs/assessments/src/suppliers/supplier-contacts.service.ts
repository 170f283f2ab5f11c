import { TenantDatabase, newId } from '@assay/shared/database';
import { ConflictProblem } from '@assay/shared/http';
import { Injectable } from '@nestjs/common';
import { audit, changedFields } from '../assessments-writes';
import { PortalTokensRepository } from '../portal/portal-tokens.repository';
import { ContactRow, SupplierContactsRepository } from './supplier-contacts.repository';
import { CreateContactDto, UpdateContactDto } from './suppliers.dto';
import { SuppliersRepository } from './suppliers.repository';

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
    private readonly suppliers: SuppliersRepository,
    private readonly repository: SupplierContactsRepository,
    private readonly portalTokens: PortalTokensRepository,
  ) {}

  async create(tenantId: string, supplierId: string, input: CreateContactDto): Promise<ContactView> {
    const id = newId();
    try {
      return await this.database.run(async (m) => {
        await this.suppliers.find(m, tenantId, supplierId);
        const contact = await this.repository.insert(m, tenantId, {
          id,
          supplier_id: supplierId,
          name: input.name.trim(),
          email: input.email.trim(),
          role: input.role?.trim() ?? null,
          is_senior_responsible_owner: input.isSeniorResponsibleOwner ?? false,
        });
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
      return (await this.repository.list(m, tenantId, supplierId)).map(contactView);
    }, tenantId);
  }

  /** Current contacts of the given suppliers, oldest first (one query for a page of suppliers). */
  async listForSuppliers(tenantId: string, supplierIds: string[]): Promise<ContactView[]> {
    return (await this.database.read((m) => this.repository.listForSuppliers(m, tenantId, supplierIds), tenantId)).map(contactView);
  }

  async update(tenantId: string, supplierId: string, id: string, input: UpdateContactDto): Promise<ContactView> {
    try {
      return await this.database.run(async (m) => {
        const before = await this.repository.find(m, tenantId, supplierId, id);
        const row = await this.repository.update(m, tenantId, supplierId, id, {
          name: input.name?.trim(),
          email: input.email?.trim(),
          ...(input.role !== undefined ? { role: input.role?.trim() ?? null } : {}),
          is_senior_responsible_owner: input.isSeniorResponsibleOwner ?? undefined,
        });
        const after = contactView(row);
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
  async remove(tenantId: string, supplierId: string, id: string): Promise<void> {
    await this.database.run(async (m) => {
      const contact = await this.repository.find(m, tenantId, supplierId, id);
      await this.repository.remove(m, tenantId, id);
      await this.portalTokens.revokeForContact(m, tenantId, id);
      await audit(m, tenantId, {
        action: 'supplier_contact.removed',
        targetType: 'supplier_contact',
        targetId: id,
        changes: { supplierId, email: contact.email },
      });
    }, tenantId);
  }
}
