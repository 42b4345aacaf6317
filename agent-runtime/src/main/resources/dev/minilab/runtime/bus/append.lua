-- Appends one sealed message to the conversation and publishes it, in one atomic step (issue 16).
-- KEYS[1] chat_history, KEYS[2] user_requirements, KEYS[3] chat_published_seq
-- ARGV[1] channel, ARGV[2] payload, ARGV[3] seq (reserved by INCR chat_seq), ARGV[4] message id,
-- ARGV[5] history window, ARGV[6] 0 = publish only, 1 = keep in history, 2 = keep in history and pin,
-- ARGV[7] pinned requests kept, ARGV[8] 1 = trim chat_history to the window (the User's publishes only: agents'
-- Redis users have no LTRIM, issue 17; readers read only the last window, so growth between trims is harmless)
-- Returns {1} = appended and published, {0, payload} = this id is in the history already (an earlier attempt landed;
-- the payload as it landed, with its seq), {-1} = stale: a message with a higher seq was published first; reserve a
-- new seq and sign again.
if ARGV[6] ~= '0' then
  -- The encoder writes "id" unescaped; inside a JSON string a quote is always escaped, so content cannot match.
  local needle = '"id":"' .. ARGV[4] .. '"'
  local entries = redis.call('LRANGE', KEYS[1], -tonumber(ARGV[5]), -1) -- the window: the list may be longer
  for i = #entries, 1, -1 do
    if string.find(entries[i], needle, 1, true) then
      return {0, entries[i]}
    end
  end
end
local seq = tonumber(ARGV[3])
local last = tonumber(redis.call('GET', KEYS[3]) or '0')
if seq <= last then
  return {-1}
end
redis.call('INCRBY', KEYS[3], seq - last) -- INCRBY, not SET: the ACL gives agents no SET
if ARGV[6] ~= '0' then
  redis.call('RPUSH', KEYS[1], ARGV[2])
  if ARGV[8] == '1' then
    -- pcall: a trim refused by the ACL must not leave a message appended but never published
    redis.pcall('LTRIM', KEYS[1], -tonumber(ARGV[5]), -1)
  end
  if ARGV[6] == '2' then
    redis.call('RPUSH', KEYS[2], ARGV[2])
    redis.pcall('LTRIM', KEYS[2], -tonumber(ARGV[7]), -1)
  end
end
redis.call('PUBLISH', ARGV[1], ARGV[2])
return {1}
