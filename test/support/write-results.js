// jest testResultsProcessor: writes the run's JSON results to jest-results.json, which .ci/run turns into its
// summary line. A processor (rather than --json) keeps `npm test` the one command CI and people run.
const fs = require('node:fs');
const path = require('node:path');

module.exports = (results) => {
  const file = process.env.CUTOVER_JEST_RESULTS || path.join(__dirname, '..', '..', 'jest-results.json');
  fs.writeFileSync(file, JSON.stringify(results));
  return results;
};
