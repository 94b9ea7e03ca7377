// Notifications end to end: pimd delivers to a real SMTP server (Debian's aiosmtpd, started
// here) and a real HTTP receiver. Stop the SMTP server, make changes, start it again: every
// message arrives exactly once per event and recipient, in order; the webhook channel is not
// held up meanwhile. A refused webhook call becomes a dead letter an administrator replays.
"use strict";

const { test } = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { startPimd, ids, roles } = require("./pimd");
const { SECRET, freePort, waitFor, startSmtp, mails, startReceiver } = require("./notify_sinks");

const DIR = "/roleManagement/directory";

function eligibility(principalId, roleDefinitionId, now) {
  return {
    action: "adminAssign", principalId, roleDefinitionId, directoryScopeId: "/",
    justification: "notification test",
    scheduleInfo: { startDateTime: now.toISOString(), expiration: { type: "noExpiration" } },
  };
}

test("notifications: e-mail and webhook, at least once, in order, surviving an SMTP outage", async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pim-notify-"));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const smtpPort = await freePort();
  const out = path.join(dir, "mail.jsonl");
  let smtp = await startSmtp(smtpPort, out);
  t.after(() => smtp.stop());
  const receiver = await startReceiver();
  t.after(() => receiver.close());
  fs.writeFileSync(path.join(dir, "hook.secret"), SECRET + "\n", { mode: 0o600 });
  fs.writeFileSync(path.join(dir, "notifications.json"), JSON.stringify({
    email: { url: `smtp://127.0.0.1:${smtpPort}`, from: "pim@demo.pim" },
    webhooks: [{ name: "soc", url: receiver.url, secretFile: "hook.secret" }],
    retry: { firstDelayMs: 50, maxDelaySeconds: 1, maxAttempts: 1000 },
  }));
  const p = await startPimd({ extraArgs: ["--notifications", path.join(dir, "notifications.json")] });
  t.after(() => p.stop());
  const ada = p.graphClient(p.tokens.ada);
  const now = await p.now();

  // 1. One change: the webhook call and one e-mail per recipient (the admins and the assignee).
  const first = await ada.api(`${DIR}/roleEligibilityScheduleRequests`)
    .post(eligibility(ids.dan, roles.helpdeskAdministrator, now));
  const hook = await waitFor("the webhook call", () =>
    receiver.delivered().find((c) => c.event.requestId === first.id));
  assert.equal(hook.event.type, "eligibleAssigned");
  assert.equal(hook.event.principal.id, ids.dan);
  assert.equal(hook.event.target.displayName, "Helpdesk Administrator");
  assert.ok(hook.event.recipients.includes("dan@demo.pim"));
  assert.ok(hook.event.recipients.includes("ada@demo.pim"));
  await waitFor("the e-mails", () => mails(out).filter((m) => m.eventId.startsWith(`${hook.event.id}/`)).length
    === hook.event.recipients.length);
  const danMail = mails(out).find((m) => m.eventId === `${hook.event.id}/dan@demo.pim`);
  assert.deepEqual(danMail.to, ["dan@demo.pim"]);
  assert.equal(danMail.eventType, "eligibleAssigned");
  assert.match(danMail.subject, /Dan Operator is eligible for Helpdesk Administrator/);

  // 2. SMTP down: three more changes. The webhook keeps up; e-mail waits and loses nothing.
  await smtp.stop();
  const later = [];
  for (const role of [roles.securityReader, roles.userAdministrator, roles.securityAdministrator]) {
    later.push(await ada.api(`${DIR}/roleEligibilityScheduleRequests`).post(eligibility(ids.eve, role, now)));
  }
  const hooks = await waitFor("three webhook calls while SMTP is down", () => {
    const got = later.map((r) => receiver.delivered().find((c) => c.event.requestId === r.id));
    return got.every(Boolean) && got;
  });
  // The e-mail channel is retrying against the closed port.
  await waitFor("a failed delivery attempt", () => /"event":"notify.retry","channel":"email"/.test(p.stderr()));
  smtp = await startSmtp(smtpPort, out);
  const expected = hooks.flatMap((h) => h.event.recipients.map((to) => `${h.event.id}/${to}`));
  await waitFor("the e-mails held back by the outage", () => {
    const seen = new Set(mails(out).map((m) => m.eventId));
    return expected.every((id) => seen.has(id));
  });
  await new Promise((r) => setTimeout(r, 300));  // anything duplicated would have arrived by now
  const all = mails(out);
  const ids_ = all.map((m) => m.eventId);
  assert.equal(new Set(ids_).size, ids_.length, `duplicates: ${ids_}`);
  // In order per recipient: Eve's three messages arrive in the order of the changes.
  const eve = all.filter((m) => m.to[0] === "eve@demo.pim").map((m) => m.eventId);
  assert.deepEqual(eve, hooks.map((h) => `${h.event.id}/eve@demo.pim`));
  // Webhook calls came once each, in revision order.
  const revisions = receiver.delivered().map((c) => c.event.revision);
  assert.deepEqual(revisions, [...revisions].sort((a, b) => a - b));
  assert.equal(new Set(receiver.delivered().map((c) => c.id)).size, receiver.delivered().length);
});

