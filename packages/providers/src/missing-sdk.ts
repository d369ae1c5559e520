// @anthropic-ai/sdk is an optional peer of @kaizen/providers: an OpenAI user never installs its
// 20 MB. AnthropicProvider checks for it when it is made, so a missing SDK fails at the line
// that asked for Anthropic, with the install command, not at the first request.
import { KaizenError } from "@kaizen/contracts";

/** A vendor SDK that a provider needs is not installed. `packageName` is what to install. */
export class MissingSdkError extends KaizenError {
  readonly packageName: string;
  constructor(packageName: string, providerClass: string, range: string, cause?: unknown) {
    super(
      "missing_sdk",
      `${providerClass} needs the "${packageName}" package, which is not installed. ` +
        `Fix: npm install ${packageName}@${range}; it is an optional peer dependency of @kaizen/providers.`,
      { cause },
    );
    this.packageName = packageName;
  }
}

function isNotFound(err: unknown, packageName: string): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return (code === "MODULE_NOT_FOUND" || code === "ERR_MODULE_NOT_FOUND") && String((err as Error).message).includes(packageName);
}

/**
 * Throws MissingSdkError when `packageName` cannot be resolved from this package. Where
 * import.meta.resolve is not available (some bundlers), the check is left to the import itself.
 */
export function assertSdkInstalled(packageName: string, providerClass: string, range: string): void {
  const resolve = (import.meta as { resolve?: (specifier: string) => string }).resolve;
  if (typeof resolve !== "function") return;
  try {
    resolve(packageName);
  } catch (err) {
    if (isNotFound(err, packageName)) throw new MissingSdkError(packageName, providerClass, range, err);
    throw err;
  }
}

/** The SDK's module, or MissingSdkError if it is not installed (a failure to load it otherwise stays as it is). */
export async function importSdk<T>(
  packageName: string,
  providerClass: string,
  range: string,
  load: () => Promise<T>,
): Promise<T> {
  try {
    return await load();
  } catch (err) {
    if (isNotFound(err, packageName)) throw new MissingSdkError(packageName, providerClass, range, err);
    throw err;
  }
}
