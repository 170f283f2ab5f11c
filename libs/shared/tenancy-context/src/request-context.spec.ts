import { RequestContext, TenantContextMissingError } from './request-context';

describe('RequestContext', () => {
  const tenantId = '01900000-0000-7000-8000-000000000001';

  it('throws when no context is active', () => {
    expect(() => RequestContext.tenantId).toThrow(TenantContextMissingError);
    expect(() => RequestContext.identity).toThrow(TenantContextMissingError);
  });

  it('throws inside a context that has no tenant bound', async () => {
    await RequestContext.runDetached(async () => {
      expect(RequestContext.isActive()).toBe(true);
      expect(() => RequestContext.tenantId).toThrow(TenantContextMissingError);
    });
  });

  it('returns the bound tenant and forgets it when the unit of work ends', async () => {
    const seen = await RequestContext.runForTenant(tenantId, async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return RequestContext.tenantId;
    });
    expect(seen).toBe(tenantId);
    expect(() => RequestContext.tenantId).toThrow(TenantContextMissingError);
  });

  it('keeps concurrent units of work apart', async () => {
    const other = '01900000-0000-7000-8000-000000000002';
    const results = await Promise.all(
      [tenantId, other, tenantId, other].map((id, index) =>
        RequestContext.runForTenant(id, async () => {
          await new Promise((resolve) => setTimeout(resolve, 10 - index * 2));
          return RequestContext.tenantId;
        }),
      ),
    );
    expect(results).toEqual([tenantId, other, tenantId, other]);
  });

  it('refuses to start a unit of work without a tenant', async () => {
    await expect(RequestContext.runForTenant('', async () => 'ran')).rejects.toThrow(TenantContextMissingError);
  });
});
