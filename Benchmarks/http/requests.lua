-- wrk script of the HTTP benchmark: POST /lps with real INSi requests read from the file
-- named by the REQUESTS environment variable (one per line, "T|xml" traits or "V|xml" Vitale,
-- built in advance by make-requests.py), in turn, each thread starting elsewhere in the list.
-- done() prints one machine-readable RESULT line for run.sh.
local actions = {
  T = 'application/soap+xml; charset=utf-8; action="urn:ServiceIdentiteCertifiee:1.0.0:rechercherInsAvecTraitsIdentite"',
  V = 'application/soap+xml; charset=utf-8; action="urn:ServiceIdentiteCertifiee:1.0.0:rechercherInsAvecCarteVitale"',
}
local requests = {}
local index = 0
local thread_number = 0

function setup(thread)
  thread:set("id", thread_number)
  thread_number = thread_number + 1
end

function init(args)
  local path = os.getenv("REQUESTS")
  for line in io.lines(path) do
    local kind, body = line:sub(1, 1), line:sub(3)
    -- Whole HTTP requests, formatted once: request() only picks the next one.
    local headers = { ["Content-Type"] = actions[kind] }
    -- CONNECTION_CLOSE=1 (tls.sh's new-connection runs): one call per connection.
    if os.getenv("CONNECTION_CLOSE") == "1" then headers["Connection"] = "close" end
    requests[#requests + 1] = wrk.format("POST", "/lps", headers, body)
  end
  index = ((id or 0) * 7919) % #requests
end

function request()
  index = index % #requests + 1
  return requests[index]
end

function done(summary, latency, requests_unused)
  local errors = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d p50_us=%d p99_us=%d p999_us=%d connect=%d read=%d write=%d status=%d timeout=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency:percentile(99.9),
    errors.connect, errors.read, errors.write, errors.status, errors.timeout))
end
