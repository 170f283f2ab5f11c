// @ts-check
/**
 * Property-based tests run the same generated cases on every run, so `npm test` gives the same
 * answer twice. PROPERTY_SEED=<integer> replays a reported seed; PROPERTY_SEED=random explores new
 * cases (what to run when hunting for bugs; a failure prints the seed that reproduces it).
 */
const fc = require('fast-check');

const requested = process.env['PROPERTY_SEED'];
const FIXED_SEED = 20261202;
if (requested === 'random') {
  // fast-check's own default: a new seed per run.
} else if (requested !== undefined && /^-?\d+$/.test(requested)) {
  fc.configureGlobal({ seed: Number(requested) });
} else if (requested !== undefined && requested !== '') {
  throw new Error(`PROPERTY_SEED must be an integer or "random", not ${JSON.stringify(requested)}`);
} else {
  fc.configureGlobal({ seed: FIXED_SEED });
}
