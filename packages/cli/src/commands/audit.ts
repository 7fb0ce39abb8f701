import {
  type ApiKeyFilter,
  type ApiKeyInfo,
  type AuditKind,
  auditApiKeys,
  escapeText,
} from "@xsiam-sdk/client";
import { type Context, idsOf } from "../internal/context.js";
import { CliError, EXIT } from "../internal/errors.js";
import { table } from "../internal/output.js";
import { durationOf, fromNow, shortDate, span } from "../internal/time.js";
import { remove } from "./delete.js";

const DAY = 86_400_000;

/** What each finding means, for a person. */
const KIND_WORDS: Readonly<Record<AuditKind, string>> = {
  expired: "expired, still listed",
  expiring: "expires soon",
  "no-expiry": "never expires",
  "too-old": "older than --max-age",
};

/** `--id` and `--role` as a list filter. */
function filterOf(context: Context): ApiKeyFilter {
  const ids = (context.values.id as string[] | undefined) ?? [];
  const roles = (context.values.role as string[] | undefined) ?? [];
  return {
    ...(ids.length > 0 && { ids: idsOf(ids, "--id") }),
    ...(roles.length > 0 && { roles }),
  };
}

/**
 * `audit`: the keys that need attention: expired and still listed, expiring within
 * `--expiring-within` (14 days by default), never expiring, and (with `--max-age`) created too long
 * ago. Exit 5 when there is any finding, so that a CI job fails on it.
 */
export async function audit(context: Context): Promise<number> {
  const { output, values } = context;
  if (context.positionals.length > 0)
    throw new CliError("audit takes no arguments; choose keys with --id and --role");
  const within = values["expiring-within"] as string | undefined;
  const maxAge = values["max-age"] as string | undefined;
  const expiringWithinMs = within === undefined ? 14 * DAY : durationOf("--expiring-within", within);
  const maxAgeMs = maxAge === undefined ? undefined : durationOf("--max-age", maxAge);
  const filter = filterOf(context);
  const xsiam = await context.client();
  const keys = await output.wait("Listing keys", () => xsiam.apiKeys.list(filter));
  // An id typed for a key that does not exist must not pass as "no finding" in CI.
  const missing = (filter.ids ?? []).filter((id) => !keys.some((key) => key.id === id));
  if (missing.length > 0) {
    throw new CliError(
      `no key with id ${missing.join(", ")}: nothing to audit there`,
      EXIT.usage,
      `check the ids with ${context.commandLine("list")}`,
    );
  }
  const now = Date.now();
  const findings = auditApiKeys(keys, { expiringWithinMs, maxAgeMs, now });
  const byId = new Map(keys.map((key) => [key.id, key]));
  if (context.json) {
    output.json({
      findings: findings.map(({ id, kind, expiresAt, createdAt }) => ({
        id,
        kind,
        expiresAt,
        createdAt,
        roles: byId.get(id)?.roles ?? [],
        comment: byId.get(id)?.comment ?? null,
      })),
      checked: keys.length,
      expiringWithinDays: expiringWithinMs / DAY,
      ...(maxAgeMs !== undefined && { maxAgeDays: maxAgeMs / DAY }),
      at: new Date(now),
    });
  } else if (findings.length === 0) {
    output.result(
      `${output.style("✓", "green")} No finding in ${keys.length} key${keys.length === 1 ? "" : "s"}.`,
    );
  } else {
    output.result(
      table(
        output,
        ["ID", "FINDING", "EXPIRES", "CREATED", "COMMENT"],
        findings.map(({ id, kind, expiresAt, createdAt }) => [
          String(id),
          kind === "too-old"
            ? `${KIND_WORDS[kind]} (created ${span(now - createdAt.getTime())} ago)`
            : kind === "no-expiry"
              ? KIND_WORDS[kind]
              : `${KIND_WORDS[kind]} (${fromNow(expiresAt, now)})`,
          expiresAt ? shortDate(expiresAt) : "never",
          shortDate(createdAt),
          escapeText(byId.get(id)?.comment ?? ""),
        ]),
        [4],
      ),
    );
    output.note(
      output.style(
        `${findings.length} finding${findings.length === 1 ? "" : "s"} in ${keys.length} key${keys.length === 1 ? "" : "s"}`,
        "dim",
        "stderr",
      ),
    );
  }
  return findings.length > 0 ? EXIT.findings : EXIT.ok;
}

// A key is pruned only once it expired this long ago by this machine's clock: a clock running
// ahead of the tenant's must never take a key the tenant still honours.
const PRUNE_MARGIN_MS = 3_600_000;

/**
 * `prune --expired`: deletes the keys that expired more than an hour ago, as `delete` would (the
 * table, the question or `--yes`, `--dry-run`, never the key the tool uses). The keys are read
 * again before the delete: one that no longer meets the rule stays; one deleted meanwhile is gone.
 */
export async function prune(context: Context): Promise<number> {
  const { output, values } = context;
  if (context.positionals.length > 0) throw new CliError("prune takes no arguments; it deletes expired keys");
  if (values.expired !== true) {
    throw new CliError(
      "prune needs --expired: it deletes the keys whose expiration has passed",
      EXIT.usage,
      "xsiam-keys prune --expired --dry-run",
    );
  }
  const xsiam = await context.client();
  const own = await context.ownKeyId();
  const before = () => Date.now() - PRUNE_MARGIN_MS;
  const expired = (key: ApiKeyInfo) =>
    key.id !== own && key.expiresAt !== null && key.expiresAt.getTime() <= before();
  const keys = await output.wait("Listing keys", () => xsiam.apiKeys.list({ expiresBefore: before() }));
  const chosen = keys.filter(expired);
  if (chosen.length === 0) {
    if (context.json) output.json({ deleted: [], wouldDelete: [], notFound: [] });
    else output.result("No key expired more than an hour ago.");
    return EXIT.ok;
  }
  // The ids are the tool's own choice: one deleted by someone else meanwhile is not an error.
  return remove(
    {
      ...context,
      positionals: chosen.map((key) => String(key.id)),
      values: { ...values, "missing-ok": true },
    },
    { keep: expired, why: "it no longer expired more than an hour ago when read again" },
  );
}
