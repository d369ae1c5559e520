import kaizenEslintConfig from "@kaizen/eslint-config";

export default kaizenEslintConfig(import.meta.dirname);
