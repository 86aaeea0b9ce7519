-- POST /oauth2/token with client_secret_basic, a random agent of the seeded tenants per request.
package.path = package.path .. ";" .. debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "?.lua"
local common = require("common")
local creds

function init(args)
  creds = common.lines(args[1])
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
end

function request()
  return wrk.format("POST", "/oauth2/token", {
    ["Authorization"] = "Basic " .. creds[math.random(#creds)],
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, "grant_type=client_credentials")
end

done = common.done
