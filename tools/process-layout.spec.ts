import { APP_PROCESSES, layoutProcesses, partsOf, processLayoutOf } from './process-layout';

describe('process layouts of npm start', () => {
  it('runs every part exactly once in each layout', () => {
    for (const layout of ['combined', 'gateway-apart', 'separate'] as const) {
      const parts = layoutProcesses(layout).flatMap((process) => process.parts);
      expect([...parts].sort()).toEqual([...APP_PROCESSES].sort());
    }
    expect(layoutProcesses('combined')).toEqual([{ name: 'combined', parts: APP_PROCESSES }]);
    expect(layoutProcesses('gateway-apart').map((process) => process.name)).toEqual(['services', 'gateway']);
    expect(layoutProcesses('separate').map((process) => process.name)).toEqual([...APP_PROCESSES]);
  });

  it('reads ASSAY_PROCESSES, combined when unset, and refuses unknown layouts', () => {
    expect(processLayoutOf(undefined)).toBe('combined');
    expect(processLayoutOf(' ')).toBe('combined');
    expect(processLayoutOf('separate')).toBe('separate');
    expect(() => processLayoutOf('two')).toThrow(/ASSAY_PROCESSES must be one of combined, gateway-apart, separate/);
  });

  it('reads ASSAY_PARTS in the stack order and refuses unknown parts', () => {
    expect(partsOf(undefined)).toEqual([...APP_PROCESSES]);
    expect(partsOf('gateway, tenancy')).toEqual(['tenancy', 'gateway']);
    expect(() => partsOf('tenancy,billing')).toThrow(/unknown parts: billing/);
  });
});
