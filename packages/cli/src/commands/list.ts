import type { ApiKeyFilter } from "@xsiam-sdk/client";
import { type Context, KEY_HEADER, keyRow } from "../internal/context.js";
import { CliError, EXIT } from "../internal/errors.js";
import { table } from "../internal/output.js";
import { durationOf } from "../internal/time.js";

/** `list`: the keys that match every filter given, as a table on a terminal, else as JSON. */
export async function list(context: Context): Promise<number> {
  const { output, values } = context;
  if (context.positionals.length > 0)
    throw new CliError("list takes no arguments; filter with --id, --role and --expiring-within");
  const ids = ((values.id as string[] | undefined) ?? []).map((value) => {
    if (!/^[1-9][0-9]{0,15}$/.test(value)) throw new CliError("--id must be a key id (a positive integer)");
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
  const xsiam = await context.client();
  const keys = await output.wait("Listing keys", () => xsiam.apiKeys.list(filter));
  if (context.json) {
    output.json(keys);
    return EXIT.ok;
  }
  if (keys.length === 0) {
    output.result("No key matches.");
    return EXIT.ok;
  }
  output.result(
    table(
      output,
      KEY_HEADER,
      keys.map((key) => keyRow(key, now)),
    ),
  );
  output.note(output.style(`${keys.length} key${keys.length === 1 ? "" : "s"}`, "dim", "stderr"));
  return EXIT.ok;
}
