import type { ApiKeyFilter } from "@xsiam-sdk/client";
import { type Context, KEY_HEADER, keyRow, SHRINK_COLUMNS } from "../internal/context.js";
import { CliError, EXIT } from "../internal/errors.js";
import { table } from "../internal/output.js";
import { durationOf } from "../internal/time.js";

/**
 * The marker `--marker` names, as keys carry it: `[xsiam-sdk:q3XvR8kLm2Pw9TzA]`, given as printed or
 * as its 16 letters and digits alone (no brackets to quote in a shell).
 */
function markerOf(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const token = /^(?:\[?xsiam-sdk:)?([A-Za-z0-9]{16})\]?$/.exec(String(value).trim())?.[1];
  if (token === undefined) {
    throw new CliError(
      "--marker must be a marker as generate prints it: [xsiam-sdk:…] or its 16 letters and digits",
    );
  }
  return `[xsiam-sdk:${token}]`;
}

/** `list`: the keys that match every filter given, as a table on a terminal, else as JSON. */
export async function list(context: Context): Promise<number> {
  const { output, values } = context;
  if (context.positionals.length > 0)
    throw new CliError("list takes no arguments; filter with --id, --role, --expiring-within and --marker");
  const ids = ((values.id as string[] | undefined) ?? []).map((value) => {
    if (!/^[1-9][0-9]{0,15}$/.test(value) || !Number.isSafeInteger(Number(value)))
      throw new CliError(`--id must be a key id (a positive integer up to ${Number.MAX_SAFE_INTEGER})`);
    return Number(value);
  });
  const roles = (values.role as string[] | undefined) ?? [];
  const within = values["expiring-within"] as string | undefined;
  const now = Date.now();
  const filter: ApiKeyFilter = {
    ...(ids.length > 0 && { ids }),
    ...(roles.length > 0 && { roles }),
    ...(within !== undefined && {
      expiresAfter: now,
      expiresBefore: now + durationOf("--expiring-within", within),
    }),
  };
  const marker = markerOf(values.marker);
  const xsiam = await context.client();
  const listed = await output.wait("Listing keys", () => xsiam.apiKeys.list(filter));
  const keys = marker === undefined ? listed : listed.filter((key) => key.marker === marker);
  if (context.json) {
    output.json(keys);
    return EXIT.ok;
  }
  if (keys.length === 0) {
    output.result("No key matches.");
    return EXIT.ok;
  }
  output.result(
    marker === undefined
      ? table(
          output,
          KEY_HEADER,
          keys.map((key) => keyRow(key, now, output)),
          SHRINK_COLUMNS,
        )
      : table(
          output,
          [...KEY_HEADER, "MARKER"],
          keys.map((key) => [...keyRow(key, now, output), marker]),
          SHRINK_COLUMNS,
        ),
  );
  output.note(output.style(`${keys.length} key${keys.length === 1 ? "" : "s"}`, "dim", "stderr"));
  return EXIT.ok;
}
