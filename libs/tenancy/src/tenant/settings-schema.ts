import { SUPPLIER_TIERS, TenantSettings } from '@assay/shared/contracts';
import Ajv, { ErrorObject } from 'ajv';

const days = (max: number) => ({ type: 'integer', minimum: 0, maximum: max });

/** JSON Schema of tenant settings (every field optional in a PATCH; the stored result is complete). */
export const TENANT_SETTINGS_SCHEMA = {
  $id: 'https://assay.example/schemas/tenant-settings.json',
  type: 'object',
  additionalProperties: false,
  properties: {
    reassessmentCadenceMonths: {
      type: 'object',
      additionalProperties: false,
      properties: Object.fromEntries(SUPPLIER_TIERS.map((tier) => [tier, { type: 'integer', minimum: 1, maximum: 60 }])),
    },
    reassessmentLeadDays: days(365),
    autoSendReassessments: { type: 'boolean' },
    reminderPolicy: {
      type: 'object',
      additionalProperties: false,
      properties: {
        beforeDueDays: { type: 'array', maxItems: 10, uniqueItems: true, items: { type: 'integer', minimum: 1, maximum: 365 } },
        onDueDay: { type: 'boolean' },
        overdueEveryDays: { type: 'integer', minimum: 1, maximum: 90 },
        overdueMaxReminders: { type: 'integer', minimum: 0, maximum: 52 },
        escalateToSroAfterDays: days(365),
        escalateToOwnerAfterDays: days(365),
      },
    },
    requireMfaForAdmins: { type: 'boolean' },
    endOfSupportHorizonDays: days(3650),
    evidenceExpiryNoticeDays: days(3650),
    reassessmentTriggers: {
      type: 'object',
      additionalProperties: false,
      properties: {
        evidenceExpired: { type: 'boolean' },
        evidenceFailed: { type: 'boolean' },
        endOfSupportWithinDays: { type: ['integer', 'null'], minimum: 0, maximum: 3650 },
        findingOverdue: { type: 'boolean' },
      },
    },
  },
} as const;

const ajv = new Ajv({ allErrors: true, strict: true });
const validate = ajv.compile<Partial<TenantSettings>>(TENANT_SETTINGS_SCHEMA);

function field(error: ErrorObject): string {
  const path = error.instancePath.replace(/^\//, '').replace(/\//g, '.');
  const extra = error.keyword === 'additionalProperties' ? (error.params as { additionalProperty: string }).additionalProperty : '';
  return ['settings', path, extra].filter(Boolean).join('.');
}

/** Field errors of a settings patch, empty when it is valid. */
export function settingsErrors(value: unknown): { field: string; message: string }[] {
  if (validate(value)) return [];
  return (validate.errors ?? []).map((error) => ({
    field: field(error),
    message: error.keyword === 'additionalProperties' ? 'is not a setting' : (error.message ?? 'invalid'),
  }));
}
