-- dashboard.lua: wrk script for bench/dashboard.sh: GET PATH (the
-- overview of one region) on every request, with the session cookie given
-- by -H (wrk itself reports non-2xx replies, which the shell script
-- refuses).
local path = os.getenv("DASH_PATH") or "/api/v1/stats/overview"

request = function()
  return wrk.format("GET", path)
end
