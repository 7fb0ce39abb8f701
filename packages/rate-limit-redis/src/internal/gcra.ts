import { createHash } from "node:crypto";

/**
 * GCRA (the generic cell rate algorithm), strict, with no burst, as a reservation. One call
 * reserves the next free slot of the tenant's budget for one request and returns how long to wait
 * for it, in microseconds (0: go now). Slots are `interval` microseconds apart, so no window of
 * `interval × limit` holds more than `limit` requests. The time is Redis's own (`TIME`), so the
 * machines' clocks do not matter; the script runs atomically, so processes cannot interleave.
 *
 * KEYS[1]: the budget's key. ARGV[1]: the interval between slots, in microseconds. ARGV[2]: the
 * longest wait the caller accepts, in microseconds. ARGV[3]: the furthest ahead of now that any
 * caller can ever make the next free slot (the greatest accepted wait of all, plus one interval).
 * The key holds the theoretical arrival time (TAT) of the next free slot, in microseconds, and
 * expires once it is in the past.
 *
 * A slot further away than the caller accepts is not reserved (the script answers how far away it
 * is, negated), so refused callers do not push the budget later. A stored time further ahead than
 * any caller can produce (a value written by something else, or a Redis whose clock went back) is
 * not a budget: it is reset to now, not pushed later; so is one that is no number at all (`nan`,
 * which `tonumber` reads as NaN, would otherwise fail every call for good).
 */
export const GCRA_SCRIPT = `
local interval = tonumber(ARGV[1])
local max_wait = tonumber(ARGV[2])
local never = tonumber(ARGV[3])
local time = redis.call("TIME")
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local tat = tonumber(redis.call("GET", KEYS[1])) or now
if tat ~= tat or tat < now or tat - now > never then tat = now end
if tat - now > max_wait then return now - tat end
local next_tat = tat + interval
redis.call("SET", KEYS[1], string.format("%.0f", next_tat), "PX", math.ceil((next_tat - now) / 1000) + 1000)
return tat - now
`;

/** The script's SHA-1, as EVALSHA names it. */
export const GCRA_SHA: string = createHash("sha1").update(GCRA_SCRIPT).digest("hex");
