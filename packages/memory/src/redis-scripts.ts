// The Lua scripts of RedisMemory. A script runs atomically on the server: the seq counter, the
// list, the trim and the expiry change together or not at all, whatever the number of app
// instances. All keys of a session share the hash tag {sessionId}, so they live in one cluster slot.

/**
 * KEYS: turns list, seq counter, summary hash. ARGV: the turn as a JSON object without seq and
 * createdAt (it starts with "{"), maxTurns (0 = none), ttlMs (0 = none).
 * Returns { seq, createdAt }. createdAt is the server's clock, so instances with skewed clocks
 * still produce createdAt in seq order.
 */
export const APPEND_SCRIPT = `
-- Redis does not roll a script back: check everything that could fail before the first write.
local kind = redis.call('TYPE', KEYS[1]).ok
if kind ~= 'none' and kind ~= 'list' then
  return redis.error_reply('WRONGTYPE ' .. KEYS[1] .. ' holds a ' .. kind .. ', not a list of turns')
end
local seq = redis.call('INCR', KEYS[2])
local now = redis.call('TIME')
local created = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
redis.call('RPUSH', KEYS[1], '{"seq":' .. seq .. ',"createdAt":' .. created .. ',' .. string.sub(ARGV[1], 2))
local maxTurns = tonumber(ARGV[2])
if maxTurns > 0 then
  redis.call('LTRIM', KEYS[1], -maxTurns, -1)
end
local ttl = tonumber(ARGV[3])
if ttl > 0 then
  redis.call('PEXPIRE', KEYS[1], ttl)
  redis.call('PEXPIRE', KEYS[2], ttl)
  redis.call('PEXPIRE', KEYS[3], ttl)
else
  redis.call('PERSIST', KEYS[1])
  redis.call('PERSIST', KEYS[2])
  redis.call('PERSIST', KEYS[3])
end
return { seq, created }
`;

/** KEYS: summary hash, turns list. ARGV: text, throughSeq, ttlMs (0 = none). Keeps the summary covering more turns. */
export const SAVE_SUMMARY_SCRIPT = `
local current = redis.call('HGET', KEYS[1], 'throughSeq')
if current and tonumber(current) >= tonumber(ARGV[2]) then
  return 0
end
local now = redis.call('TIME')
local updated = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
redis.call('HSET', KEYS[1], 'text', ARGV[1], 'throughSeq', ARGV[2], 'updatedAt', updated)
local ttl = tonumber(ARGV[3])
if ttl > 0 then
  redis.call('PEXPIRE', KEYS[1], ttl)
  if redis.call('EXISTS', KEYS[2]) == 1 then
    redis.call('PEXPIRE', KEYS[2], ttl)
  end
else
  redis.call('PERSIST', KEYS[1])
end
return 1
`;
