import { CliError, typed } from "./errors.js";

const UNITS: Readonly<Record<string, number>> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};
const DURATION = /^([1-9][0-9]{0,5})([smhdw])$/;

/** A duration like `7d`, `12h`, `90m`, `45s` or `2w`, in milliseconds. */
export function durationOf(flag: string, value: string): number {
  const match = DURATION.exec(value);
  if (!match)
    throw new CliError(`${flag} must be a duration like 30d, 12h, 90m, 45s or 2w (got ${typed(value)})`);
  return Number(match[1]) * (UNITS[match[2] ?? "d"] ?? 0);
}

/** `--expires`: a duration from now (`30d`), or an ISO date or date-time (`2026-12-31`, `2026-12-31T18:00Z`). */
export function expiryOf(value: string, now: number): number {
  if (DURATION.test(value)) return now + durationOf("--expires", value);
  const time = /^\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/.test(value)
    ? Date.parse(value)
    : Number.NaN;
  if (Number.isNaN(time)) {
    throw new CliError(
      `--expires must be a duration like 30d or an ISO date like 2026-12-31 (got ${typed(value)})`,
    );
  }
  return time;
}

/** A time as `2026-11-30 21:26 UTC`. */
export function shortDate(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** How long until `date`: `in 6 days`, `in 3 hours`, `expired 2 days ago`. */
export function fromNow(date: Date | null, now: number): string {
  if (date === null) return "never";
  const delta = date.getTime() - now;
  return delta >= 0 ? `in ${span(delta)}` : `expired ${span(delta)} ago`;
}

/** A length of time in words, its sign aside: `6 days`, `3 hours`, `12 minutes`. */
export function span(ms: number): string {
  const size = Math.abs(ms);
  const [count, unit] =
    size >= 2 * 86_400_000
      ? [Math.round(size / 86_400_000), "day"]
      : size >= 2 * 3_600_000
        ? [Math.round(size / 3_600_000), "hour"]
        : [Math.max(1, Math.round(size / 60_000)), "minute"];
  return `${count} ${unit}${count === 1 ? "" : "s"}`;
}
