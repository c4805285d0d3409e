/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.tsx?$': ['ts-jest', {}] },
  setupFiles: ['<rootDir>/test/setup-polyfills.ts', '<rootDir>/test/setup-network-guard.ts'],
  testTimeout: 60000,
  testResultsProcessor: '<rootDir>/test/support/write-results.js',
};
