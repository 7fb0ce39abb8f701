import { XsiamApiError } from "@xsiam-sdk/client";
import { type Context, KEY_HEADER, keyRow, SHRINK_COLUMNS } from "../internal/context.js";
import { CliError, EXIT } from "../internal/errors.js";
import { table } from "../internal/output.js";

/** Minutes, said plainly. */
const minutes = (ms: number) => {
  const count = Math.max(1, Math.round(Math.abs(ms) / 60_000));
  return `${count} minute${count === 1 ? "" : "s"}`;
};

/**
 * `check`: authenticates with a signed get_api_keys call for the key's own id and shows what the
 * service says about the key. On a 401 it compares the service's clock with this one.
 */
export async function check(context: Context): Promise<number> {
  const { output } = context;
  // Nothing is sent for a mistake: `check <something>` is most likely a key pasted in the wrong place.
  if (context.positionals.length > 0)
    throw new CliError("check takes no arguments; give the key with XSIAM_API_KEY or --credentials");
  const xsiam = await context.client();
  const id = (await context.ownKeyId()) as number;
  try {
    const key = await output.wait(`Checking key ${id} at ${xsiam.baseUrl}`, () => xsiam.apiKeys.get(id));
    if (context.json) {
      output.json({ authenticated: true, baseUrl: xsiam.baseUrl, key: key ?? null });
      return EXIT.ok;
    }
    output.result(`${output.style("✓", "green")} Key ${id} authenticates at ${xsiam.baseUrl}.`);
    if (key) output.result(table(output, KEY_HEADER, [keyRow(key, Date.now(), output)], SHRINK_COLUMNS));
    else
      output.result(
        "The service does not list it (another tenant's key?): its roles and expiry are unknown.",
      );
    return EXIT.ok;
  } catch (error) {
    if (!(error instanceof XsiamApiError)) throw error;
    if (error.status === 403) {
      // The service checked the signature before the permission: the key authenticated.
      if (context.json) output.json({ authenticated: true, baseUrl: xsiam.baseUrl, key: null });
      else
        output.result(
          `${output.style("✓", "green")} Key ${id} authenticates at ${xsiam.baseUrl}, but it may not list keys (HTTP 403), so its roles and expiry are not shown.`,
        );
      return EXIT.ok;
    }
    if (error.status !== 401) throw error;
    throw new CliError(
      `key ${id} does not authenticate at ${xsiam.baseUrl} (HTTP 401)`,
      EXIT.auth,
      whyUnauthenticated(error),
    );
  }
}

/**
 * Why a 401 may have happened: this machine's clock, when it is a minute or more away from the
 * service's `Date`; else the client's hint.
 */
export function whyUnauthenticated(error: XsiamApiError, now: number = Date.now()): string {
  const skew = error.serverDate ? now - error.serverDate.getTime() : 0;
  return Math.abs(skew) >= 60_000
    ? `your clock is off by ${minutes(skew)} (the service says ${error.serverDate?.toISOString()}, this machine ${new Date(now).toISOString()}): advanced keys are refused beyond about five minutes; set the clock right (NTP)`
    : (error.hint ?? "check the key, its id and its level");
}
