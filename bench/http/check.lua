-- wrk script: POST /pim/v1/check with CHECKS_PER_REQUEST checks (default 1) per request.
-- Environment: PIM_TOKEN (bearer token), CHECKS_PER_REQUEST. The checks rotate over the demo
-- tenant's users and directory roles, so answers are a mix of allowed and denied.
local token = os.getenv("PIM_TOKEN") or error("set PIM_TOKEN")
local per_request = tonumber(os.getenv("CHECKS_PER_REQUEST") or "1")
local users = {
  "d0000000-0000-4000-8000-00000000000a", "d0000000-0000-4000-8000-00000000000b",
  "d0000000-0000-4000-8000-00000000000c", "d0000000-0000-4000-8000-00000000000d",
  "d0000000-0000-4000-8000-00000000000e",
}
local roles = {
  "62e90394-69f5-4237-9190-012177145e10", "fe930be7-5e62-47db-91af-98c3a49a38b1",
  "194ae4cb-b126-40b2-bd5b-6091b380977d", "5d6b6bb7-de71-4623-b4af-96380a352509",
  "729827e3-9c14-49f7-bb1b-9608f156bbb8",
}
local items = {}
for i = 1, per_request do
  local u = users[(i % #users) + 1]
  local r = roles[(math.floor(i / #users) % #roles) + 1]
  items[#items + 1] = string.format('{"principalId":"%s","roleDefinitionId":"%s"}', u, r)
end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. token
wrk.body = '{"checks":[' .. table.concat(items, ",") .. ']}'

function response(status, headers, body)
  if status ~= 200 then
    io.stderr:write("unexpected status " .. status .. ": " .. body .. "\n")
    os.exit(1)
  end
end
