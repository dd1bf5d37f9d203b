-- commit.lua: every change to the state, all or nothing (store/commit.c
-- sends it with EVAL; docs/redis-schema.md).  Nothing is written unless
-- the state version is still the one the change was computed from; then
-- the window and its indexes, the other windows a series change makes or
-- cancels, the series, the settings, the access part, the ended
-- sessions, the notification targets, the events to send (the outbox),
-- the snapshot, the version, the lease and the audit entry.
-- The marker makes a resent commit (after a lost reply) apply at most once.
--
-- Replies {1, new version, the lease it replaced} when applied,
-- {0, current version} when the version moved on (compute again), and
-- {2, version, lease} when this commit's marker says it already ran.
--
-- KEYS and ARGV by name: the order is store/commit.c's adm_commit_key_e
-- and adm_commit_arg_e.

local KEY_STATE       = KEYS[1]     -- Pstate
local KEY_WINDOWS     = KEYS[2]     -- Pwindows
local KEY_LIVE        = KEYS[3]     -- Plive
local KEY_SETTINGS    = KEYS[4]     -- Psettings
local KEY_AUDIT       = KEYS[5]     -- Paudit
local KEY_WINDOW      = KEYS[6]     -- Pwindow:<id>
local KEY_SUPERADMINS = KEYS[7]     -- Psuperadmins
local KEY_BYPASS_KEYS = KEYS[8]     -- Pbypass_keys
local KEY_CUTOFFS     = KEYS[9]     -- Psession_cutoffs
local KEY_MARKER      = KEYS[10]    -- Pcommit:<nonce>
local KEY_TARGETS     = KEYS[11]    -- Pnotify_targets
local KEY_SERIES_ALL  = KEYS[12]    -- Pseries

local ARG_VERSION     = ARGV[1]     -- the version the change expects
local ARG_OP          = ARGV[2]     -- "put", "del" or "none": the window
local ARG_WINDOW      = ARGV[3]     -- its record (JSON), for "put"
local ARG_SCORE       = ARGV[4]     -- its starts_at, for Pwindows
local ARG_LIVE        = ARGV[5]     -- "1": in Plive
local ARG_ID          = ARGV[6]     -- its id
local ARG_SETTINGS    = ARGV[7]     -- JSON, or "": unchanged
local ARG_SNAPSHOT    = ARGV[8]     -- what the gateways read
local ARG_ACCESS      = ARGV[9]     -- JSON, or "": unchanged
local ARG_SESSIONS    = ARGV[10]    -- JSON, or "": none ended
local ARG_LEASE       = ARGV[11]    -- the gateways' lease, ms
local ARG_TARGETS     = ARGV[12]    -- JSON, or "": unchanged
local ARG_EVENTS      = ARGV[13]    -- JSON, or "": no event to send
local ARG_SERIES      = ARGV[14]    -- JSON, or "": series put, deleted
local ARG_MORE        = ARGV[15]    -- JSON, or "": more windows
local ARG_AUDIT       = 16          -- the audit entry's fields from here

local done = redis.call('GET', KEY_MARKER)
if done then return {2, tonumber(done),
  tonumber(redis.call('HGET', KEY_STATE, 'lease_ms') or '0')} end
local v = tonumber(redis.call('HGET', KEY_STATE, 'version') or '0')
if v ~= tonumber(ARG_VERSION) then return {0, v} end
if ARG_OP == 'put' then
  redis.call('SET', KEY_WINDOW, ARG_WINDOW)
  redis.call('ZADD', KEY_WINDOWS, ARG_SCORE, ARG_ID)
  if ARG_LIVE == '1' then redis.call('SADD', KEY_LIVE, ARG_ID)
  else redis.call('SREM', KEY_LIVE, ARG_ID) end
elseif ARG_OP == 'del' then
  redis.call('DEL', KEY_WINDOW)
  redis.call('ZREM', KEY_WINDOWS, ARG_ID)
  redis.call('SREM', KEY_LIVE, ARG_ID)
