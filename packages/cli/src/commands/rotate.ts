import {
  escapeText,
  type HandOver,
  type RotateEvent,
  type RotateResult,
  rotationExpiry,
  XsiamError,
  XsiamRotateError,
  XsiamValidationError,
} from "@xsiam-sdk/client";
import { type Context, idsOf } from "../internal/context.js";
import { CliError, EXIT, exitCodeOf, Interrupt } from "../internal/errors.js";
import {
  checkConnection,
  type Delivery,
  type Destination,
  deliver,
  keyText,
  placeOf,
  plan,
} from "../internal/hand-over.js";
import type { Spinner } from "../internal/output.js";
import { expiryOf, shortDate } from "../internal/time.js";
import {
  announceMarker,
  connectionOf,
  findMarked,
  markerInToolWords,
  stopCode,
  waitingWords,
  warnLate,
} from "./generate.js";

const STEPS = 5;
const STEP_NAMES = {
  read: "reading the key",
  generate: "generate",
  "hand-over": "the hand-over",
  check: "the check of the new key",
  "delete-old": "deleting the old key",
} as const;

const EXPIRY_WORDS = {
  given: "(--expires)",
  "old-lifetime": "(the old key's lifetime)",
  capped: "(the old key's lifetime, cut to six months, the longest the service allows)",
} as const;

/** An error of the client about `expiresAt`, in the tool's words. */
function expiresError(error: unknown, oldId: number): unknown {
  if (!(error instanceof XsiamValidationError) || !error.field.endsWith("expiresAt")) return error;
  if (error.reason.startsWith("is required")) {
    return new CliError(
      `key ${oldId} never expires, and the service cannot create a key that never expires`,
      EXIT.usage,
      "give the new key an expiry with --expires, e.g. --expires 90d (at most six months); nothing was created",
    );
  }
  return new CliError(`--expires ${error.reason}`);
}

/** The exit code of a rotation that failed: 1 to 3 when nothing changed, 4 when something needs doing. */
function exitCodeFor(error: XsiamRotateError, signal: AbortSignal): number {
  if (error.stopped) return stopCode(signal);
  const unchanged =
    error.holds === error.oldId && !error.newExists && !error.handedOver && error.lookFor === undefined;
  if (!unchanged) return EXIT.attention;
  const { cause } = error;
  if (cause === undefined) return EXIT.usage;
  if (cause instanceof XsiamError || cause instanceof CliError || cause instanceof Interrupt) {
    return exitCodeOf(cause);
  }
  // A hand-over that failed here (a file, a command, a pipe): nothing changed at the service.
  return EXIT.usage;
}

/**
 * `rotate`: the client's `apiKeys.rotate` with a file, a command or stdout as the hand-over. A
 * file is written, fsynced and read back, and can be put back; stdout cannot be checked, so the old
 * key is kept; a command is checked by its exit status, and cannot be taken back.
 */
