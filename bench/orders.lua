-- wrk script for bench/orders.sh: every request is POST /api/v1/orders with
-- an Idempotency-Key of its own ("RUN-THREAD-COUNTER"), so each one places a
-- new order of 2 units of one product; the answers are counted by status.
--
-- Environment (set by bench/orders.sh): ORDER_COOKIE ("fupin_session=…"),
-- ORDER_CSRF (the session's CSRF token), ORDER_PRODUCTS (product ids,
-- comma-separated: the requests take them in turn), ORDER_RUN (a prefix that
-- keeps keys unique across runs on one database).
--
-- At the end it prints "created N", "conflict N" and "other N" lines, which
-- bench/orders.sh reads next to wrk's own report.

local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  counter = 0
  created = 0
  conflict = 0
  other = 0
  run = os.getenv("ORDER_RUN") or "run"
  products = {}
  for product in string.gmatch(os.getenv("ORDER_PRODUCTS") or "", "%d+") do
    table.insert(products, product)
  end
  headers = {
    ["Content-Type"] = "application/json",
    ["Cookie"] = os.getenv("ORDER_COOKIE"),
    ["X-CSRF-Token"] = os.getenv("ORDER_CSRF"),
  }
end

function request()
  counter = counter + 1
  headers["Idempotency-Key"] = string.format("%s-%d-%d", run, id, counter)
  local product = products[(id * 7 + counter) % #products + 1]
  local body = '{"lines":[{"product_id":' .. product .. ',"quantity":2}],' ..
    '"ship_to":{"name":"马老师","phone":"13800000000","address":"临夏市 红园路 1 号"}}'
  return wrk.format("POST", "/api/v1/orders", headers, body)
end

function response(status, response_headers, response_body)
  if status == 201 then
    created = created + 1
  elseif status == 409 then
    conflict = conflict + 1
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local c, k, o = 0, 0, 0
  for _, thread in ipairs(threads) do
    c = c + thread:get("created")
    k = k + thread:get("conflict")
    o = o + thread:get("other")
  end
  io.write(string.format("created %d\nconflict %d\nother %d\n", c, k, o))
end
