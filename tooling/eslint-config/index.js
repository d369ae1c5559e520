// Shared flat config. Type-aware rules are kept to the ones that catch real async bugs
// (floating and misused promises, awaiting non-thenables) plus typescript-eslint's recommended set.
import tseslint from "typescript-eslint";

/** @param {string} tsconfigRootDir the package folder (pass `import.meta.dirname`) */
export default function kaizenEslintConfig(tsconfigRootDir) {
  return tseslint.config(
    { ignores: ["dist/**", "node_modules/**", "coverage/**", "public/**"] },
    ...tseslint.configs.recommended,
    {
      languageOptions: {
        parserOptions: { projectService: true, tsconfigRootDir },
      },
      rules: {
        "@typescript-eslint/no-floating-promises": "error",
        "@typescript-eslint/no-misused-promises": "error",
        "@typescript-eslint/await-thenable": "error",
        "@typescript-eslint/require-await": "off",
        "@typescript-eslint/return-await": ["error", "in-try-catch"],
        "@typescript-eslint/no-unused-vars": [
          "error",
          { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" },
        ],
        "@typescript-eslint/consistent-type-imports": "error",
        "no-console": "off",
      },
    },
    {
      files: ["**/*.js", "**/*.mjs"],
      ...tseslint.configs.disableTypeChecked,
    },
  );
}
