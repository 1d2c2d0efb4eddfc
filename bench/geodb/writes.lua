-- wrk script: POST /api/records with a unique id per request (per thread prefix + counter).
local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() + tid)
  prefix = string.format("b%d-%d-%d", tid, os.time(), math.random(1000000))
  counter = 0
end

function request()
  counter = counter + 1
  local body = string.format('{"id":"%s-%d","writer":"bench","seq":%d}', prefix, counter, counter)
  return wrk.format("POST", "/api/records", { ["Content-Type"] = "application/json" }, body)
end
