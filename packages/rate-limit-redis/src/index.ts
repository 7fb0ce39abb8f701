export {
  createRedisRateLimiter,
  type RedisRateLimiter,
  type RedisRateLimiterOptions,
  type RedisScripting,
  XsiamRedisRateLimitError,
} from "./redis-rate-limiter.js";
