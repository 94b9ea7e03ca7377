// Change -> notification latency (docs/benchmarks.md, "Notifications"): N eligible assignments
// made one after another through Graph; for each, the time from the API's answer to the
// webhook call reaching a local receiver and to the e-mail being accepted by a local SMTP
// server (aiosmtpd). Prints percentiles; asserts only that everything arrived.
"use strict";

const { test } = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { startPimd, roles } = require("../../tests/e2e/pimd");
const { SECRET, freePort, waitFor, startSmtp, mails, startReceiver } =
  require("../../tests/e2e/notify_sinks");

const N = Number(process.env.CHANGES || 200);

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
function summary(name, ms) {
  const s = [...ms].sort((a, b) => a - b);
  return `${name}: n=${s.length} p50=${percentile(s, 50).toFixed(1)} ms p99=${percentile(s, 99).toFixed(1)} ms max=${s[s.length - 1].toFixed(1)} ms`;
}

test(`notification latency over ${N} changes`, { timeout: 600_000 }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pim-notify-bench-"));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const smtpPort = await freePort();
  const out = path.join(dir, "mail.jsonl");
  const smtp = await startSmtp(smtpPort, out);
  t.after(() => smtp.stop());
  const receiver = await startReceiver();
  t.after(() => receiver.close());
  fs.writeFileSync(path.join(dir, "hook.secret"), SECRET, { mode: 0o600 });
  fs.writeFileSync(path.join(dir, "notifications.json"), JSON.stringify({
    email: { url: `smtp://127.0.0.1:${smtpPort}`, from: "pim@demo.pim" },
    webhooks: [{ name: "bench", url: receiver.url, secretFile: "hook.secret" }],
  }));
  const p = await startPimd({ extraArgs: ["--notifications", path.join(dir, "notifications.json")] });
  t.after(() => p.stop());
  const ada = p.graphClient(p.tokens.ada);
  const now = await p.now();
  // N users with mail (directory changes notify nobody), then one eligible assignment each.
  const users = Array.from({ length: N }, (_, i) => ({
    id: `b0000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
    displayName: `Bench User ${i}`, userPrincipalName: `bench${i}@demo.pim`, accountEnabled: true,
  }));
  const imported = await p.pimJson("POST", "/pim/v1/directory/import", { users });
  assert.equal(imported.imported, N, JSON.stringify(imported.rows.filter((r) => r.status !== "imported")));
  const made = [];
  for (const u of users) {
    const r = await ada.api("/roleManagement/directory/roleEligibilityScheduleRequests").post({
      action: "adminAssign", principalId: u.id, roleDefinitionId: roles.securityReader,
      directoryScopeId: "/", justification: "bench",
      scheduleInfo: { startDateTime: now.toISOString(), expiration: { type: "noExpiration" } },
    });
    made.push({ id: r.id, to: u.userPrincipalName, answeredAt: Date.now() });
    await new Promise((r2) => setTimeout(r2, 20));
  }
  await waitFor("every webhook call", () =>
    made.every((m) => receiver.delivered().some((c) => c.event.requestId === m.id)), 60_000);
  const hookMs = made.map((m) => receiver.delivered().find((c) => c.event.requestId === m.id).at - m.answeredAt);
  const byRequest = new Map(receiver.delivered().map((c) => [c.event.requestId, c.event.id]));
  // The assignee's own e-mail (the admins' copies of the same event go out around it).
  await waitFor("every e-mail", () => {
    const seen = new Set(mails(out).map((m) => m.eventId));
    return made.every((m) => seen.has(`${byRequest.get(m.id)}/${m.to}`));
  }, 120_000);
  const received = new Map(mails(out).map((m) => [m.eventId, m.receivedAt * 1000]));
  const mailMs = made.map((m) => received.get(`${byRequest.get(m.id)}/${m.to}`) - m.answeredAt);
  console.log(summary("change -> webhook received", hookMs));
  console.log(summary("change -> e-mail to the assignee accepted", mailMs));
  assert.equal(hookMs.length, N);
});
