export const PACKAGE_NAME = "@kaizen/signatures";
