import { DEFAULT_TENANT_SETTINGS, SUPPLIER_TIERS } from '@assay/shared/contracts';
import fc from 'fast-check';
import { settingsErrors } from './settings-schema';
import { mergeSettings } from './tenant.service';

const PROTOTYPE_KEYS = Object.getOwnPropertyNames(Object.prototype).join();

const hostile = fc.oneof(
  fc.integer({ min: -5, max: 400 }),
  fc.double(),
  fc.string({ maxLength: 6 }),
  fc.boolean(),
  fc.array(fc.integer({ min: -1, max: 400 }), { maxLength: 12 }),
  fc.constantFrom(null, {}, [], { critical: 1 }, { overdueEveryDays: 0 }, '7', 1.5, -0),
);
const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined, freq: 3 });

/** A settings patch: real setting names with plausible or hostile values, sometimes unknown or prototype keys. */
const patch = fc
  .record(
    {
      reassessmentCadenceMonths: maybe(
        fc.oneof(
          fc.record(Object.fromEntries(SUPPLIER_TIERS.map((tier) => [tier, fc.oneof(fc.integer({ min: 1, max: 60 }), hostile)])), { requiredKeys: [] }),
          hostile,
        ),
      ),
      reassessmentLeadDays: maybe(fc.oneof(fc.integer({ min: 0, max: 365 }), hostile)),
      autoSendReassessments: maybe(fc.oneof(fc.boolean(), hostile)),
      requireMfaForAdmins: maybe(fc.oneof(fc.boolean(), hostile)),
      reminderPolicy: maybe(
        fc.oneof(
          fc.record(
            {
              beforeDueDays: fc.oneof(fc.uniqueArray(fc.integer({ min: 1, max: 365 }), { maxLength: 10 }), hostile),
              onDueDay: fc.oneof(fc.boolean(), hostile),
              overdueEveryDays: fc.oneof(fc.integer({ min: 1, max: 90 }), hostile),
              overdueMaxReminders: fc.oneof(fc.integer({ min: 0, max: 52 }), hostile),
              escalateToSroAfterDays: fc.oneof(fc.integer({ min: 0, max: 365 }), hostile),
              escalateToOwnerAfterDays: fc.oneof(fc.integer({ min: 0, max: 365 }), hostile),
            },
            { requiredKeys: [] },
          ),
          hostile,
        ),
      ),
    },
    { requiredKeys: [] },
  )
  .chain((settings) =>
    fc.constantFrom('', '{"__proto__":{"polluted":true}}', '{"constructor":{"prototype":{"polluted":true}}}', '{"unknownSetting":1}').map((extra) => {
      const value = JSON.parse(JSON.stringify(settings)) as Record<string, unknown>;
      return extra ? Object.assign(value, JSON.parse(extra)) : value;
    }),
  );

const isInt = (value: unknown, min: number, max: number) => Number.isInteger(value) && (value as number) >= min && (value as number) <= max;

describe('tenant settings validation under generated input', () => {
  it('accepts exactly the patches that stay within every bound, and the merged settings keep them', () => {
    fc.assert(
      fc.property(fc.oneof({ weight: 5, arbitrary: patch }, { weight: 1, arbitrary: fc.anything({ maxDepth: 1 }) }), (value) => {
        const errors = settingsErrors(value);
        expect(errors.every((error) => error.field.startsWith('settings') && error.message.length > 0)).toBe(true);
        expect(Object.getOwnPropertyNames(Object.prototype).join()).toBe(PROTOTYPE_KEYS);
        if (errors.length > 0) return true;
        const merged = mergeSettings(DEFAULT_TENANT_SETTINGS, value as never);
        expect(Object.keys(merged).sort()).toEqual(Object.keys(DEFAULT_TENANT_SETTINGS).sort());
        for (const tier of SUPPLIER_TIERS) expect(isInt(merged.reassessmentCadenceMonths[tier], 1, 60)).toBe(true);
        expect(isInt(merged.reassessmentLeadDays, 0, 365)).toBe(true);
        const policy = merged.reminderPolicy;
        expect(
          policy.beforeDueDays.every((days) => isInt(days, 1, 365)) &&
            new Set(policy.beforeDueDays).size === policy.beforeDueDays.length &&
            policy.beforeDueDays.length <= 10,
        ).toBe(true);
        expect(
          isInt(policy.overdueEveryDays, 1, 90) &&
            isInt(policy.overdueMaxReminders, 0, 52) &&
            isInt(policy.escalateToSroAfterDays, 0, 365) &&
            isInt(policy.escalateToOwnerAfterDays, 0, 365),
        ).toBe(true);
        expect([typeof merged.autoSendReassessments, typeof merged.requireMfaForAdmins, typeof policy.onDueDay]).toEqual(['boolean', 'boolean', 'boolean']);
        return ({} as Record<string, unknown>)['polluted'] === undefined;
      }),
    );
  });
});
