-- wrk script for bench/worker_search.sh: GET /api/v1/workers rotating
-- through the queries of the file $QUERIES, one per line:
--   region<TAB>level<TAB>q<TAB>page
-- (region codes at province, city and county level, levels, 1-3 character
-- name fragments taken from real rows, pages 1-3). Each connection starts
-- at a different line so that 16 clients do not ask the same thing at once.
-- The session cookie comes from the command line (-H "Cookie: ...").

local queries = {}

local function urlencode(s)
  return (s:gsub("[^%w%-_%.~]", function(c)
    return string.format("%%%02X", string.byte(c))
  end))
end

local f = assert(io.open(os.getenv("QUERIES"), "r"))
for line in f:lines() do
  local region, level, q, page = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)$")
  if region then
    queries[#queries + 1] = "/api/v1/workers?region=" .. region .. "&level=" .. level ..
      "&q=" .. urlencode(q) .. "&page=" .. page
  end
end
f:close()

local counter = 0
local n = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
end

function init(args)
  n = (id or 1) * 7919
end

function request()
  n = n + 1
  return wrk.format("GET", queries[(n % #queries) + 1])
end

local errors = 0
function response(status, headers, body)
  if status ~= 200 then
    errors = errors + 1
    if errors <= 3 then
      io.stderr:write("status " .. status .. ": " .. body:sub(1, 200) .. "\n")
    end
  end
end
