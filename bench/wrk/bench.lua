-- wrk script for the Helios bench: optional request body (BENCH_METHOD, BENCH_BODY_BYTES) and a
-- machine-readable summary line (BENCH_JSON {...}) printed when the run is done.
local method = os.getenv("BENCH_METHOD") or "GET"
local bodyBytes = tonumber(os.getenv("BENCH_BODY_BYTES") or "0")
wrk.method = method
if bodyBytes > 0 then
  wrk.body = string.rep("p", bodyBytes)
  wrk.headers["Content-Type"] = "application/octet-stream"
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"durationUs":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latencyUs":{"mean":%.1f,"max":%d,"p50":%d,"p90":%d,"p99":%d,"p999":%d}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean, latency.max,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9)))
end
