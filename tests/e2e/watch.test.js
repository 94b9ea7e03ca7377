// pim's change feed: GET /pim/v1/watch (server-sent events) read with the global fetch.
"use strict";

const { test } = require("node:test");
const assert = require("node:assert/strict");
const { ids, roles } = require("./pimd");
const { freshPimd } = require("./helpers");

// An SSE reader over a fetch Response: next(pred) resolves to the next event for which pred holds.
function sseReader(response) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  const seen = [];
  return async function next(pred) {
    for (;;) {
      let sep;
      while ((sep = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, sep);
        buffer = buffer.slice(sep + 2);
        const event = { event: "message", data: "", id: undefined };
        for (const line of block.split("\n")) {
          if (line.startsWith(":")) continue;
          const colon = line.indexOf(":");
          const field = colon < 0 ? line : line.slice(0, colon);
          const v = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
          if (field === "event") event.event = v;
          else if (field === "data") event.data += (event.data ? "\n" : "") + v;
          else if (field === "id") event.id = v;
        }
        seen.push(event);
        if (pred(event)) return event;
      }
      const { value, done } = await reader.read();
      if (done) throw new Error(`watch stream ended; events seen: ${JSON.stringify(seen)}`);
      buffer += decoder.decode(value, { stream: true });
    }
  };
}

test("watch: an activation shows up as an `event: change` on the stream", async (t) => {
  const p = await freshPimd(t);
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(new Error("no change event within 15 s")), 15_000);
  t.after(() => { clearTimeout(timer); abort.abort(); });

  const unauthenticated = await fetch(`${p.base}/pim/v1/watch`);
  assert.equal(unauthenticated.status, 401);
  await unauthenticated.body?.cancel();

  const res = await fetch(`${p.base}/pim/v1/watch`, {
    headers: { authorization: `Bearer ${await p.bearer(p.tokens.ada)}`, accept: "text/event-stream" },
    signal: abort.signal,
  });
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type"), /^text\/event-stream/);

  const now = await p.now();
  const req = await p.graphClient(p.tokens.ben).api("/roleManagement/directory/roleAssignmentScheduleRequests").post({
    action: "selfActivate", principalId: ids.ben, roleDefinitionId: roles.userAdministrator, directoryScopeId: "/",
    justification: "watch test",
    scheduleInfo: { startDateTime: now.toISOString(), expiration: { type: "afterDuration", duration: "PT1H" } },
  });
  assert.equal(req.status, "Provisioned");

  const next = sseReader(res);
  const event = await next((e) => e.event === "change");
  const data = JSON.parse(event.data);
  assert.equal(String(data.revision), event.id);
  assert.equal(data.actorId, ids.ben);
  assert.equal(typeof data.event, "string");
  assert.ok(Array.isArray(data.changes) && data.changes.length > 0);
  assert.ok(data.changes.some((c) => c.key === req.id && c.op === "put"), `the request ${req.id} is among the changes: ${event.data}`);
  assert.equal(new Date(data.time).getTime(), now.getTime());

  // Timer-driven changes (the expiry) appear too, stamped with their exact due time.
  await p.advanceClock("PT1H");
  const expiry = await next((e) => e.event === "change" && JSON.parse(e.data).revision > data.revision);
  const expiryData = JSON.parse(expiry.data);
  assert.equal(new Date(expiryData.time).getTime(), now.getTime() + 3600e3);
  abort.abort();
});
