export const PACKAGE_NAME = "@kaizen/testing";
