-- wrk script for the intake benchmark: a valid report with a fresh Idempotency-Key each time.
-- PINGAN_TOKEN and (optionally) PINGAN_DELAY_MS come from the environment.
local counter = 0
local token = os.getenv("PINGAN_TOKEN") or ""
local delay_ms = tonumber(os.getenv("PINGAN_DELAY_MS") or "0")
local body = '{"category":"theft","description":"电动车在楼下被盗","occurred_at":"2026-11-20T21:30:00+08:00",'
  .. '"location":{"lat":25.5561,"lon":102.4682},"area_code":"530128100001"}'

function setup(thread)
  thread:set("id", tostring(math.random(1, 1e9)))
end

function request()
  counter = counter + 1
  local headers = {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. token,
    ["Idempotency-Key"] = "bench-" .. id .. "-" .. counter,
  }
  return wrk.format("POST", "/v1/incidents", headers, body)
end

function delay()
  return delay_ms
end

function done(summary, latency, requests)
  io.write(string.format("RESULT rps=%.1f p50=%.2f p99=%.2f errors=%d non2xx=%d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
