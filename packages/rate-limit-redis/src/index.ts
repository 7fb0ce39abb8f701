export {
  createRedisRateLimiter,
  type RedisRateLimiter,
  type RedisRateLimiterOptions,
  type RedisScripting,
  XsiamRedisRateLimitError,
} from "./redis-rate-limiter.js";
export { tenantRateLimitKey } from "./tenant-key.js";
