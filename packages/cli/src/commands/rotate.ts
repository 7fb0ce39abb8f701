import {
  type ApiKeyInfo,
  createXsiamClient,
  type GeneratedApiKey,
  XsiamApiError,
  type XsiamClient,
  XsiamGenerateError,
} from "@xsiam-sdk/client";
import { type Context, idsOf } from "../internal/context.js";
import { CliError, EXIT, exitCodeOf } from "../internal/errors.js";
import { plan } from "../internal/hand-over.js";
import { expiryOf, shortDate } from "../internal/time.js";
import { deliver, placeOf } from "./generate.js";

const DAY = 86_400_000;
// The longest lifetime the service accepts is six months; keep a day's margin.
const MAX_LIFETIME = 181 * DAY;
// A new key may take a moment to be accepted everywhere: the check tries a few times.
const CHECK_TRIES = 3;
const CHECK_PAUSE_MS = 1_000;

const STEPS = 5;

/** Whether `key` authenticates: a signed get_api_keys call, where a 200 or a 403 proves it and a 401 does not. */
async function authenticates(
  xsiam: XsiamClient,
  key: GeneratedApiKey,
  securityLevel: ApiKeyInfo["securityLevel"],
): Promise<true | string> {
  const settings = { baseUrl: xsiam.baseUrl, apiKey: key.key, apiKeyId: key.id, securityLevel };
  let last = "";
  for (let attempt = 1; attempt <= CHECK_TRIES; attempt++) {
    try {
      await createXsiamClient(settings).apiKeys.get(key.id);
      return true;
    } catch (error) {
      if (error instanceof XsiamApiError && error.status === 403) return true;
      last =
        error instanceof XsiamApiError
          ? `HTTP ${error.status}`
          : error instanceof Error
            ? error.name
            : "error";
      if (attempt < CHECK_TRIES) await new Promise((resolve) => setTimeout(resolve, CHECK_PAUSE_MS));
    }
  }
  return last;
}

/**
 * `rotate`: a new key with the old key's roles, level and comment; handed over; checked; then the
 * old key deleted. If a step fails, what was done is undone, so that the user holds exactly one
 * working key, never none and never one they do not hold; the last lines say which.
 */
export async function rotate(context: Context): Promise<number> {
  const { output, values } = context;
  const ids = idsOf(context.positionals, "rotate");
  if (ids.length !== 1) throw new CliError("rotate takes one key id");
  const oldId = ids[0] as number;
  if (oldId === (await context.ownKeyId())) {
    throw new CliError(
      `refusing to rotate key ${oldId} with itself: its replacement would be created by the API, and such a key cannot create keys`,
      EXIT.usage,
      "rotate it with another key (one created in the console)",
    );
  }
  const destination = plan(values, output);
  const step = (n: number, text: string) =>
    output.note(`${output.style(`${n}/${STEPS}`, "cyan", "stderr")} ${text}`);
  const youHold = (text: string) => output.note(`${output.style("→", "bold", "stderr")} ${text}`);
  const xsiam = await context.client();

  step(1, `Reading key ${oldId}`);
  const old = await output.wait("Reading the key", () => xsiam.apiKeys.get(oldId));
  if (!old) throw new CliError(`there is no key ${oldId} to rotate`);
  const now = Date.now();
  const lifetime = old.expiresAt
    ? Math.min(old.expiresAt.getTime() - old.createdAt.getTime(), MAX_LIFETIME)
    : undefined;
  const expiration =
    values.expires !== undefined ? expiryOf(values.expires as string, now) : lifetime && now + lifetime;
  const expiry = expiration ? shortDate(new Date(expiration)) : "in one week (the service's default)";
  output.note(`    roles ${old.roles.join(", ")}; ${old.securityLevel}; the new key expires ${expiry}`);
  if (values["dry-run"]) {
    output.note(
      `Dry run: would create the new key, write it to ${placeOf(destination)}, check it, then ${values["keep-old"] ? "keep" : "delete"} key ${oldId}.`,
    );
    return EXIT.ok;
  }

  step(2, "Generating the new key");
  let fresh: GeneratedApiKey;
  try {
    fresh = await output.wait("Generating", () =>
      xsiam.apiKeys.generate({
        roles: old.roles,
        securityLevel: old.securityLevel,
        ...(old.comment !== null && { comment: old.comment }),
        ...(expiration && { expiration }),
      }),
    );
  } catch (error) {
    output.fail(error);
    const outcome = error instanceof XsiamGenerateError ? error.outcome.kind : undefined;
    if (outcome === "left" || outcome === "unknown") {
      youHold(`You hold key ${oldId}, unchanged. A new key may exist that nobody holds: see above.`);
      return EXIT.attention;
    }
    youHold(`Nothing changed: you hold key ${oldId}.`);
    return exitCodeOf(error);
  }

  step(3, `Handing it over to ${placeOf(destination)}`);
  let undoHandOver: () => void;
  try {
    undoHandOver = await deliver(context, xsiam, destination, fresh, old.securityLevel);
  } catch (error) {
    output.fail(error);
    youHold(
      exitCodeOf(error) === EXIT.attention
        ? `You hold key ${oldId}; new key ${fresh.id} needs deleting (see above).`
        : `Nothing changed: you hold key ${oldId}.`,
    );
    return exitCodeOf(error);
  }

  step(4, `Checking that key ${fresh.id} authenticates`);
  const works = await output.wait("Checking", () => authenticates(xsiam, fresh, old.securityLevel));
  if (works !== true) {
    // The key first: a key nobody should hold must go; then the file as it was.
    const undone = await xsiam.apiKeys.delete([fresh.id]).then(
      () => {
        try {
          undoHandOver();
          return true;
        } catch {
          return false;
        }
      },
      () => false,
    );
    output.fail(new CliError(`the new key ${fresh.id} does not authenticate (${works})`));
    if (!undone) {
      youHold(
        `You hold key ${oldId}. New key ${fresh.id} could not be cleaned up: delete it with xsiam-keys delete ${fresh.id} --yes, and check ${placeOf(destination)}.`,
      );
      return EXIT.attention;
    }
    const where =
      destination.kind === "file"
        ? ` and ${destination.path} put back as it was`
        : " (what went to standard output no longer works)";
    youHold(`It was deleted${where}. Nothing changed: you hold key ${oldId}.`);
    return works === "HTTP 401" ? EXIT.auth : EXIT.failure;
  }

  if (values["keep-old"]) {
    step(5, `Keeping key ${oldId}, as asked`);
    youHold(
      `You hold the new key ${fresh.id}, in ${placeOf(destination)}. Key ${oldId} still works; delete it later with: xsiam-keys delete ${oldId} --yes`,
    );
    return EXIT.ok;
  }
  step(5, `Deleting key ${oldId}`);
  try {
    await output.wait("Deleting", () => xsiam.apiKeys.delete([oldId]));
  } catch (error) {
    output.fail(error);
    youHold(
      `You hold the new key ${fresh.id}, in ${placeOf(destination)}, and it works. Key ${oldId} could not be deleted: delete it with xsiam-keys delete ${oldId} --yes`,
    );
    return EXIT.attention;
  }
  if (values.json && destination.kind === "file")
    output.json({ oldId, newId: fresh.id, oldDeleted: true, file: destination.path });
  youHold(`You hold the new key ${fresh.id}, in ${placeOf(destination)}. Key ${oldId} was deleted.`);
  return EXIT.ok;
}
