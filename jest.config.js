/** Shared by both projects: ts-jest, and `pulumi-agb` resolved to the source. */
const common = {
  testEnvironment: "node",
  testMatch: ["**/*.test.ts"],
  transform: {
    "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.test.json", diagnostics: { warnOnly: false } }],
  },
  moduleNameMapper: { "^pulumi-agb$": "<rootDir>/provider/index.ts" },
};

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 30000,
  reporters: ["default", "<rootDir>/tests/support/summaryReporter.js"],
  projects: [
    // `npm test`: unit, integration and end-to-end suites.
    { ...common, displayName: "tests", roots: ["<rootDir>/tests"], testPathIgnorePatterns: ["/node_modules/", "<rootDir>/tests/reliability/"] },
    // `npm run test:reliability` (and CI): the long scenarios, each sets its own timeout; their sections make docs/reliability.md.
    {
      ...common,
      displayName: "reliability",
      roots: ["<rootDir>/tests/reliability"],
      globalSetup: "<rootDir>/tests/reliability/support/reliabilitySetup.ts",
      globalTeardown: "<rootDir>/tests/reliability/support/writeReliabilityReport.ts",
    },
  ],
};
