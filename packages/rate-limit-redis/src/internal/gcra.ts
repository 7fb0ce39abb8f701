import { createHash } from "node:crypto";

/**
 * GCRA (the generic cell rate algorithm), strict, with no burst, as a reservation. One call
 * reserves the next free slot of the tenant's budget for one request and returns how long to wait
 * for it, in microseconds (0: go now). Slots are `interval` microseconds apart, so no window of
 * `interval × limit` holds more than `limit` requests. The time is Redis's own (`TIME`), so the
 * machines' clocks do not matter; the script runs atomically, so processes cannot interleave.
 *
 * KEYS[1]: the budget's key. ARGV[1]: the interval between slots, in microseconds.
 * The key holds the theoretical arrival time (TAT) of the next free slot, in microseconds, and
 * expires once it is in the past.
 */
export const GCRA_SCRIPT = `
local interval = tonumber(ARGV[1])
local time = redis.call("TIME")
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local tat = tonumber(redis.call("GET", KEYS[1])) or now
if tat < now then tat = now end
local next_tat = tat + interval
redis.call("SET", KEYS[1], string.format("%.0f", next_tat), "PX", math.ceil((next_tat - now) / 1000) + 1000)
return tat - now
`;

/** The script's SHA-1, as EVALSHA names it. */
export const GCRA_SHA: string = createHash("sha1").update(GCRA_SCRIPT).digest("hex");
