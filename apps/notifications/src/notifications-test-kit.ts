import type { AssessmentEventData, JsonObject, Role } from '@assay/shared/contracts';
import { DEFAULT_TENANT_SETTINGS, Identity } from '@assay/shared/contracts';
import { TenantDatabase, newId } from '@assay/shared/database';
import { emitEvent, testIdentity, testStack, waitFor } from '@assay/shared/testing';
import type { DataSource } from 'typeorm';

const DAY = 86_400_000;

export { emitEvent as emit, waitFor };

export interface TestTenant {
  tenantId: string;
  name: string;
  admin: Identity & { email: string };
  viewer: Identity & { email: string };
}

/** A tenant known to the notifications service, with an admin and a viewer (through tenancy's events). */
export async function createTenant(database: TenantDatabase, owner: DataSource, label: string): Promise<TestTenant> {
  const tenantId = newId();
  const name = `${label} Ltd ${tenantId.slice(-6)}`;
  await emitEvent(database, 'tenancy', tenantId, 'tenant.created', { tenantId, name, settings: DEFAULT_TENANT_SETTINGS as unknown as JsonObject });
  const member = async (role: Role) => {
    const identity = testIdentity(tenantId, { role });
    const email = `${role}-${identity.principalId}@customer.example`;
    await emitEvent(database, 'tenancy', tenantId, 'member.joined', { userId: identity.principalId as string, email, name: `${role} of ${label}`, role });
    return { ...identity, email };
  };
  const admin = await member('admin');
  const viewer = await member('viewer');
  await waitFor(
    async () =>
      (await owner.query(`select count(*)::int as n from notifications.members where tenant_id = $1`, [tenantId]))[0].n === 2 &&
      (await owner.query(`select 1 from notifications.tenants where id = $1`, [tenantId])).length === 1,
    'the tenant projection',
  );
  return { tenantId, name, admin, viewer };
}

/** An `assessment.sent` payload for one supplier contact with a portal link. */
export function sentAssessment(options: { dueInDays: number; email: string; contactName?: string; sro?: boolean }): AssessmentEventData {
  const contactId = newId();
  const recipient = {
    contactId,
    name: options.contactName ?? 'Sam Supplier',
    email: options.email,
    isSeniorResponsibleOwner: options.sro ?? false,
    portalUrl: `${testStack().env['PUBLIC_URL']}/portal?token=assay_portal_${newId().replace(/-/g, '')}`,
  };
  return {
    assessmentId: newId(),
    supplierId: newId(),
    supplierName: 'Widget Works',
    productName: 'Widget Cloud',
    status: 'sent',
    dueAt: new Date(Date.now() + options.dueInDays * DAY).toISOString(),
    framework: 'uk-sscop',
    recipients: [recipient],
    seniorResponsibleOwner: options.sro ? recipient : null,
    internalOwnerUserId: null,
  };
}

export const daysAgo = (days: number) => new Date(Date.now() - days * DAY);

export const uniqueEmail = (prefix: string) => `${prefix}-${newId().slice(-12)}@supplier.example`;
