-- Reserves the next seq (issue 16): INCR chat_seq, never at or below the last published seq (a counter reset by
-- hand or lost by Redis must not make every later publish stale).
-- KEYS[1] chat_seq, KEYS[2] chat_published_seq
local seq = redis.call('INCR', KEYS[1])
local last = tonumber(redis.call('GET', KEYS[2]) or '0')
if seq <= last then
  seq = redis.call('INCRBY', KEYS[1], last + 1 - seq) -- INCRBY, not SET: the ACL gives agents no SET
end
return seq
