import {
  escapeText,
  type GeneratedApiKey,
  type SecurityLevel,
  type SettleProgress,
  type XsiamClient,
  XsiamGenerateError,
} from "@xsiam-sdk/client";
import type { Context } from "../internal/context.js";
import { CliError, EXIT, exitCodeOf, inToolWords, typed } from "../internal/errors.js";
import { checkConnection, deliver, keyText, placeOf, plan } from "../internal/hand-over.js";
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
    throw new CliError(`--level must be advanced or standard (got ${typed(value)})`);
  }
  return value;
}

/** The command that lists the key carrying `marker`, e.g. `xsiam-keys list --marker q3XvR8kLm2Pw9TzA`. */
export function findMarked(context: Context, marker: string): string {
  return context.commandLine("list", "--marker", /[A-Za-z0-9]{16}/.exec(marker)?.[0] ?? marker);
}

/**
 * The client's words for where the key with `marker` is found, in the tool's: the `list --marker`
 * command. Only the phrase for the call's own marker is rewritten (the client's words); the rest may
 * quote the service, whose text is data, even when it looks the same.
 */
export function markerInToolWords(context: Context, text: string, marker: string): string {
  return text.replaceAll(
    `marker ${marker} (apiKeys.list() gives each key's marker)`,
    `marker ${marker} (${findMarked(context, marker)} finds it)`,
  );
}

/**
 * Says, before a generate request is sent, the marker it puts on the new key, on stderr even when
 * quiet: if the process dies in a way no handler catches (SIGKILL, out of memory, power loss), this
 * line is what names the key to clean up.
 */
export function announceMarker(context: Context, marker: string): void {
  const find = findMarked(context, marker);
  context.output.note(
    `${context.output.style("note:", "dim", "stderr")} the new key will have marker ${marker}: if this run dies before it finishes, find that key with ${find} and delete it`,
    true,
  );
  context.pending(
    `a key may have been created that nobody holds: ${find} finds it (marker ${marker}); delete it`,
  );
}

/**
 * What a generate waits for, in words, while an attempt's request may still be creating its key on
 * the service: nothing is sent again until the key appears or the window closes. A function, so that
 * a spinner counts down between the checks.
 */
export function waitingWords({ waitedMs, windowMs, checks }: SettleProgress): () => string {
  const told = Date.now();
  return () => {
    const left = Math.max(0, Math.ceil((windowMs - waitedMs - (Date.now() - told)) / 1000));
    const window =
      windowMs < 10_000 ? `${(windowMs / 1000).toFixed(1)} s` : `${Math.round(windowMs / 1000)} s`;
    return `Waiting for the key the last try may still create: ${left} s left of ${window}, ${checks} check${checks === 1 ? "" : "s"}`;
  };
}

/**
 * Says, after a generate that succeeded on a retry, which earlier attempts gave up waiting for a key
 * that may still appear (nobody would hold it), and the command that finds each.
 */
export function warnLate(context: Context, late: readonly string[]): void {
  for (const marker of late) {
    context.output.warn(
      `an earlier attempt's request (marker ${marker}) may still create a key after the tool stopped waiting for it; nobody would hold that key: ${findMarked(context, marker)} finds it, to delete`,
    );
  }
}

/** The exit code for a stop: the signal's, or 1 when stdout or stderr broke. */
export function stopCode(signal: AbortSignal): number {
  const code = exitCodeOf(signal.reason);
  return code === EXIT.failure ? EXIT.usage : code;
}

/** Why a hand-over failed, in a few words: the system's message (`ENOSPC: no space left on device, write`). */
export function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Deletes a key nobody got, and throws the error that says so (or what is left to do). */
async function discard(
  context: Context,
  xsiam: XsiamClient,
  key: GeneratedApiKey,
  why: string,
  exitCode: number,
): Promise<never> {
  try {
    await context.output.wait("Deleting the new key", () => xsiam.apiKeys.delete([key.id]));
  } catch {
    throw new CliError(
      `${why}, and deleting new key ${key.id} failed too`,
      EXIT.attention,
      `nobody holds its secret: delete it with ${context.commandLine("delete", String(key.id), "--yes")}`,
    );
  } finally {
    context.pending(undefined);
  }
  throw new CliError(`${why}; new key ${key.id} was deleted, so nothing changed`, exitCode);
}

