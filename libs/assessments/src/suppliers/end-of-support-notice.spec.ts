import { endOfSupportNotice, ProductView } from './products.service';

const now = new Date('2026-06-01T00:00:00.000Z');
const product = (endOfSupportAt: string | null, endOfSupportAnnouncedAt: string | null = null): ProductView => ({
  id: '0190a3f0-0000-7000-8000-000000000001',
  supplierId: '0190a3f0-0000-7000-8000-000000000002',
  name: 'Widget Server',
  deliveryModel: 'on_premises',
  currentVersion: '4.2.0',
  endOfSupportAt,
  endOfSupportAnnouncedAt,
  createdAt: now.toISOString(),
  updatedAt: now.toISOString(),
});

describe('endOfSupportNotice', () => {
  it('is short notice under a year from the announcement, and within the horizon when the date is', () => {
    expect(endOfSupportNotice(product('2026-09-09T00:00:00.000Z'), 365, now)).toMatchObject({ noticeDays: 100, shortNotice: true, withinHorizon: true });
    expect(endOfSupportNotice(product('2027-03-01T00:00:00.000Z', '2026-05-01T00:00:00.000Z'), 90, now)).toMatchObject({
      noticeDays: 304,
      shortNotice: true,
      withinHorizon: false,
    });
    expect(endOfSupportNotice(product('2027-03-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z'), 365, now)).toMatchObject({
      shortNotice: false,
      withinHorizon: true,
    });
  });

  it('gives no notice for a year or more of notice beyond the horizon, or without an end of support', () => {
    expect(endOfSupportNotice(product('2028-06-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'), 365, now)).toBeNull();
    expect(endOfSupportNotice(product(null), 365, now)).toBeNull();
    expect(endOfSupportNotice(product('2027-06-01T00:00:00.000Z'), 365, now)).toMatchObject({ noticeDays: 365, shortNotice: false, withinHorizon: true });
  });
});