export async function rotate(context: Context): Promise<number> {
  const { output, values, signal } = context;
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
  const destination = plan(values, output, { dryRun: values["dry-run"] === true });
  const given = values.expires === undefined ? undefined : expiryOf(values.expires as string, Date.now());
  const xsiam = await context.client();
  const connection = await connectionOf(context, xsiam);
  checkConnection(destination, connection);
  // What goes to stdout cannot be checked: whatever reads it may fail after the tool is done.
  const keepOld = values["keep-old"] === true || destination.kind === "stdout";

  if (values["dry-run"]) return dryRun(context, oldId, given, destination, keepOld);

  let spinner: Spinner | undefined;
  // Generate attempts whose window closed with no key: each may still create one later.
  const late: string[] = [];
  const stopSpinner = () => {
    spinner?.();
    spinner = undefined;
  };
  const step = (index: number, text: string, label: string) => {
    stopSpinner();
    output.note(`${output.style(`${index}/${STEPS}`, "cyan", "stderr")} ${text}`);
    spinner = output.spin(label);
  };
  const detail = (text: string) => {
    stopSpinner();
    output.note(`    ${text}`);
  };
  let delivery: Delivery | undefined;
  let undoFailed = false;
  let newId: number | undefined;

  // What to clean up if the user stops the run at once (a second Ctrl-C), kept true at every stage.
  const deleteLine = (id: number) => context.commandLine("delete", String(id), "--yes");
  const where = placeOf(destination);
  const pendingAt = (
    stage: "created" | "handing-over" | "handed-over" | "undoing" | "deleting-new" | "deleting-old",
  ) => {
    const id = newId ?? 0;
    const copy = delivery?.previous
      ? ` (its old content, key ${oldId}, is also in ${delivery.previous})`
      : "";
    const notes = {
      created: `new key ${id} was created and not handed over: delete it with ${deleteLine(id)}`,
      "handing-over": `new key ${id} was being handed over to ${where}, and key ${oldId} still exists: see which of the two ${where} holds, and delete the other (${deleteLine(id)} or ${deleteLine(oldId)})`,
      "handed-over": `${where} holds new key ${id}${copy}, and key ${oldId} still exists: check key ${id}, then delete key ${oldId} with ${deleteLine(oldId)}`,
      undoing: `${where} was being put back to key ${oldId}${copy}; new key ${id} still exists: see which key ${where} holds, and delete the other (${deleteLine(id)} or ${deleteLine(oldId)})`,
      "deleting-new": `${destination.kind === "file" ? `${where} holds key ${oldId} again, and ` : ""}new key ${id} was being deleted: delete it with ${deleteLine(id)}`,
      "deleting-old": `${where} holds new key ${id}, checked; key ${oldId} was being deleted: delete it with ${deleteLine(oldId)}`,
    } as const;
    context.pending(notes[stage]);
  };

  const handOver: HandOver = async (key, { oldKey }) => {
    const text = keyText(destination.format, key, oldKey.securityLevel, connection);
    const delivered = await deliver(destination, key, text, context);
    delivery = delivered;
    pendingAt("handed-over");
    if (!delivered.undoable) return undefined;
    return {
      undo: async () => {
        try {
          delivered.undo();
        } catch (error) {
          undoFailed = true;
          throw error;
        }
      },
    };
  };

  const onProgress = (event: RotateEvent) => {
    switch (event.kind) {
      case "step":
        if (event.step === "hand-over") pendingAt("handing-over");
        if (event.step === "delete-old") pendingAt("deleting-old");
        return step(event.index, ...stepWords(event.step, oldId, destination));
      case "plan": {
        const { oldKey, expiresAt, expiry } = event;
        detail(
          `roles ${oldKey.roles.map(escapeText).join(", ")}; ${oldKey.securityLevel}; the new key expires ${shortDate(expiresAt)} ${EXPIRY_WORDS[expiry]}`,
        );
        return;
      }
      case "sending":
        stopSpinner();
        announceMarker(context, event.marker);
        spinner = output.spin("Generating the new key");
        return;
      case "waiting":
        if (event.closed) {
          late.push(event.marker);
          return;
        }
        spinner ??= output.spin("Generating the new key");
        spinner.relabel(waitingWords(event));
        return;
      case "created":
        newId = event.id;
        return pendingAt("created");
      case "check-retry":
        return detail(
          `key ${newId} is not accepted yet (HTTP 401); trying again in ${event.delayMs / 1000} s (try ${event.attempt + 1} of ${event.of})`,
        );
      case "undo":
        pendingAt(event.action === "hand-over" ? "undoing" : "deleting-new");
        return detail(
          event.action === "hand-over"
            ? `Undoing: putting ${placeOf(destination)} back as it was`
            : `Undoing: deleting the new key ${event.id}`,
        );
    }
  };

  let result: RotateResult;
  try {
    result = await xsiam.apiKeys.rotate(oldId, {
      handOver,
      keepOld,
      signal,
      onProgress,
      ...(given !== undefined && { expiresAt: given }),
    });
  } catch (error) {
    stopSpinner();
    context.pending(undefined);
    if (!(error instanceof XsiamRotateError)) throw expiresError(error, oldId);
    // A hand-over that stands is final; one that could not be taken back keeps the old file's second name.
    if (error.handedOver && !undoFailed) delivery?.finish();
    return reportFailure(context, error, destination, delivery, undoFailed);
  }
  stopSpinner();
  delivery?.finish();
  context.pending(undefined);
  const code = await reportSuccess(context, result, destination);
  warnLate(context, late);
  return code;
}

/** The step's line, and the spinner's label while it runs. */
function stepWords(
  step: XsiamRotateError["step"],
  oldId: number,
  destination: Destination,
): [string, string] {
  switch (step) {
    case "read":
      return [`Reading key ${oldId}`, "Reading the key"];
    case "generate":
      return ["Generating the new key", "Generating"];
    case "hand-over":
      return [`Handing it over to ${placeOf(destination)}`, "Handing over"];
    case "check":
      return ["Checking that the new key authenticates", "Checking"];
    case "delete-old":
      return [`Deleting key ${oldId}`, "Deleting"];
  }
}

