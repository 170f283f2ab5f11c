// @ts-check
/**
 * How property-based tests run, for every spec: the same generated cases on every run, so `npm test`
 * gives the same answer twice, and 10,000 cases per property unless a property says otherwise.
 * PROPERTY_SEED=<integer> replays a reported seed; PROPERTY_SEED=random explores new cases (a failure
 * prints the seed that reproduces it). PROPERTY_RUNS=<n> changes the number of cases (the fast inner
 * loop, `npm run test:unit`, runs 1,000).
 */
const fc = require('fast-check');

const FIXED_SEED = 20261202;
const DEFAULT_RUNS = 10_000;

function integerSetting(name, fallback) {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  if (!/^-?\d+$/.test(value)) throw new Error(`${name} must be an integer, not ${JSON.stringify(value)}`);
  return Number(value);
}

const numRuns = integerSetting('PROPERTY_RUNS', DEFAULT_RUNS);
if (numRuns < 1) throw new Error('PROPERTY_RUNS must be at least 1');
const seed = process.env['PROPERTY_SEED'] === 'random' ? undefined : integerSetting('PROPERTY_SEED', FIXED_SEED);
fc.configureGlobal(seed === undefined ? { numRuns } : { numRuns, seed });
