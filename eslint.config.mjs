import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", ".work/**", "coverage/**", "**/*.js", "**/*.mjs"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  // Imports run one way (docs/architecture.md): the product uses none of codegen/, tools/ or tests/; tools/ and codegen/ never use tests/.
  {
    files: ["wire/**/*.ts", "provider/**/*.ts", "emulator/**/*.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: [{ regex: "^(\\.\\./)+(codegen|tools|tests)(/|$)", message: "the product imports none of codegen/, tools/, tests/" }] }] },
  },
  {
    files: ["tools/**/*.ts", "codegen/**/*.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: [{ regex: "^(\\.\\./)+tests(/|$)", message: "tools/ and codegen/ never import tests/" }] }] },
  },
);