async function dryRun(
  context: Context,
  oldId: number,
  given: number | undefined,
  destination: Destination,
  keepOld: boolean,
): Promise<number> {
  const { output } = context;
  const xsiam = await context.client();
  const old = await output.wait("Reading the key", () =>
    xsiam.apiKeys.get(oldId, { signal: context.signal }),
  );
  if (!old) throw new CliError(`there is no key ${oldId} to rotate`);
  let planned: ReturnType<typeof rotationExpiry>;
  try {
    planned = rotationExpiry(old, given);
  } catch (error) {
    throw expiresError(error, oldId);
  }
  if (!planned) throw expiresError(new XsiamValidationError("expiresAt", "is required"), oldId);
  output.note(
    `Dry run: would create a key with roles ${old.roles.map(escapeText).join(", ")} (${old.securityLevel}), expiring ${shortDate(planned.expiresAt)} ${EXPIRY_WORDS[planned.expiry]}; hand it over to ${placeOf(destination)}; check it; then ${keepOld ? "keep" : "delete"} key ${oldId}.`,
  );
  return EXIT.ok;
}

function reportSuccess(context: Context, result: RotateResult, destination: Destination): number {
  const { output, values } = context;
  const { oldId, newId, oldDeleted } = result;
  const youHold = (text: string, always = false) =>
    output.note(`${output.style("→", "bold", "stderr")} ${text}`, always);
  const finish = context.commandLine("delete", String(oldId), "--yes");
  if (values.json && destination.kind !== "stdout") {
    output.json({
      oldId,
      newId,
      oldDeleted,
      expiresAt: result.expiresAt.toISOString(),
      ...(destination.kind === "file" ? { file: destination.path } : { command: true }),
    });
  }
  if (destination.kind === "stdout") {
    youHold(
      `Key ${newId} went to standard output, which xsiam-keys cannot check, so key ${oldId} was kept. Once whatever read it has stored key ${newId}, finish with: ${finish}`,
      true,
    );
  } else if (!oldDeleted) {
    const where = destination.kind === "command" ? "stored by the command" : `in ${placeOf(destination)}`;
    youHold(
      `You hold the new key ${newId}, ${where}. Key ${oldId} still works; once nothing uses it, delete it with: ${finish}`,
      true,
    );
  } else if (destination.kind === "command") {
    youHold(`Key ${newId} was stored by the command, which exited with 0. Key ${oldId} was deleted.`);
  } else {
    youHold(`You hold the new key ${newId}, in ${placeOf(destination)}. Key ${oldId} was deleted.`);
  }
  return context.signal.aborted ? stopCode(context.signal) : EXIT.ok;
}

function reportFailure(
  context: Context,
  error: XsiamRotateError,
  destination: Destination,
  delivery: Delivery | undefined,
  undoFailed: boolean,
): number {
  const { output } = context;
  const youHold = (text: string) => output.note(`${output.style("→", "bold", "stderr")} ${text}`, true);
  // The client says `apiKeys.delete([13])`; a person at a shell runs the command. Only the client's
  // own words (its summary) are rewritten: the reason may quote the service, whose text is data.
  const deletes = error.summary.replace(/apiKeys\.delete\(\[([\d, ]+)\]\)/g, (_, ids: string) =>
    context.commandLine("delete", ...ids.split(", "), "--yes"),
  );
  const summary = error.lookFor ? markerInToolWords(context, deletes, error.lookFor.marker) : deletes;
  const how = error.stopped ? "was stopped at" : "failed at";
  const message = `rotating key ${error.oldId} ${how} ${STEP_NAMES[error.step]} (${error.reason}): ${summary}`;
  output.fail(new CliError(message, exitCodeFor(error, context.signal), undefined));
  const { oldId, holds, toDelete, lookFor, newId } = error;
  if (undoFailed && delivery?.previous) {
    youHold(
      `The file ${placeOf(destination)} replaced is still there, as ${delivery.previous}: it holds key ${oldId}.`,
    );
  }
  if (toDelete.length > 0) {
    youHold(
      `You hold key ${holds}. To finish: ${context.commandLine("delete", ...toDelete.map(String), "--yes")}`,
    );
  } else if (lookFor) {
    youHold(
      `You hold key ${oldId}, unchanged. Find the key with marker ${lookFor.marker} (${findMarked(context, lookFor.marker)}) and delete it.`,
    );
  } else if (error.step === "read" && newId === undefined) {
    youHold("Nothing changed.");
  } else if (error.handedOver) {
    youHold(
      `You hold key ${holds}, in ${placeOf(destination)}; key ${oldId} also still exists. Delete key ${oldId} once key ${holds} is in use, or key ${newId} if it never authenticates.`,
    );
  } else {
    youHold(`Nothing changed: you hold key ${oldId}.`);
  }
  return exitCodeFor(error, context.signal);
}