test("notifications: a refused webhook call is a dead letter until an administrator replays it", async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pim-notify-"));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const receiver = await startReceiver();
  t.after(() => receiver.close());
  receiver.setRefuse((event) => event.principal.id === ids.eve);
  fs.writeFileSync(path.join(dir, "hook.secret"), SECRET, { mode: 0o600 });
  fs.writeFileSync(path.join(dir, "notifications.json"), JSON.stringify({
    webhooks: [{ name: "soc", url: receiver.url, secretFile: "hook.secret" }],
    retry: { firstDelayMs: 50, maxDelaySeconds: 1, maxAttempts: 3 },
  }));
  const p = await startPimd({ extraArgs: ["--notifications", path.join(dir, "notifications.json")] });
  t.after(() => p.stop());
  const ada = p.graphClient(p.tokens.ada);
  const now = await p.now();
  const refused = await ada.api(`${DIR}/roleEligibilityScheduleRequests`)
    .post(eligibility(ids.eve, roles.securityReader, now));
  const after = await ada.api(`${DIR}/roleEligibilityScheduleRequests`)
    .post(eligibility(ids.dan, roles.securityReader, now));
  // The channel moved on past the refused call.
  await waitFor("the next call", () => receiver.delivered().find((c) => c.event.requestId === after.id));
  const dead = await waitFor("the dead letter", async () => {
    const list = (await p.pimJson("GET", "/pim/v1/notifications/deadLetters")).value;
    return list.length === 1 && list;
  });
  assert.equal(dead[0].channel, "webhook:soc");
  assert.match(dead[0].error, /HTTP 410/);
  assert.equal(dead[0].attempts, 1);

  // Only administrators see or replay dead letters.
  await assert.rejects(p.pimJson("GET", "/pim/v1/notifications/deadLetters", undefined, p.tokens.dan), /403/);
  await assert.rejects(
    p.pimJson("POST", `/pim/v1/notifications/deadLetters/${dead[0].id}/replay`, {}, p.tokens.dan), /403/);
  await assert.rejects(p.pimJson("POST", "/pim/v1/notifications/deadLetters/999999/replay", {}), /404/);

  receiver.setRefuse(() => false);
  await p.pimJson("POST", `/pim/v1/notifications/deadLetters/${dead[0].id}/replay`, {});
  await waitFor("the replayed call", () => receiver.delivered().find((c) => c.event.requestId === refused.id));
  assert.deepEqual((await p.pimJson("GET", "/pim/v1/notifications/deadLetters")).value, []);
});

test("notifications: e-mail over STARTTLS with authentication, the password kept out of the log", async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pim-notify-"));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const tls = process.env.PIM_TLS_DIR;  // server.pem for localhost, signed by ca.pem
  const smtpPort = await freePort();
  const out = path.join(dir, "mail.jsonl");
  const smtp = await startSmtp(smtpPort, out, {
    cert: path.join(tls, "server.pem"), key: path.join(tls, "server.key"), user: "pim", password: "relay-secret-1",
  });
  t.after(() => smtp.stop());
  fs.writeFileSync(path.join(dir, "smtp.password"), "relay-secret-1\n", { mode: 0o600 });
  fs.writeFileSync(path.join(dir, "notifications.json"), JSON.stringify({
    email: {
      url: `smtp://localhost:${smtpPort}`, starttls: true, from: "pim@demo.pim",
      username: "pim", passwordFile: "smtp.password", caFile: path.join(tls, "ca.pem"),
    },
    retry: { firstDelayMs: 50, maxDelaySeconds: 1, maxAttempts: 1000 },
  }));
  const p = await startPimd({ extraArgs: ["--notifications", path.join(dir, "notifications.json")] });
  t.after(() => p.stop());
  const now = await p.now();
  await p.graphClient(p.tokens.ada).api(`${DIR}/roleEligibilityScheduleRequests`)
    .post(eligibility(ids.dan, roles.helpdeskAdministrator, now));
  const mail = await waitFor("the e-mail to Dan", () => mails(out).find((m) => m.to[0] === "dan@demo.pim"));
  assert.equal(mail.tls, true);
  assert.equal(mail.user, "pim");
  assert.equal(mail.eventType, "eligibleAssigned");
  // The password never reaches pimd's log.
  assert.doesNotMatch(p.stderr(), /relay-secret-1/);
});
