export const PACKAGE_NAME = "@kaizen/provider";
