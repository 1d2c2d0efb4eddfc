-- wrk script of bench/app/writes.sh and bench/geodb/run.sh: POST /api/records with a unique id per
-- request (per thread prefix + counter), as writer $WRITER (default "bench").
local writer = os.getenv("WRITER") or "bench"
local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() + tid)
  prefix = string.format("%s-%d-%d-%d", writer, tid, os.time(), math.random(1000000))
  counter = 0
end

-- Straight to an app locked to its front door, the request must carry the front door's id.
local fdid = os.getenv("FDID")

function request()
  counter = counter + 1
  local body = string.format('{"id":"%s-%d","writer":"%s","seq":%d}', prefix, counter, writer, counter)
  local headers = { ["Content-Type"] = "application/json" }
  if fdid then
    headers["X-Azure-FDID"] = fdid
  end
  return wrk.format("POST", "/api/records", headers, body)
end
