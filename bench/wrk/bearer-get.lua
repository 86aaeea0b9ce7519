-- GET a path (args[2]) with a random tenant admin's bearer token (args[1] is the token file).
package.path = package.path .. ";" .. debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "?.lua"
local common = require("common")
local tokens, path

function init(args)
  tokens = common.lines(args[1])
  path = args[2]
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
end

function request()
  return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. tokens[math.random(#tokens)] })
end

done = common.done
