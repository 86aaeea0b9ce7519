-- GET args[1] with no credentials (the /alive baseline).
package.path = package.path .. ";" .. debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "?.lua"
local common = require("common")
local path

function init(args)
  path = args[1]
end

function request()
  return wrk.format("GET", path)
end

done = common.done
