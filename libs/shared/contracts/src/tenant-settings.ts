import type { Role } from './identity';

export const SUPPLIER_TIERS = ['critical', 'high', 'medium', 'low'] as const;
export type SupplierTier = (typeof SUPPLIER_TIERS)[number];

/** When supplier reminders go out, relative to an assessment's due date (evaluated by state, not date). */
export interface ReminderPolicy {
  beforeDueDays: number[];
  onDueDay: boolean;
  overdueEveryDays: number;
  overdueMaxReminders: number;
  escalateToSroAfterDays: number;
  escalateToOwnerAfterDays: number;
}

/** What opens a supplier's next assessment early, when it has no open one (all off by default). */
export interface ReassessmentTriggers {
  evidenceExpired: boolean;
  evidenceFailed: boolean;
  /** Open when a product's end of support falls within this many days; null: off. */
  endOfSupportWithinDays: number | null;
  findingOverdue: boolean;
}

export interface TenantSettings {
  reassessmentCadenceMonths: Record<SupplierTier, number>;
  reassessmentLeadDays: number;
  autoSendReassessments: boolean;
  reminderPolicy: ReminderPolicy;
  /** Owners and admins must sign in with a second factor. */
  requireMfaForAdmins: boolean;
  /** `product.end_of_support_notice` fires for an end of support within this many days. */
  endOfSupportHorizonDays: number;
  reassessmentTriggers: ReassessmentTriggers;
  /** `evidence.expiring` fires this many days before a piece of evidence stops being valid. */
  evidenceExpiryNoticeDays: number;
}

export const DEFAULT_REASSESSMENT_TRIGGERS: Readonly<ReassessmentTriggers> = Object.freeze({
  evidenceExpired: false,
  evidenceFailed: false,
  endOfSupportWithinDays: null,
  findingOverdue: false,
});

export const DEFAULT_REMINDER_POLICY: Readonly<ReminderPolicy> = Object.freeze({
  beforeDueDays: [14, 7, 1],
  onDueDay: true,
  overdueEveryDays: 7,
  overdueMaxReminders: 4,
  escalateToSroAfterDays: 7,
  escalateToOwnerAfterDays: 14,
});

export const DEFAULT_TENANT_SETTINGS: Readonly<TenantSettings> = Object.freeze({
  reassessmentCadenceMonths: { critical: 6, high: 12, medium: 12, low: 24 },
  reassessmentLeadDays: 30,
  autoSendReassessments: false,
  reminderPolicy: DEFAULT_REMINDER_POLICY,
  requireMfaForAdmins: false,
  endOfSupportHorizonDays: 365,
  reassessmentTriggers: DEFAULT_REASSESSMENT_TRIGGERS,
  evidenceExpiryNoticeDays: 30,
});

/** Stored settings merged over the defaults, so a tenant created before a setting existed still has a value. */
export function withDefaultSettings(stored: Partial<TenantSettings> | null | undefined): TenantSettings {
  const value = stored ?? {};
  return {
    ...DEFAULT_TENANT_SETTINGS,
    ...value,
    reassessmentCadenceMonths: { ...DEFAULT_TENANT_SETTINGS.reassessmentCadenceMonths, ...(value.reassessmentCadenceMonths ?? {}) },
    reassessmentTriggers: { ...DEFAULT_REASSESSMENT_TRIGGERS, ...(value.reassessmentTriggers ?? {}) },
    reminderPolicy: {
      ...DEFAULT_REMINDER_POLICY,
      ...(value.reminderPolicy ?? {}),
      beforeDueDays: [...(value.reminderPolicy?.beforeDueDays ?? DEFAULT_REMINDER_POLICY.beforeDueDays)],
    },
  };
}

/** Roles that must use a second factor when the tenant requires MFA for admins. */
export const PRIVILEGED_ROLES: readonly Role[] = ['owner', 'admin'];