end
-- a series' occurrences: made, changed or cancelled with it
if ARG_MORE ~= '' then
  local x = cjson.decode(ARG_MORE)
  for _, w in ipairs(x.windows) do
    local k = x.prefix .. 'window:' .. w.id
    redis.call('SET', k, w.window)
    redis.call('ZADD', KEY_WINDOWS, w.score, w.id)
    if w.live then redis.call('SADD', KEY_LIVE, w.id)
    else redis.call('SREM', KEY_LIVE, w.id) end
  end
end
if ARG_SERIES ~= '' then
  local x = cjson.decode(ARG_SERIES)
  for _, s in ipairs(x.put) do
    redis.call('SET', x.prefix .. 'series:' .. s.id, s.record)
    redis.call('SADD', KEY_SERIES_ALL, s.id)
  end
  if x.del ~= '' then
    redis.call('DEL', x.prefix .. 'series:' .. x.del)
    redis.call('SREM', KEY_SERIES_ALL, x.del)
  end
end
if ARG_SETTINGS ~= '' then redis.call('SET', KEY_SETTINGS, ARG_SETTINGS) end
if ARG_ACCESS ~= '' then
  local x = cjson.decode(ARG_ACCESS)
  for _, h in ipairs({{'superadmins', KEY_SUPERADMINS},
                      {'bypass_keys', KEY_BYPASS_KEYS}}) do
    redis.call('DEL', h[2])
    for k, rec in pairs(x[h[1]]) do redis.call('HSET', h[2], k, rec) end
  end
  redis.call('SET', KEY_CUTOFFS, x.session_cutoffs)
end
if ARG_SESSIONS ~= '' then
  local x = cjson.decode(ARG_SESSIONS)
  for _, id in ipairs(x.revoke) do
    redis.call('SET', x.prefix .. 'revoked:' .. id, x.value, 'PX', x.ttl)
  end
  for _, id in ipairs(x.keep) do
    local k = x.prefix .. 'session:' .. id
    local kept = tonumber(redis.call('HGET', k, 'kept_at') or '0')
    if tonumber(x.keep_at) > kept then
      redis.call('HSET', k, 'kept_at', x.keep_at)
    end
    if redis.call('PTTL', k) < 0 then redis.call('PEXPIRE', k, x.idle) end
  end
  if x.bump then redis.call('HINCRBY', KEY_STATE, 'revocations', 1) end
end
if ARG_TARGETS ~= '' then
  redis.call('DEL', KEY_TARGETS)
  for k, rec in pairs(cjson.decode(ARG_TARGETS)) do
    redis.call('HSET', KEY_TARGETS, k, rec)
  end
end
-- the outbox: a change acknowledged is a change whose events will be sent
if ARG_EVENTS ~= '' then
  local x = cjson.decode(ARG_EVENTS)
  for _, e in ipairs(x.events) do
    redis.call('SET', x.prefix .. 'event:' .. e.id, e.body, 'PX', x.ttl)
    for _, t in ipairs(e.targets) do
      local id = e.id .. '.' .. t.name
      redis.call('HSET', x.prefix .. 'delivery:' .. id, 'event', e.id,
        'type', e.type, 'window', e.window, 'target', t.name,
        'kind', t.kind, 'state', 'pending', 'attempts', '0',
        'created_at', x.now, 'next_at', x.now, 'last_attempt_at', '',
        'last_status', '0', 'last_error', '', 'delivered_at', '')
      redis.call('ZADD', x.prefix .. 'deliveries', x.now, id)
      redis.call('ZADD', x.prefix .. 'delivery_due', x.now, id)
    end
  end
end
local nv = redis.call('HINCRBY', KEY_STATE, 'version', 1)
local lease = tonumber(redis.call('HGET', KEY_STATE, 'lease_ms') or '0')
redis.call('HSET', KEY_STATE, 'schema', 1, 'snapshot', ARG_SNAPSHOT,
  'lease_ms', ARG_LEASE)
local a = {'XADD', KEY_AUDIT, '*', 'state_version', nv}
for i = ARG_AUDIT, #ARGV do a[#a + 1] = ARGV[i] end
redis.call(unpack(a))
redis.call('SET', KEY_MARKER, nv, 'PX', 600000)
return {1, nv, lease}
