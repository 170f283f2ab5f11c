import { JsonObject, TenantEventData, TenantIdentity, TenantSettings, withDefaultSettings } from '@assay/shared/contracts';
import { TenantDatabase } from '@assay/shared/database';
import { ConflictProblem, NotFoundProblem, ProblemException } from '@assay/shared/http';
import { Injectable } from '@nestjs/common';
import { audit, emit } from '../tenancy-writes';
import { settingsErrors } from './settings-schema';
import { TenantRow, TenantsRepository } from './tenants.repository';

export interface TenantView {
  id: string;
  name: string;
  settings: TenantSettings;
  createdAt: string;
  updatedAt: string;
}

function view(row: TenantRow): TenantView {
  return {
    id: row.id,
    name: row.name,
    settings: withDefaultSettings(row.settings),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** Merges a settings patch over the current settings, one level into nested objects. */
export function mergeSettings(current: TenantSettings, patch: Partial<TenantSettings>): TenantSettings {
  return withDefaultSettings({
    ...current,
    ...patch,
    reassessmentCadenceMonths: { ...current.reassessmentCadenceMonths, ...(patch.reassessmentCadenceMonths ?? {}) },
    reminderPolicy: { ...current.reminderPolicy, ...(patch.reminderPolicy ?? {}) },
    reassessmentTriggers: { ...current.reassessmentTriggers, ...(patch.reassessmentTriggers ?? {}) },
  });
}

/** The caller's organisation: its name and settings (validated against the schema, defaults filled in). */
@Injectable()
export class TenantService {
  constructor(
    private readonly database: TenantDatabase,
    private readonly tenants: TenantsRepository,
  ) {}

  async get(tenantId: string): Promise<TenantView> {
    const row = await this.database.run((m) => this.tenants.find(m, tenantId), tenantId);
    if (!row) throw new NotFoundProblem('Organisation');
    return view(row);
  }

  async update(identity: TenantIdentity, patch: { name?: string; settings?: unknown }): Promise<TenantView> {
    const { tenantId } = identity;
    if (patch.settings !== undefined) {
      const errors = settingsErrors(patch.settings);
      if (errors.length) throw new ProblemException(400, 'The settings are not valid', { errors });
    }
    const settingsPatch = (patch.settings ?? {}) as Partial<TenantSettings>;
    if (settingsPatch.requireMfaForAdmins === true && identity.kind === 'user' && !identity.mfa) {
      throw new ConflictProblem('Turn on two-factor authentication for your own account (and sign in with it) before requiring it of admins');
    }
    return this.database.run(async (m) => {
      const row = await this.tenants.lock(m, tenantId);
      if (!row) throw new NotFoundProblem('Organisation');
      const before = withDefaultSettings(row.settings);
      const settings = mergeSettings(before, settingsPatch);
      const name = patch.name ?? row.name;
      const updated = await this.tenants.update(m, tenantId, name, settings);
      const changes: JsonObject = {};
      if (name !== row.name) changes['name'] = { from: row.name, to: name };
      if (JSON.stringify(before) !== JSON.stringify(settings)) changes['settings'] = { from: before, to: settings } as unknown as JsonObject;
      await audit(m, tenantId, { action: 'tenant.updated', targetType: 'tenant', targetId: tenantId, changes });
      await emit(m, tenantId, 'tenant.updated', { tenantId, name, settings } satisfies TenantEventData);
      return view(updated);
    }, tenantId);
  }
}
