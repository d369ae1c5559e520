export const PACKAGE_NAME = "@kaizen/memory";
