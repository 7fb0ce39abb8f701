import type { ApiKeyInfo } from "@xsiam-sdk/client";
import { type Context, idsOf, KEY_HEADER, keyRow, SHRINK_COLUMNS } from "../internal/context.js";
import { CliError, EXIT } from "../internal/errors.js";
import { table } from "../internal/output.js";

/**
 * `delete`: shows the keys that would go (read with list), asks on a terminal unless `--yes`,
 * refuses without a terminal and without `--yes`, and never deletes the key it authenticates with.
 */
export async function remove(
  context: Context,
  chosen?: { keep: (key: ApiKeyInfo) => boolean; why: string },
): Promise<number> {
  const { output, values } = context;
  const ids = [...new Set(idsOf(context.positionals, "delete"))];
  const own = await context.ownKeyId();
  if (own !== undefined && ids.includes(own)) {
    throw new CliError(
      `refusing to delete key ${own}: it is the key xsiam-keys is using, and deleting it would lock you out`,
      EXIT.usage,
      "delete it with another key",
    );
  }
  const xsiam = await context.client();
  const read = await output.wait("Reading the keys", () => xsiam.apiKeys.list({ ids }));
  // Keys chosen by a rule (prune's) are checked again as read now: one that no longer meets it stays.
  const found = chosen ? read.filter(chosen.keep) : read;
  const changed = read.filter((key) => !found.includes(key));
  if (changed.length > 0) output.note(`Kept key ${changed.map((key) => key.id).join(", ")}: ${chosen?.why}.`);
  const missing = ids.filter((id) => !read.some((key) => key.id === id));
  // A mistyped id must not pass in CI: unless told that keys may be gone already, delete nothing.
  if (missing.length > 0 && values["missing-ok"] !== true) {
    throw new CliError(
      `no key with id ${missing.join(", ")}: nothing was deleted`,
      EXIT.usage,
      found.length > 0
        ? `check the ids with ${context.commandLine("list")}, or add --missing-ok to delete the ${found.length === 1 ? "one" : found.length} that exist${found.length === 1 ? "s" : ""}`
        : `check the ids with ${context.commandLine("list")}, or add --missing-ok for a job that may run again after the keys are gone`,
    );
  }
  const now = Date.now();
  if (!context.json && found.length > 0) {
    output.result(`${values["dry-run"] ? "Would delete" : "To delete"}:`);
    output.result(
      table(
        output,
        KEY_HEADER,
        found.map((key) => keyRow(key, now, output)),
        SHRINK_COLUMNS,
      ),
    );
  }
  if (missing.length > 0) output.note(`No key with id ${missing.join(", ")}: nothing to delete there.`);
  if (found.length === 0 || values["dry-run"]) {
    if (context.json)
      output.json({
        deleted: [],
        wouldDelete: values["dry-run"] ? found.map((key) => key.id) : [],
        notFound: missing,
      });
    return EXIT.ok;
  }
  if (!values.yes) {
    if (!output.canAsk) {
      throw new CliError(
        `refusing to delete ${found.length === 1 ? "1 key" : `${found.length} keys`} without asking, and there is no terminal to ask on`,
        EXIT.usage,
        "add --yes to delete without asking",
      );
    }
    // With JSON on stdout the table was not shown: the person asked sees it on the terminal first.
    if (context.json) {
      output.note("To delete:", true);
      output.note(
        table(
          output,
          KEY_HEADER,
          found.map((key) => keyRow(key, now, output)),
          SHRINK_COLUMNS,
        ),
        true,
      );
    }
    const question = `Delete ${found.length === 1 ? "this key" : `these ${found.length} keys`}?`;
    // Ctrl-C, Ctrl-D and a signal at the prompt all mean no.
    if (!(await output.confirm(question, context.signal))) {
      output.note("Nothing was deleted.", true);
      return EXIT.usage;
    }
  }
  const targets = found.map((key) => key.id);
  if (context.signal.aborted) {
    output.note("Nothing was deleted.", true);
    return EXIT.usage;
  }
  // Once sent, a delete is finished even if a stop comes: it is one request, and idempotent.
  const { updateCount } = await output.wait("Deleting", () => xsiam.apiKeys.delete(targets));
  if (context.json) output.json({ deleted: targets, notFound: missing, updateCount });
  else
    output.result(
      `${output.style("✓", "green")} Deleted ${updateCount} key${updateCount === 1 ? "" : "s"}: ${targets.join(", ")}.`,
    );
  return EXIT.ok;
}
