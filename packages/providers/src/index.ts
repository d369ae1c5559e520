export const PACKAGE_NAME = "@kaizen/providers";