/** `generate`: creates a key and hands it over: to a new file, to a command, or to a pipe. */
export async function generate(context: Context): Promise<number> {
  const { output, values, signal } = context;
  if (context.positionals.length > 0)
    throw new CliError("generate takes no arguments; give roles with --role");
  const roles = (values.role as string[] | undefined) ?? [];
  if (roles.length === 0)
    throw new CliError("generate needs at least one --role", EXIT.usage, 'for example: --role "Viewer"');
  const securityLevel = levelOf(values.level) ?? "advanced";
  const expires = values.expires === undefined ? undefined : expiryOf(values.expires as string, Date.now());
  const destination = plan(values, output);
  const xsiam = await context.client();
  const connection = await connectionOf(context, xsiam);
  checkConnection(destination, connection);
  if (signal.aborted) throw new CliError("stopped before anything was created", stopCode(signal));

  // Attempts whose window closed with no key: each may still create one later.
  const late: string[] = [];
  // Not aborted by a stop: a generate in flight is waited for, so that its key can be deleted.
  const key = await output
    .wait("Generating a key", (relabel) =>
      xsiam.apiKeys.generate(
        {
          roles,
          securityLevel,
          ...(expires !== undefined && { expiration: expires }),
          ...(values.comment !== undefined && { comment: values.comment as string }),
        },
        {
          onSend: ({ marker, attempt }) => {
            // Stopped while an earlier try was checked: no other try is sent; the client ends the
            // call with what the earlier tries left (their late markers included).
            if (attempt > 1 && signal.aborted) throw signal.reason;
            if (attempt > 1) {
              context.output.note(
                `Trying again (try ${attempt}): the earlier try left no key, or its key was found and deleted.`,
              );
            }
            announceMarker(context, marker);
          },
          onWait: (progress) => {
            if (progress.closed) late.push(progress.marker);
            else relabel(waitingWords(progress));
          },
        },
      ),
    )
    .catch((error: unknown) => {
      if (!(error instanceof XsiamGenerateError)) throw error;
      // The tool's words for the rest (as every failure gets them), then the commands for the markers.
      const { message, hint } = inToolWords(error);
      const shown = [error.marker, ...error.lateMarkers].reduce(
        (text, marker) => markerInToolWords(context, text, marker),
        message,
      );
      if (signal.aborted) {
        throw new CliError(
          `${(signal.reason as Error).message}, so no other try was sent: ${shown}`,
          stopCode(signal),
          hint,
        );
      }
      throw new CliError(shown, exitCodeOf(error), hint);
    });
  warnLate(context, late);
  context.pending(
    `key ${key.id} was created and not handed over: delete it with ${context.commandLine("delete", String(key.id), "--yes")}`,
  );
  if (signal.aborted) {
    await discard(
      context,
      xsiam,
      key,
      `${(signal.reason as Error).message} while the key was being created`,
      stopCode(signal),
    );
  }
  let delivery: Awaited<ReturnType<typeof deliver>>;
  try {
    delivery = await deliver(
      destination,
      key,
      keyText(destination.format, key, securityLevel, connection),
      context,
    );
  } catch (error) {
    return discard(
      context,
      xsiam,
      key,
      `the new key ${key.id} could not be handed over to ${placeOf(destination)} (${reasonOf(error)})`,
      signal.aborted ? stopCode(signal) : EXIT.usage,
    );
  }
  delivery.finish();
  context.pending(undefined);
  const expiry = expires === undefined ? "in one week (the service's default)" : shortDate(new Date(expires));
  if (destination.kind !== "stdout" && values.json) {
    output.json({
      id: key.id,
      securityLevel,
      roles,
      ...(destination.kind === "file" ? { file: destination.path } : { command: true }),
      format: destination.format,
    });
  } else {
    const done = `Created key ${key.id} (${securityLevel}; ${roles.map(escapeText).join(", ")}; expires ${expiry}), handed over to ${placeOf(destination)}.`;
    // With the key on stdout, everything else keeps off it.
    if (destination.kind !== "stdout") output.result(`${output.style("✓", "green")} ${done}`);
    else output.note(`${output.style("✓", "green", "stderr")} ${done}`);
  }
  // A stop that came once the key was handed over keeps it: it is where it was asked to go.
  return signal.aborted ? stopCode(signal) : EXIT.ok;
}
