/**
 * The Redis traffic store's one script. A script runs alone on the server, so checking every limit
 * of a request and taking them all is one atomic step: N gateways sharing a Redis never admit past
 * a limit. The arithmetic mirrors limit-math.ts line for line, so that the memory and the Redis
 * store answer the same numbers: test/unit/traffic/store.test.ts runs one suite on both, and
 * store-agreement.test.ts checks that a long random story gets the very same answers from each.
 */
export const TRAFFIC_SCRIPT = `
-- KEYS: one per check, then the ranking's key when the request is counted on a ranking.
-- ARGV[1] mode: 'admit' (check all, take all when all pass), 'peek' (check, write nothing and
--         report the counters as they stand) or 'charge' (add each amount to its budget, unchecked).
-- ARGV[2] now, epoch ms, from the caller's clock (not the server's: tests inject time).
-- ARGV[3] how many checks; then FIELDS values per check:
--           kind ('bucket' | 'quota' | 'budget'), limit (a bucket's capacity), amount,
--           for a bucket: refillPerMs, '', ''
--           for a counter: 'fixed', endsAt, ''   or   'rolling', ms, slots
--         then, with a ranking: member, expiresAt.
-- Returns { allowed (1 | 0), then per check: allowed (1 | 0), remaining, used, resetMs, retryAfterMs }.
-- Fractions travel as strings: Redis would truncate a Lua number in a reply to an integer.

-- Float slack on instants: adding a fractional interval to an epoch ms (1.8e12) rounds by up to
-- 0.00012 ms, which must not cost a token, turn 100 ms into 101 or refuse a request on time.
local SLACK_MS = 0.001
local FIXED_LINGER_MS = 60000   -- a calendar counter outlives its period, for replicas running late
local RANKING_MAX_MEMBERS = 10000
local FIELDS = 6

local mode = ARGV[1]
local now = tonumber(ARGV[2])
local count = tonumber(ARGV[3])

-- Every bit of a double (tostring keeps 14 digits, which would round a TAT to 0.1 ms).
local function exact(x) return string.format('%.17g', x) end
local function ceil_ms(ms) if ms <= SLACK_MS then return 0 end return math.ceil(ms - SLACK_MS) end
local function ttl_ms(ms) return math.max(1, ceil_ms(ms)) end

-- TOKEN BUCKET, AS GCRA (the generic cell rate algorithm).
-- The key holds one number, the theoretical arrival time (TAT): the instant the bucket will be full
-- again. A token comes back every interval = 1 / refillPerMs ms, so at now the bucket holds
-- capacity - (TAT - now) / interval tokens. Taking amount tokens pushes TAT by amount * interval,
-- which is allowed while the bucket stays at 0 tokens or more. A TAT in the past means a full
-- bucket, so the key expires at its TAT and a missing key reads as full: one GET, one SET.
local function bucket(key, capacity, refill_per_ms, amount)
  local interval = 1 / refill_per_ms
  local tolerance = capacity * interval -- how far ahead of now TAT may be: an empty bucket
  local tat = tonumber(redis.call('GET', key))
  if tat == nil or tat < now then tat = now end
  local new_tat = tat + amount * interval
  local function tokens_at(at)
    return math.max(0, math.floor((tolerance - (at - now) + SLACK_MS) / interval))
  end
  local allowed = new_tat - now <= tolerance + SLACK_MS
  local retry = 0
  if not allowed then retry = ceil_ms(new_tat - now - tolerance) end
  return {
    allowed = allowed,
    retry = retry,
    before = { tokens_at(tat), 0, ceil_ms(tat - now) },
    after = { tokens_at(new_tat), 0, ceil_ms(new_tat - now) },
    take = function()
      redis.call('SET', key, exact(new_tat), 'PX', ttl_ms(new_tat - now))
    end,
  }
end

-- ROLLING WINDOW SLOTS. A window of ms is cut into slots of len = ms / slots; the key is a hash of
-- slot number -> count, slot i counting what came in [i * len, (i + 1) * len). What is counted is
-- every slot overlapping (now - ms, now], from slot floor((now - ms) / len) on: no window of ms ever
-- holds more than the limit, and capacity comes back a slot at a time, as slot i stops counting at
-- (i + 1) * len + ms. Older slots are deleted when the counter is next written.
local function geometry(window)
  local len = window.ms / window.slots
  return {
    current = math.floor(now / len),
    first = math.floor((now - window.ms) / len),
    leaves_at = function(slot) return (slot + 1) * len + window.ms end,
  }
end

-- A counter as it stands: what it has used, and when each part of that leaves the window (oldest
-- first). A calendar period (fixed) is one number in a key that names the period; it all leaves at
-- the period's end.
local function view_of(key, window)
  if window.kind == 'fixed' then
    local used = tonumber(redis.call('GET', key)) or 0
    return { used = used, leaving = { { at = window.ends_at, count = used } }, current_leaves_at = window.ends_at }
  end
  local g = geometry(window)
  local flat = redis.call('HGETALL', key)
  local leaving, used = {}, 0
  for i = 1, #flat, 2 do
    local slot, n = tonumber(flat[i]), tonumber(flat[i + 1])
    if slot >= g.first then
      used = used + n
      leaving[#leaving + 1] = { at = g.leaves_at(slot), count = n }
    end
  end
  table.sort(leaving, function(a, b) return a.at < b.at end)
  return { used = used, leaving = leaving, current_leaves_at = g.leaves_at(g.current) }
end

-- Adds to a counter; the key lives until what it adds now has left the window.
local function add(key, window, amount)
  if window.kind == 'fixed' then
    redis.call('INCRBYFLOAT', key, exact(amount))
    redis.call('PEXPIRE', key, ttl_ms(window.ends_at - now + FIXED_LINGER_MS))
    return
  end
  local g = geometry(window)
  local stale = {}
  for _, slot in ipairs(redis.call('HKEYS', key)) do
    if tonumber(slot) < g.first then stale[#stale + 1] = slot end
  end
  if #stale > 0 then redis.call('HDEL', key, unpack(stale)) end
  redis.call('HINCRBYFLOAT', key, string.format('%.0f', g.current), exact(amount))
  redis.call('PEXPIRE', key, ttl_ms(g.leaves_at(g.current) - now))
end

-- A quota admits when used + amount <= limit, then adds amount; a budget admits while
-- used < limit and adds nothing (the response's actual cost is charged afterwards).
local function counter(kind, key, limit, amount, window)
  local view = view_of(key, window)
  local function passes(used)
    if kind == 'quota' then return used + amount <= limit end
    return used < limit
  end
  local allowed = passes(view.used)
  local oldest = view.leaving[1]
  local before_reset = 0
  if oldest then before_reset = ceil_ms(oldest.at - now) end
  local used_after = view.used
  if kind == 'quota' then used_after = view.used + amount end
  local after_reset_at = view.current_leaves_at
  if oldest and oldest.at < after_reset_at then after_reset_at = oldest.at end
  local retry = 0
  if not allowed then
    -- Wait for the oldest parts to leave until the request passes; one that never would (an
    -- amount over the limit) is told to come back once everything has left.
    retry = ceil_ms(view.current_leaves_at - now)
    local left = view.used
    for _, part in ipairs(view.leaving) do
      left = left - part.count
      if passes(left) then
        retry = ceil_ms(part.at - now)
        break
      end
    end
  end
  return {
    allowed = allowed,
    retry = retry,
    before = { math.max(0, limit - view.used), view.used, before_reset },
    after = { math.max(0, limit - used_after), used_after, ceil_ms(after_reset_at - now) },
    take = function()
      if kind == 'quota' then add(key, window, amount) end
    end,
  }
end

local function window_at(base)
  if ARGV[base + 4] == 'fixed' then return { kind = 'fixed', ends_at = tonumber(ARGV[base + 5]) } end
  return { kind = 'rolling', ms = tonumber(ARGV[base + 5]), slots = tonumber(ARGV[base + 6]) }
end

if mode == 'charge' then
  for i = 1, count do
    local base = 3 + (i - 1) * FIELDS
    add(KEYS[i], window_at(base), tonumber(ARGV[base + 3]))
  end
  return 1
end

local steps, all_allowed = {}, true
for i = 1, count do
  local base = 3 + (i - 1) * FIELDS
  local kind, limit, amount = ARGV[base + 1], tonumber(ARGV[base + 2]), tonumber(ARGV[base + 3])
  if kind == 'bucket' then
    steps[i] = bucket(KEYS[i], limit, tonumber(ARGV[base + 4]), amount)
  else
    steps[i] = counter(kind, KEYS[i], limit, amount, window_at(base))
  end
  all_allowed = all_allowed and steps[i].allowed
end

-- All or nothing: only when every check passes is anything written.
local taken = mode == 'admit' and all_allowed
if taken then
  for i = 1, count do steps[i].take() end
  local board = KEYS[count + 1]
  if board then
    local base = 3 + count * FIELDS
    redis.call('ZINCRBY', board, 1, ARGV[base + 1])
    -- Relative to the caller's now, like every other expiry here: the caller's clock is the clock.
    redis.call('PEXPIRE', board, ttl_ms(tonumber(ARGV[base + 2]) - now))
    -- A ranking stays bounded: past the cap, the smallest members go.
    local size = redis.call('ZCARD', board)
    if size > RANKING_MAX_MEMBERS then
      redis.call('ZREMRANGEBYRANK', board, 0, size - RANKING_MAX_MEMBERS - 1)
    end
  end
end

-- A taken request reports its counters after it; a refused one (or a peek) as they stand.
local reply = { all_allowed and 1 or 0 }
for i = 1, count do
  local step = steps[i]
  local reading = step.before
  if taken then reading = step.after end
  reply[#reply + 1] = step.allowed and 1 or 0
  reply[#reply + 1] = exact(reading[1])
  reply[#reply + 1] = exact(reading[2])
  reply[#reply + 1] = reading[3]
  reply[#reply + 1] = step.retry
end
return reply
`;
