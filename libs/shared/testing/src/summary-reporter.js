// Prints the run's totals as one plain closing line: "N passed, N failed".
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numTotalTests - results.numPassedTests - results.numFailedTests;
    // A suite that fails to load runs no test at all; count it as a failure so the line never reads clean.
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    process.stdout.write(`\n${results.numPassedTests} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}\n`);
  }
}
module.exports = SummaryReporter;
