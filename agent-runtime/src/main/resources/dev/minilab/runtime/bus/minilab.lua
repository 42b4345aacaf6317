#!lua name=minilab
-- MiniLab's Redis function library (issue 17). Loaded once by the User side (BusFunctions.load: `./minilab up`,
-- the Compose one-shot `bus-functions`, or the console); agents only FCALL it, and their ACL users hold no EVAL,
-- EVALSHA, SCRIPT or FUNCTION LOAD, so a stolen agent password cannot run code of its own on the server.
--
-- Redis checks every redis.call below against the CALLER's ACL user, exactly as for a direct command: a function
-- grants no rights. What it adds is that the arguments are checked (a seq never above chat_seq, counts within
-- bounds) and that the steps run atomically. docs/SECURITY.md lists what the direct rights of an agent still allow.
--
-- Every function refuses malformed or out-of-range arguments with an error starting "ERR minilab:".
local VERSION = '@VERSION@'

local function fail(message)
  return redis.error_reply('ERR minilab: ' .. message)
end

-- An integer in [low, high] parsed from text that is digits only (with an optional minus), or nil.
local function int_in(text, low, high)
  if type(text) ~= 'string' or not string.match(text, '^%-?%d+$') or #text > 18 then
    return nil
  end
  local n = tonumber(text)
  if n == nil or n < low or n > high then
    return nil
  end
  return n
end

local function counter(key)
  local value = tonumber(redis.call('GET', key) or '0')
  if value == nil or value < 0 then
    return 0
  end
  return math.floor(value)
end

-- chat_published_seq as the functions trust it. No genuine publish is ever above chat_seq, so a higher value was
-- written by hand or with a stolen password (agents may SET that key, the one way to raise it to a given seq):
-- it counts as 0, so publishing goes on (the next publish writes a genuine value) instead of every seq being stale.
local function published(published_key, seq_key)
  local value = counter(published_key)
  if value > counter(seq_key) then
    return 0
  end
  return value
end

local MAX_WINDOW = 100000
local MAX_PAYLOAD = 8 * 1024 * 1024
local MAX_TOKENS = 100000000   -- per LLM call
local MAX_TTL_MS = 3600000     -- a lease of at most an hour

redis.register_function{function_name = 'minilab_version', flags = {'no-writes'}, callback = function()
  return VERSION
end}

-- Reserves the next seq (issue 16). KEYS[1] chat_seq. Returns the seq.
-- Only INCR: the counter moves by one, never to a value chosen by the caller.
redis.register_function('minilab_reserve', function(keys, args)
  if #keys ~= 1 or #args ~= 0 then
    return fail('reserve takes KEYS chat_seq and no arguments')
  end
  return redis.call('INCR', keys[1])
end)

-- Appends one sealed message to the conversation and publishes it, in one atomic step (issue 16).
-- KEYS[1] chat_history, KEYS[2] user_requirements (or chat_history when not pinning), KEYS[3] chat_published_seq,
-- KEYS[4] chat_seq
-- ARGV[1] channel, ARGV[2] payload, ARGV[3] seq (reserved by minilab_reserve), ARGV[4] message id,
-- ARGV[5] history window, ARGV[6] 0 = publish only, 1 = keep in history, 2 = keep in history and pin,
-- ARGV[7] pinned requests kept, ARGV[8] 1 = trim chat_history to the window (the User's publishes only: agents'
-- Redis users have no LTRIM; readers read only the last window, so growth between trims is harmless)
-- Returns {1} = appended and published, {0, payload} = this id is in the history already (an earlier attempt landed;
-- the payload as it landed, with its seq), {-1} = stale: a message with a higher seq was published first; reserve a
-- new seq and sign again.
redis.register_function('minilab_append', function(keys, args)
  if #keys ~= 4 or #args ~= 8 then
    return fail('append takes 4 keys and 8 arguments')
  end
  local current = counter(keys[4])
  local seq = int_in(args[3], 1, current)
  if seq == nil then
    return fail('seq ' .. tostring(args[3]) .. ' is not between 1 and ' .. keys[4] .. ', which is ' .. current)
  end
  local window = int_in(args[5], 1, MAX_WINDOW)
  local kept = int_in(args[7], 1, MAX_WINDOW)
  if window == nil or kept == nil then
    return fail('history window and pins kept must be between 1 and ' .. MAX_WINDOW)
  end
  local store = args[6]
  if store ~= '0' and store ~= '1' and store ~= '2' then
    return fail('store must be 0, 1 or 2')
  end
  if args[8] ~= '0' and args[8] ~= '1' then
    return fail('trim must be 0 or 1')
  end
  if #args[2] == 0 or #args[2] > MAX_PAYLOAD then
    return fail('payload must be 1 to ' .. MAX_PAYLOAD .. ' bytes')
  end
  if #args[4] == 0 or #args[4] > 200 or string.find(args[4], '["\\]') then
    return fail('message id must be 1 to 200 bytes without quote or backslash')
  end
  if store ~= '0' then
    -- The encoder writes "id" unescaped; inside a JSON string a quote is always escaped, so content cannot match.
    local needle = '"id":"' .. args[4] .. '"'
    local entries = redis.call('LRANGE', keys[1], -window, -1) -- the window: the list may be longer
    for i = #entries, 1, -1 do
      if string.find(entries[i], needle, 1, true) then
        return {0, entries[i]}
      end
    end
  end
  if seq <= published(keys[3], keys[4]) then
    return {-1}
  end
  redis.call('SET', keys[3], seq)
  if store ~= '0' then
    redis.call('RPUSH', keys[1], args[2])
    if args[8] == '1' then
      -- pcall: a trim refused by the ACL must not leave a message appended but never published
      redis.pcall('LTRIM', keys[1], -window, -1)
    end
    if store == '2' then
      redis.call('RPUSH', keys[2], args[2])
      redis.pcall('LTRIM', keys[2], -kept, -1)
    end
  end
  redis.call('PUBLISH', args[1], args[2])
  return {1}
end)

