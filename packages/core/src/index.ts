export const PACKAGE_NAME = "@kaizen/core";
