-- POST /oauth2/token with private_key_jwt: each pre-signed assertion is used once (jti replays are refused).
package.path = package.path .. ";" .. debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "?.lua"
local common = require("common")
local threads = {}
local bodies, next_index, step

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  bodies = common.lines(args[1])
  step = tonumber(args[2])
  next_index = id + 1
end

function request()
  local body = bodies[next_index]
  next_index = next_index + step
  if next_index > #bodies then next_index = id + 1 end
  return wrk.format("POST", "/oauth2/token", { ["Content-Type"] = "application/x-www-form-urlencoded" }, body)
end

done = common.done
