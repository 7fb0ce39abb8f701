import type { GeneratedApiKey, SecurityLevel, XsiamClient } from "@xsiam-sdk/client";
import type { Context } from "../internal/context.js";
import { CliError, EXIT } from "../internal/errors.js";
import { type Destination, formatted, handOver, plan } from "../internal/hand-over.js";
import { expiryOf, shortDate } from "../internal/time.js";

/** The connection lines of a key file: where the new key works. */
export async function connectionOf(context: Context, xsiam: XsiamClient): Promise<Record<string, string>> {
  const { XSIAM_CHILD_TENANT_ID: child } = await context.settings();
  return { XSIAM_BASE_URL: xsiam.baseUrl, ...(child ? { XSIAM_CHILD_TENANT_ID: child } : {}) };
}

/** The level a `--level` flag names. */
export function levelOf(value: unknown): SecurityLevel | undefined {
  if (value === undefined) return undefined;
  if (value !== "advanced" && value !== "standard") {
    throw new CliError(`--level must be advanced or standard (got ${JSON.stringify(value)})`);
  }
  return value;
}

/** Where the key went, in words. */
export const placeOf = (destination: Destination): string =>
  destination.kind === "file" ? `${destination.path} (mode 600, ${destination.format})` : "standard output";

/**
 * Hands a new key over; if that fails, deletes the key (its secret reached nobody) and says so.
 * Returns how to take the hand-over back.
 */
export async function deliver(
  context: Context,
  xsiam: XsiamClient,
  destination: Destination,
  key: GeneratedApiKey,
  securityLevel: string,
): Promise<() => void> {
  const text = formatted(destination.format, key, securityLevel, await connectionOf(context, xsiam));
  try {
    return await handOver(destination, text, (content) => context.output.write(content));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    try {
      await xsiam.apiKeys.delete([key.id]);
    } catch {
      throw new CliError(
        `the new key ${key.id} could not be handed over (${reason}), and deleting it failed too`,
        EXIT.attention,
        `nobody holds its secret: delete it with xsiam-keys delete ${key.id} --yes`,
      );
    }
    throw new CliError(
      `the new key ${key.id} could not be handed over (${reason}); it was deleted, so nothing changed`,
    );
  }
}

/** `generate`: creates a key and hands it over: to a new file of mode 600, or to a pipe. */
export async function generate(context: Context): Promise<number> {
  const { output, values } = context;
  if (context.positionals.length > 0)
    throw new CliError("generate takes no arguments; give roles with --role");
  const roles = (values.role as string[] | undefined) ?? [];
  if (roles.length === 0)
    throw new CliError("generate needs at least one --role", EXIT.usage, 'for example: --role "Viewer"');
  const securityLevel = levelOf(values.level) ?? "advanced";
  const expires = values.expires === undefined ? undefined : expiryOf(values.expires as string, Date.now());
  const destination = plan(values, output);
  const xsiam = await context.client();
  const key = await output.wait("Generating a key", () =>
    xsiam.apiKeys.generate({
      roles,
      securityLevel,
      ...(expires !== undefined && { expiration: expires }),
      ...(values.comment !== undefined && { comment: values.comment as string }),
    }),
  );
  await deliver(context, xsiam, destination, key, securityLevel);
  const expiry = expires === undefined ? "in one week (the service's default)" : shortDate(new Date(expires));
  if (destination.kind === "file" && values.json) {
    output.json({ id: key.id, securityLevel, roles, file: destination.path, format: destination.format });
  } else {
    const done = `Created key ${key.id} (${securityLevel}; ${roles.join(", ")}; expires ${expiry}), written to ${placeOf(destination)}.`;
    // With the key on stdout, everything else keeps off it.
    if (destination.kind === "file") output.result(`${output.style("✓", "green")} ${done}`);
    else output.note(`${output.style("✓", "green", "stderr")} ${done}`);
  }
  return EXIT.ok;
}