-- Records that a role handled everything up to a seq, unless a higher seq is recorded (progress never goes back).
-- KEYS[1] agent_progress:<Role>, KEYS[2] chat_seq. ARGV[1] seq (0 to chat_seq: a higher one was never handed out).
-- Returns 1 when the recorded seq was raised, else 0.
redis.register_function('minilab_progress', function(keys, args)
  if #keys ~= 2 or #args ~= 1 then
    return fail('progress takes 2 keys and 1 argument')
  end
  local current = counter(keys[2])
  local seq = int_in(args[1], 0, current)
  if seq == nil then
    return fail('seq ' .. tostring(args[1]) .. ' is not between 0 and ' .. keys[2] .. ', which is ' .. current)
  end
  local recorded = tonumber(redis.call('HGET', keys[1], 'seq') or '-1') or -1
  if seq > recorded then
    redis.call('HSET', keys[1], 'seq', seq)
    return 1
  end
  return 0
end)

-- Adds one LLM response to a role's usage hash. KEYS[1] agent_usage:<Role>. ARGV[1] <role>|<model>, ARGV[2] input
-- tokens, ARGV[3] output tokens. Returns the calls counted for that model.
redis.register_function('minilab_usage', function(keys, args)
  if #keys ~= 1 or #args ~= 3 then
    return fail('usage takes 1 key and 3 arguments')
  end
  local input = int_in(args[2], 0, MAX_TOKENS)
  local output = int_in(args[3], 0, MAX_TOKENS)
  if input == nil or output == nil then
    return fail('token counts must be between 0 and ' .. MAX_TOKENS)
  end
  if #args[1] == 0 or #args[1] > 300 then
    return fail('usage field must be 1 to 300 bytes')
  end
  redis.call('HINCRBY', keys[1], args[1] .. '|input', input)
  redis.call('HINCRBY', keys[1], args[1] .. '|output', output)
  return redis.call('HINCRBY', keys[1], args[1] .. '|calls', 1)
end)

local function lease_owner(text)
  return type(text) == 'string' and #text > 0 and #text <= 300 and not string.find(text, '|', 1, true)
end

-- The role lease (issue 16). KEYS[1] agent_leases, ARGV[1] role, ARGV[2] owner, ARGV[3] ttl in ms.
-- Returns {1, owner} when the caller holds the lease now (taken or extended), else {0, holder}.
redis.register_function('minilab_lease_take', function(keys, args)
  if #keys ~= 1 or #args ~= 3 then
    return fail('lease_take takes 1 key and 3 arguments')
  end
  local ttl = int_in(args[3], 1, MAX_TTL_MS)
  if ttl == nil or not lease_owner(args[2]) or #args[1] == 0 or #args[1] > 100 then
    return fail('lease_take needs a role, an owner without | and a ttl of 1 to ' .. MAX_TTL_MS .. ' ms')
  end
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  local current = redis.call('HGET', keys[1], args[1])
  if current then
    local holder, expiry = string.match(current, '^(.*)|(%d+)$')
    if holder and holder ~= args[2] and tonumber(expiry) > now then
      return {0, holder}
    end
  end
  redis.call('HSET', keys[1], args[1], args[2] .. '|' .. (now + ttl))
  return {1, args[2]}
end)

