/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/tests"],
  testMatch: ["**/*.test.ts"],
  transform: {
    "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.test.json", diagnostics: { warnOnly: false } }],
  },
  moduleNameMapper: { "^pulumi-agb$": "<rootDir>/provider/index.ts" },
  testTimeout: 30000,
  reporters: ["default", "<rootDir>/tests/support/summaryReporter.js"],
};
