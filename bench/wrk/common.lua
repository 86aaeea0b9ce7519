-- Shared by the wrk scripts: load one value per line from a file, and print a machine-readable summary.
local M = {}

function M.lines(path)
  local values = {}
  for line in io.lines(path) do
    if #line > 0 then table.insert(values, line) end
  end
  assert(#values > 0, "no lines in " .. path)
  return values
end

function M.done(summary, latency, requests)
  -- RESULT <requests> <non-2xx/3xx> <socket errors> <duration us> <p50 us> <p99 us>
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d %d\n", summary.requests, e.status,
    e.connect + e.read + e.write + e.timeout, summary.duration, latency:percentile(50), latency:percentile(99)))
end

return M