-- Lets the lease lapse now if ARGV[2] holds it. KEYS[1] agent_leases, ARGV[1] role, ARGV[2] owner.
redis.register_function('minilab_lease_release', function(keys, args)
  if #keys ~= 1 or #args ~= 2 or not lease_owner(args[2]) then
    return fail('lease_release takes 1 key, a role and an owner without |')
  end
  local current = redis.call('HGET', keys[1], args[1])
  if current and string.match(current, '^(.*)|%d+$') == args[2] then
    redis.call('HSET', keys[1], args[1], args[2] .. '|0')
    return 1
  end
  return 0
end)

-- The guardrails' request counters (issue 9). KEYS[1] request_state, KEYS[2] chat_seq. Resets the hash when ARGV[1]
-- (seq) is newer than the recorded request, or (seq 0) the id ARGV[2] differs. Returns 1 when it reset.
redis.register_function('minilab_request_start', function(keys, args)
  if #keys ~= 2 or #args ~= 2 then
    return fail('request_start takes 2 keys and 2 arguments')
  end
  local seq = int_in(args[1], 0, counter(keys[2]))
  if seq == nil or #args[2] == 0 or #args[2] > 200 then
    return fail('request_start needs a seq between 0 and ' .. keys[2] .. ' and an id')
  end
  local cur = tonumber(redis.call('HGET', keys[1], 'request_seq') or '-1') or -1
  if seq == 0 then
    if redis.call('HGET', keys[1], 'request_id') == args[2] then return 0 end
  elseif seq <= cur then
    return 0
  end
  local fields = redis.call('HKEYS', keys[1])
  if #fields > 0 then redis.call('HDEL', keys[1], unpack(fields)) end
  redis.call('HSET', keys[1], 'request_seq', args[1], 'request_id', args[2], 'hops', '0', 'tokens', '0',
    'cost', '0', 'unpriced', '0')
  return 1
end)

-- Adds one call's tokens (and dollars when ARGV[3] is not empty) for agent ARGV[1]; returns {tokens, cost}.
-- KEYS[1] request_state.
redis.register_function('minilab_request_usage', function(keys, args)
  if #keys ~= 1 or #args ~= 3 then
    return fail('request_usage takes 1 key and 3 arguments')
  end
  local tokens = int_in(args[2], 0, MAX_TOKENS)
  local dollars = args[3] == '' or (string.match(args[3], '^%d+%.?%d*$') and #args[3] <= 30
    and tonumber(args[3]) <= 1000000)
  if tokens == nil or not dollars or #args[1] == 0 or #args[1] > 100 then
    return fail('request_usage needs an agent, 0 to ' .. MAX_TOKENS .. ' tokens and a cost of 0 to 1000000 or empty')
  end
  local total = redis.call('HINCRBY', keys[1], 'tokens', tokens)
  redis.call('HINCRBY', keys[1], 'tokens:' .. args[1], tokens)
  local cost
  if args[3] == '' then
    redis.call('HINCRBY', keys[1], 'unpriced', tokens)
    cost = redis.call('HGET', keys[1], 'cost') or '0'
  else
    cost = redis.call('HINCRBYFLOAT', keys[1], 'cost', args[3])
    redis.call('HINCRBYFLOAT', keys[1], 'cost:' .. args[1], args[3])
  end
  return {tostring(total), cost}
end)

-- Sets the halt once: returns 1 for the caller that set it, 0 when the request was halted already.
-- KEYS[1] request_state, ARGV[1] reason, ARGV[2] detail, ARGV[3] by.
redis.register_function('minilab_request_halt', function(keys, args)
  if #keys ~= 1 or #args ~= 3 then
    return fail('request_halt takes 1 key and 3 arguments')
  end
  if redis.call('HEXISTS', keys[1], 'halted') == 1 then return 0 end
  redis.call('HSET', keys[1], 'halted', args[1], 'halt_detail', args[2], 'halted_by', args[3])
  return 1
end)
