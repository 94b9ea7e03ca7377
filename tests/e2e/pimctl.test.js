// pimctl, the command line, against a real pimd over HTTPS: the real binary driven with
// child_process. Sign-in by password grant and by the PKCE loopback flow, roles, activation with
// an MFA step-up, requests, cancel, deactivate, extend, the approval wait and a denial, policies
// as code (directory roles and Azure resource roles), audit, assignment update and remove (the
// five-minute rule), renewal of expired access after an administrator's approval (test clock),
// and the bash and zsh completion scripts loaded by the real shells.
//
// Environment (set by ./run --pimctl PATH): PIMCTL = path of the pimctl binary.
"use strict";

const { after, before, test } = require("node:test");
const assert = require("node:assert/strict");
const { spawn, spawnSync } = require("node:child_process");
const crypto = require("node:crypto");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { ids, roles, startPimd } = require("./pimd");
const { addMs, HOUR, DAY } = require("./helpers");

const PIMCTL = process.env.PIMCTL;
const skip = PIMCTL ? false : "pimctl not given (tests/e2e/run --pimctl PATH)";

// RFC 4648 base32 and RFC 6238 TOTP, as authenticator apps compute them.
function base32Decode(text) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = 0;
  let value = 0;
  const out = [];
  for (const c of text.replace(/=+$/, "").toUpperCase()) {
    value = (value << 5) | alphabet.indexOf(c);
    bits += 5;
    if (bits >= 8) { out.push((value >>> (bits - 8)) & 0xff); bits -= 8; }
  }
  return Buffer.from(out);
}
function totp(key, step) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = crypto.createHmac("sha1", key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, "0");
}
const stepOf = (date) => Math.floor(date.getTime() / 30_000);

// A person at a terminal: their own config directory, and pimctl pointed at this pimd.
class User {
  constructor(p, name) {
    this.p = p;
    this.name = name;
    const logins = JSON.parse(fs.readFileSync(path.join(p.dataDir, "demo-logins.json"), "utf8")).users;
    this.login = logins.find((l) => l.name === name);
    this.configDir = fs.mkdtempSync(path.join(os.tmpdir(), `pimctl-${name}-`));
    this.usedSteps = new Set();
  }

  env() {
    const env = { ...process.env, PIMCTL_SERVER: this.p.base, PIMCTL_CONFIG_DIR: this.configDir,
      PIMCTL_CA_FILE: path.join(process.env.PIM_TLS_DIR, "ca.pem") };
    delete env.NO_COLOR;
    return env;
  }

  // Starts pimctl; resolves with {code, stdout, stderr} when it exits.
  start(args, input) {
    const child = spawn(PIMCTL, args, { env: this.env(), stdio: ["pipe", "pipe", "pipe"] });
    const result = { stdout: "", stderr: "", child };
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (d) => { result.stdout += d; });
    child.stderr.on("data", (d) => { result.stderr += d; });
    child.stdin.end(input ?? "");
    result.done = new Promise((resolve) => child.once("exit", (code) => {
      result.code = code;
      resolve(result);
    }));
    return result;
  }

  async run(...args) {
    const r = await this.start(args).done;
    if (/(Address|Leak|UndefinedBehavior)Sanitizer/.test(r.stderr)) {
      throw new Error(`pimctl ${args.join(" ")}: sanitizer error\n${r.stderr}`);
    }
    return r;
  }

  // Like run, but asserts exit code 0 and parses --output json.
  async json(...args) {
    const r = await this.run("--output", "json", ...args);
    assert.equal(r.code, 0, `pimctl ${args.join(" ")} exited ${r.code}: ${r.stderr}`);
    return JSON.parse(r.stdout);
  }

  // Enrols an authenticator app (TOTP) for this user through the account endpoints.
  async enrolTotp() {
    const post = async (urlPath, body) => {
      const res = await fetch(this.p.base + urlPath, {
        method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      assert.ok(res.ok, `${urlPath}: ${res.status}`);
      return res.json();
    };
    const { secret } = await post("/pim/v1/account/totp", { userName: this.login.userName, password: this.login.password });
    this.key = base32Decode(secret);
    const step = stepOf(await this.p.now()) - 1;
    this.usedSteps.add(step);
    await post("/pim/v1/account/totp/confirm", { userName: this.login.userName, password: this.login.password, code: totp(this.key, step) });
  }

  // A TOTP code not used before (the server accepts one step of skew; the test clock is frozen).
  async code() {
    const now = stepOf(await this.p.now());
    for (const step of [now - 1, now, now + 1]) {
      if (!this.usedSteps.has(step)) { this.usedSteps.add(step); return totp(this.key, step); }
    }
    throw new Error("no unused TOTP step left; advance the clock");
  }

  async signIn({ otp = false } = {}) {
    const args = ["login", "--username", this.login.userName, "--password-stdin"];
    if (otp) args.push("--otp", await this.code());
    const r = await this.start(args, `${this.login.password}\n`).done;
    assert.equal(r.code, 0, `login ${this.name}: ${r.stderr}`);
    assert.equal(r.stdout, `Signed in to ${this.p.base} as ${this.login.userName}\n`);
    assert.ok(!r.stdout.includes(this.login.password) && !r.stderr.includes(this.login.password));
    return r;
  }

  cleanup() { fs.rmSync(this.configDir, { recursive: true, force: true }); }
}

const everyone = [];
async function people(t, p, ...names) {
  const out = names.map((n) => new User(p, n));
  everyone.push(...out);
  return out;
}

// One pimd for the whole file (the runner gives each file 60 s): each test uses its own demo
// users, in order, on the shared test clock.
let shared;
let approver;
let admin;
let operator; // Dan, signed in with MFA by the approval test
before(async () => { if (!skip) shared = await startPimd(); });
after(async () => {
  everyone.forEach((u) => u.cleanup());
  if (shared) await shared.stop();
});

// First, while Ada has no authenticator yet (pimd.js enrols one when it first signs her in).
test("pimctl: policy export, import --dry-run prints the change and changes nothing, import applies it; directory import", { skip }, async (t) => {
  const p = shared;
  const [ada] = await people(t, p, "ada");
  await ada.signIn();
  admin = ada;

  const exported = await ada.run("policy", "export");
  assert.equal(exported.code, 0, exported.stderr);
  const file = JSON.parse(exported.stdout);
  const ua = file.policies.find((x) => x.roleDefinitionId === roles.userAdministrator);
  assert.equal(ua.directoryRole, "User Administrator");
  const rule = ua.rules.find((r) => r.id === "Expiration_EndUser_Assignment");
  assert.equal(rule.maximumDuration, "PT8H");

  // The exported file imports as "no changes".
  const policyFile = path.join(ada.configDir, "policies.json");
  fs.writeFileSync(policyFile, exported.stdout);
  const same = await ada.run("policy", "import", policyFile, "--dry-run");
  assert.equal(same.code, 0, same.stderr);
  assert.equal(same.stdout, "No changes: the policies already match.\n");

  // In the repository someone lowers the activation maximum to four hours.
  rule.maximumDuration = "PT4H";
  fs.writeFileSync(policyFile, JSON.stringify(file, null, 2));
  const dry = await ada.run("policy", "import", policyFile, "--dry-run");
  assert.equal(dry.code, 0, dry.stderr);
  const policyId = (await ada.json("policy", "show", "User Administrator")).policy.id;
  assert.equal(dry.stdout,
    `directoryRole User Administrator [policy ${policyId}]\n` +
    "  Expiration_EndUser_Assignment: maximumDuration: \"PT8H\" -> \"PT4H\"\n" +
    "1 rule would change (dry run: nothing was changed)\n");
  const dryJson = await ada.json("policy", "import", policyFile, "--dry-run");
  assert.deepEqual(dryJson, { applied: false, changes: [{
    kind: "directoryRole", id: roles.userAdministrator, name: "User Administrator", access: null,
    scope: null, policyId, ruleId: "Expiration_EndUser_Assignment",
    changes: [{ path: "maximumDuration", from: "PT8H", to: "PT4H" }] }] });
  const unchanged = (await ada.json("policy", "show", "User Administrator")).policy.rules
    .find((r) => r.id === "Expiration_EndUser_Assignment");
  assert.equal(unchanged.maximumDuration, "PT8H", "a dry run changes nothing");

  const applied = await ada.run("policy", "import", policyFile);
  assert.equal(applied.code, 0, applied.stderr);
  assert.match(applied.stdout, /1 rule changed\n$/);
  const changed = (await ada.json("policy", "show", "User Administrator")).policy.rules
    .find((r) => r.id === "Expiration_EndUser_Assignment");
  assert.equal(changed.maximumDuration, "PT4H");
  assert.equal((await ada.run("policy", "import", policyFile, "--dry-run")).stdout,
    "No changes: the policies already match.\n");

  // Directory import (CSV): one new user; the same file again changes nothing.
  const csv = path.join(ada.configDir, "people.csv");
  fs.writeFileSync(csv, "kind,displayName,userPrincipalName,accountEnabled\nuser,Finn Field,finn@demo.pim,true\n");
  const imported = await ada.json("directory", "import", csv);
  assert.equal(imported.imported, 1, JSON.stringify(imported));
  assert.equal(imported.rejected, 0);
  const again = await ada.run("directory", "import", csv);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /^imported 0, unchanged 1, rejected 0\n/);

  // A non-administrator may not change role settings: the server's 403 is exit 7.
  const [eve] = await people(t, p, "eve");
  await eve.signIn();
  const set = await eve.run("policy", "set", "User Administrator", "--max-duration", "1h");
  assert.equal(set.code, 7, set.stderr);
  await eve.run("logout");
});

test("pimctl: password sign-in, roles, activation with MFA step-up, deactivate, logout", { skip }, async (t) => {
  const p = shared;
  const [ben] = await people(t, p, "ben");

  // Not signed in yet: exit 3.
  const before = await ben.run("roles");
  assert.equal(before.code, 3, before.stderr);
  assert.match(before.stderr, /not signed in/);

  // Signed in with the password alone (Ben has no authenticator yet), then he enrols one.
  await ben.signIn();
  const dirMode = fs.statSync(ben.configDir).mode & 0o777;
  const files = fs.readdirSync(ben.configDir);
  assert.ok(files.length >= 1);
  for (const f of files) assert.equal(fs.statSync(path.join(ben.configDir, f)).mode & 0o777, 0o600, f);
  assert.equal(dirMode, 0o700, `config directory mode ${dirMode.toString(8)}`);
  await ben.enrolTotp();

  const who = await ben.json("whoami");
  assert.equal(who.userId, ids.ben);

  const { roles: eligible } = await ben.json("roles");
  const names = eligible.map((r) => `${r.kind}:${r.state}:${r.name}`).sort();
  assert.deepEqual(names, ["azureResource:eligible:Contributor", "directoryRole:eligible:User Administrator"]);
  const contributor = eligible.find((r) => r.name === "Contributor");
  assert.equal(contributor.scope, `/subscriptions/${ids.subscription}`);
  assert.equal(contributor.scopeName, "Production");
  assert.equal(contributor.end, null);

  // The table: aligned columns, no colour when stdout is not a terminal.
  const table = await ben.run("roles");
  assert.equal(table.code, 0);
  assert.ok(!table.stdout.includes("\x1b["), "no colour off a terminal");
  const lines = table.stdout.trimEnd().split("\n");
  assert.match(lines[0], /^STATE\s+KIND\s+NAME\s+SCOPE\/ACCESS\s+TYPE\s+START\s+END$/);
  assert.equal(lines.length, 3);
  const col = lines[0].indexOf("NAME");
  for (const l of lines.slice(1)) assert.match(l.slice(col), /^(User Administrator|Contributor) /, l);

  // The policy needs MFA and Ben's token has none: without a code pimctl reports the MfaRule.
  const noCode = await ben.run("activate", "User Administrator", "--duration", "2h", "--reason", "INC-1");
  assert.equal(noCode.code, 1, noCode.stderr);
  assert.match(noCode.stderr, /RoleAssignmentRequestPolicyValidationFailed: .*MfaRule.*\(HTTP 400/);
  assert.match(noCode.stderr, /--otp/);

  // With --otp the code travels as X-Pim-Mfa-Code on the retry.
  const activated = await ben.json("activate", "user administrator", "--duration", "2h", "--reason", "INC-1",
    "--otp", await ben.code());
  assert.equal(activated.request.status, "Provisioned");
  assert.equal(activated.request.action, "selfActivate");
  assert.equal(activated.request.kind, "directoryRole");
  assert.equal(activated.request.targetId, roles.userAdministrator);
  assert.equal(activated.request.expiration, "PT2H");
  const now = await p.now();
  assert.equal((await p.check({ principalId: ids.ben, roleDefinitionId: roles.userAdministrator })).allowed, true);

  const { roles: after } = await ben.json("roles", "--active");
  assert.equal(after.length, 1);
  assert.equal(after[0].state, "active");
  assert.equal(after[0].assignmentType, "Activated");
  assert.equal(new Date(after[0].end).getTime(), now.getTime() + 2 * HOUR);

  // Ben's own activation, and the administrator's request that made him eligible (he is its
  // principal).
  const { requests } = await ben.json("requests");
  assert.deepEqual(requests.filter((r) => !r.eligibility).map((r) => [r.id, r.status]),
    [[activated.request.id, "Provisioned"]]);
  assert.ok(requests.some((r) => r.eligibility && r.action === "adminAssign"), JSON.stringify(requests));

  // Resource role through ARM, at a reduced scope below the eligible one.
  const rg = `/subscriptions/${ids.subscription}/resourceGroups/${ids.resourceGroup}`;
  const arm = await ben.json("activate", "Contributor", "--scope", rg, "--duration", "30m",
    "--reason", "hotfix", "--otp", await ben.code());
  assert.equal(arm.request.kind, "azureResource");
  assert.equal(arm.request.status, "Provisioned");
  assert.equal(arm.request.scope, rg);
  assert.equal((await p.check({ principalId: ids.ben, roleDefinitionId: roles.contributor, scope: rg })).allowed, true);
  assert.equal((await p.check({ principalId: ids.ben, roleDefinitionId: roles.contributor,
    scope: `/subscriptions/${ids.subscription}` })).allowed, false);

  // Not within five minutes of the activation; afterwards, Revoked.
  const early = await ben.run("deactivate", "User Administrator");
  assert.equal(early.code, 1);
  assert.match(early.stderr, /^pimctl: error: ActiveDurationTooShort: /);
  await p.advanceClock("PT5M"); // also outlives nothing: the access token is refreshed if needed
  const off = await ben.json("deactivate", "User Administrator");
  assert.equal(off.request.status, "Revoked");
  assert.equal((await p.check({ principalId: ids.ben, roleDefinitionId: roles.userAdministrator })).allowed, false);

  // Unknown role: exit 4.
  const unknown = await ben.run("activate", "Global Administrator");
  assert.equal(unknown.code, 4, unknown.stderr);

  // Sign-out revokes the session and deletes the tokens.
  const out = await ben.run("logout");
  assert.equal(out.code, 0, out.stderr);
  assert.equal((await ben.run("roles")).code, 3);
});

test("pimctl: sign-in through the browser (authorization code + PKCE, loopback redirect)", { skip }, async (t) => {
  const p = shared;
  const [eve] = await people(t, p, "eve");
  const login = eve.start(["login", "--no-browser"]);
  // pimctl prints the URL to open, then waits on 127.0.0.1.
  let url;
  for (let i = 0; i < 200 && !url; i++) {
    const m = /(https:\/\/\S+\/oauth2\/authorize\?\S+)/.exec(login.stderr);
    if (m) url = new URL(m[1]);
    else await new Promise((r) => setTimeout(r, 50));
  }
  assert.ok(url, `no authorize URL printed: ${login.stderr}`);
  const params = Object.fromEntries(url.searchParams);
  assert.equal(params.client_id, "pimctl");
  assert.equal(params.code_challenge_method, "S256");
  assert.match(params.redirect_uri, /^http:\/\/127\.0\.0\.1:\d+\/callback$/);
  assert.ok(params.state.length >= 16);

  const page = await fetch(url);
  assert.equal(page.status, 200);
  const signedIn = await fetch(`${p.base}/oauth2/authorize`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ ...params, step: "credentials", username: eve.login.userName, password: eve.login.password }).toString(),
    redirect: "manual",
  });
  assert.equal(signedIn.status, 302);
  const back = new URL(signedIn.headers.get("location"));
  assert.equal(`${back.origin}${back.pathname}`, params.redirect_uri);
  // The browser follows the redirect to pimctl's loopback listener.
  const landing = await fetch(back);
  assert.equal(landing.status, 200);
  const r = await login.done;
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, `Signed in to ${p.base} as ${eve.login.userName}\n`);

  const { roles: eveRoles } = await eve.json("roles");
  assert.ok(eveRoles.some((x) => x.name === "Helpdesk Administrator" && x.state === "eligible"));
  assert.ok(eveRoles.some((x) => x.name === "Helpdesk Administrator" && x.state === "scheduled"),
    "Eve's shift tomorrow is listed as scheduled");
});

test("pimctl: activate --wait until an approver approves; a denial exits 6", { skip }, async (t) => {
  const p = shared;
  const [dan, cara] = await people(t, p, "dan", "cara");
  for (const u of [dan, cara]) await u.enrolTotp();
  await Promise.all([dan.signIn({ otp: true }), cara.signIn({ otp: true })]);
  approver = cara;
  operator = dan;

  // Dan waits for the approval of Security Administrator; Cara approves with pimctl meanwhile.
  const waiting = dan.start(["activate", "Security Administrator", "--duration", "1h",
    "--reason", "Investigate alert 4711", "--wait", "--timeout", "2m"]);
  let pending = [];
  for (let i = 0; i < 100 && pending.length === 0; i++) {
    pending = (await cara.json("approvals")).approvals;
    if (pending.length === 0) await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(pending.length, 1, `nothing to approve; dan says: ${waiting.stderr}`);
  assert.equal(pending[0].principalId, ids.dan);
  assert.equal(pending[0].name, "Security Administrator");
  assert.equal(waiting.code, undefined, "still waiting before the approval");
  const approved = await cara.run("approve", pending[0].approvalId, "--reason", "Alert confirmed");
  assert.equal(approved.code, 0, approved.stderr);
  assert.equal(approved.stdout, `Approved ${pending[0].approvalId}\n`);
  const done = await waiting.done;
  assert.equal(done.code, 0, done.stderr);
  assert.match(done.stdout, /selfActivate Security Administrator: Provisioned/);
  assert.match(done.stderr, /PendingApproval/);
  assert.equal((await p.check({ principalId: ids.dan, roleDefinitionId: roles.securityAdministrator })).allowed, true);
  // A decided approval cannot be decided again: exit 1.
  const again = await cara.run("deny", pending[0].approvalId, "--reason", "too late");
  assert.equal(again.code, 1, again.stderr);
  assert.match(again.stderr, /is no longer pending/);

  // Prod Operators needs approval and a ticket; Cara denies; the waiting pimctl exits 6.
  const denied = dan.start(["activate", "Prod Operators", "--group", "--duration", "2h", "--reason",
    "Deploy release 42", "--ticket-system", "ServiceNow", "--ticket-number", "CHG-1001", "--wait"]);
  pending = [];
  for (let i = 0; i < 100 && pending.length === 0; i++) {
    pending = (await cara.json("approvals")).approvals;
    if (pending.length === 0) await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(pending.length, 1, denied.stderr);
  assert.equal(pending[0].kind, "group");
  const no = await cara.json("deny", pending[0].approvalId, "--reason", "No change window today");
  assert.deepEqual(no.approval, { id: pending[0].approvalId, kind: "group", decision: "Deny" });
  const ended = await denied.done;
  assert.equal(ended.code, 6, ended.stderr);
  assert.match(ended.stderr, /Denied/);
  assert.equal((await p.check({ principalId: ids.dan, groupId: ids.prodOperators, accessId: "member" })).allowed, false);
});

test("pimctl: requests, cancel a scheduled activation, extend an assignment", { skip }, async (t) => {
  const p = shared;
  const cara = approver; // signed in with MFA by the previous test
  assert.ok(cara, "runs after the approval test");
  const now = await p.now();

  const later = addMs(now, HOUR).toISOString();
  const scheduled = await cara.json("activate", "Security Reader", "--start", later, "--duration", "1h",
    "--reason", "Tonight's review");
  assert.equal(scheduled.request.status, "Granted");
  const { roles: caraRoles } = await cara.json("roles", "--active");
  assert.deepEqual(caraRoles.map((r) => [r.name, r.state]), [["Security Reader", "scheduled"]]);
  const { requests: pending } = await cara.json("requests", "--pending");
  assert.deepEqual(pending.map((r) => r.id), [scheduled.request.id]);
  const canceled = await cara.json("cancel", scheduled.request.id);
  assert.equal(canceled.request.status, "Canceled");
  const twice = await cara.run("cancel", scheduled.request.id);
  assert.equal(twice.code, 1, twice.stderr);
  assert.match(twice.stderr, /HTTP 400/);
  const missing = await cara.run("cancel", "00000000-0000-4000-8000-000000000000");
  assert.equal(missing.code, 4, missing.stderr);

  // Ada (pimctl, as administrator) assigns Security Reader to Cara for ten days; Cara asks to
  // extend it (needs approval).
  const assigned = await admin.json("assignment", "add", "cara@demo.pim", "Security Reader",
    "--until", addMs(now, 10 * DAY).toISOString(), "--reason", "Quarter-end review");
  assert.equal(assigned.request.action, "adminAssign");
  assert.equal(assigned.request.status, "Provisioned");
  assert.equal(assigned.request.principalId, ids.cara);
  // And makes Eve an eligible member of Prod Operators, permanently (PIM for Groups).
  const eligible = await admin.json("assignment", "add", "Eve Helpdesk", "Prod Operators", "--group",
    "--eligible", "--permanent", "--reason", "on-call rota");
  assert.equal(eligible.request.kind, "group");
  assert.equal(eligible.request.status, "Provisioned");
  assert.equal(eligible.request.principalId, ids.eve);
  // Resource roles are managed by their Owners, which a Global Administrator is not: 403, exit 7.
  const arm = await admin.run("assignment", "add", "Eve Helpdesk", "Contributor", "--eligible",
    "--scope", `/subscriptions/${ids.subscription}`, "--permanent", "--reason", "on-call rota");
  assert.equal(arm.code, 7, arm.stderr);
  assert.match(arm.stderr, /^pimctl: error: AuthorizationFailed: /);
  const extend = await cara.json("extend", "Security Reader", "--duration", "P30D", "--reason", "Takes longer");
  assert.equal(extend.request.action, "selfExtend");
  assert.equal(extend.request.status, "PendingApproval");
});

test("pimctl: audit export (paged), keys, verify offline with pinned keys; tampering exits 9; verify --server; a plain user is refused", { skip }, async (t) => {
  const p = shared;
  assert.ok(admin, "runs after the policy test (Ada, Global Administrator, signed in)");
  const dir = admin.configDir;

  // A few changes with justifications to look for.
  for (const [who, reason] of [["ben@demo.pim", "audit e2e: first"], ["dan@demo.pim", "audit e2e: second"]]) {
    const r = await admin.json("assignment", "add", who, "Security Reader", "--eligible", "--permanent",
      "--reason", reason);
    assert.equal(r.request.status, "Provisioned");
  }

  // The whole history, and the same history in pages of 7 entries: both verify.
  const file = path.join(dir, "audit.jsonl");
  const exported = await admin.run("audit", "export", "-f", file);
  assert.equal(exported.code, 0, exported.stderr);
  const m = /^exported (\d+) entries \((\d+) pages?, jsonl\) to /.exec(exported.stderr);
  assert.ok(m, exported.stderr);
  const lines = fs.readFileSync(file, "utf8").trimEnd().split("\n");
  const entryLines = lines.map((l, i) => ({ i, o: JSON.parse(l) })).filter((x) => x.o.type === "entry");
  assert.equal(entryLines.length, Number(m[1]));
  assert.ok(entryLines.length > 20, `only ${entryLines.length} entries`);
  assert.equal(fs.readdirSync(dir).filter((f) => f.includes(".pimctl-")).length, 0, "no temporary file left");

  const paged = path.join(dir, "audit-paged.jsonl");
  const pagedRun = await admin.json("audit", "export", "-f", paged, "--page-size", "7");
  assert.equal(pagedRun.entries, entryLines.length);
  assert.equal(pagedRun.pages, Math.ceil(entryLines.length / 7));

  const keys = path.join(dir, "audit-keys.json");
  const saved = await admin.run("audit", "keys", "-f", keys);
  assert.equal(saved.code, 0, saved.stderr);
  assert.ok(JSON.parse(fs.readFileSync(keys, "utf8")).keys.length >= 1);

  const clean = await admin.run("audit", "verify", file, "--keys", keys);
  assert.equal(clean.code, 0, clean.stdout + clean.stderr);
  assert.match(clean.stdout, /: verified\n/);
  const pagedReport = await admin.json("audit", "verify", paged, "--keys", keys);
  assert.equal(pagedReport.ok, true, JSON.stringify(pagedReport.findings));
  assert.equal(pagedReport.entries, entryLines.length);
  assert.deepEqual(pagedReport.findings, []);

  // Offline means offline: no --keys, no check.
  const noKeys = await admin.run("audit", "verify", file);
  assert.equal(noKeys.code, 2, noKeys.stderr);

  // Someone edits the justification of one entry in a copy.
  const edited = entryLines.find((x) => x.o.entry.justification === "audit e2e: first");
  assert.ok(edited, "the change is in the export");
  const editedCopy = [...lines];
  const forged = JSON.parse(lines[edited.i]);
  forged.entry.justification = "routine";
  editedCopy[edited.i] = JSON.stringify(forged);
  const editedFile = path.join(dir, "audit-edited.jsonl");
  fs.writeFileSync(editedFile, editedCopy.join("\n") + "\n");
  const editedRun = await admin.run("--output", "json", "audit", "verify", editedFile, "--keys", keys);
  assert.equal(editedRun.code, 9, editedRun.stderr);
  const editedReport = JSON.parse(editedRun.stdout);
  assert.equal(editedReport.ok, false);
  assert.ok(editedReport.findings.some((f) => f.kind === "entryEdited" && f.seq === edited.o.entry.seq &&
    f.line === edited.i + 1), JSON.stringify(editedReport.findings));
  const editedTable = await admin.run("audit", "verify", editedFile, "--keys", keys);
  assert.equal(editedTable.code, 9);
  assert.match(editedTable.stdout, new RegExp(`^${edited.i + 1}\\s+${edited.o.entry.seq}\\s+entryEdited\\s`, "m"));

  // Someone deletes an entry in the middle from another copy.
  const victim = entryLines[Math.floor(entryLines.length / 2)];
  const deletedFile = path.join(dir, "audit-deleted.jsonl");
  fs.writeFileSync(deletedFile, lines.filter((_, i) => i !== victim.i).join("\n") + "\n");
  const deletedRun = await admin.run("--output", "json", "audit", "verify", deletedFile, "--keys", keys);
  assert.equal(deletedRun.code, 9, deletedRun.stderr);
  const deletedReport = JSON.parse(deletedRun.stdout);
  assert.ok(deletedReport.findings.some((f) => f.kind === "entryDeleted" && f.seq === victim.o.entry.seq),
    JSON.stringify(deletedReport.findings));

  // The server's whole history, downloaded and checked against the pinned keys.
  const server = await admin.run("audit", "verify", "--server", "--keys", keys);
  assert.equal(server.code, 0, server.stdout + server.stderr);
  assert.match(server.stdout, /: verified\n/);
  assert.equal(server.stderr, "");

  // Reading the audit history needs an auditor's role: Eve gets 403, exit 7, and no file.
  const [eve] = await people(t, p, "eve");
  await eve.signIn();
  const eveFile = path.join(eve.configDir, "audit.jsonl");
  const refused = await eve.run("audit", "export", "-f", eveFile);
  assert.equal(refused.code, 7, refused.stderr);
  assert.ok(!fs.existsSync(eveFile));
  assert.deepEqual(fs.readdirSync(eve.configDir).filter((f) => f.includes("audit")), []);
});

// Approves, as `who`, the one pending approval that `match` picks (waiting until it appears).
async function approveWhenListed(who, match, reason, extraArgs = []) {
  let pending = [];
  for (let i = 0; i < 100 && pending.length === 0; i++) {
    pending = (await who.json("approvals")).approvals.filter(match);
    if (pending.length === 0) await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(pending.length, 1, "exactly one approval to decide");
  const r = await who.run("approve", pending[0].approvalId, "--reason", reason, ...extraArgs);
  assert.equal(r.code, 0, r.stderr);
  return pending[0];
}

test("pimctl: Azure resource-role policies: show, set, export, import --dry-run, import by an Owner", { skip }, async (t) => {
  const p = shared;
  assert.ok(admin && approver && operator, "runs after the policy and approval tests");
  const sub = `/subscriptions/${ids.subscription}`;
  const rg = `${sub}/resourceGroups/${ids.resourceGroup}`;

  // Anyone signed in may read; the policy is found through the role's policy assignment.
  const shown = await admin.run("policy", "show", "Contributor", "--scope", rg);
  assert.equal(shown.code, 0, shown.stderr);
  const policy = (await admin.json("policy", "show", "contributor", "--scope", rg)).policy;
  assert.equal(policy.type, "Microsoft.Authorization/RoleManagementPolicies");
  assert.equal(shown.stdout.split("\n")[0], `azureResource Contributor at ${rg}, policy "${policy.name}"`);
  assert.match(shown.stdout, /^Expiration_EndUser_Assignment\s+\{.*"maximumDuration":"PT8H"/m);
  assert.ok(!shown.stdout.includes("ruleType"), "the table shows settings, not the rule's type");
  const missing = await admin.run("policy", "show", "No Such Role", "--scope", rg);
  assert.equal(missing.code, 4, missing.stderr);

  // The export of the resource group: every resource role's policy at that scope, ARM rules.
  const exported = await admin.run("policy", "export", "--scope", rg);
  assert.equal(exported.code, 0, exported.stderr);
  const file = JSON.parse(exported.stdout);
  const armEntries = file.policies.filter((x) => x.scope === rg);
  assert.ok(armEntries.length >= 2, JSON.stringify(armEntries.map((x) => x.azureResourceRole)));
  const contributor = armEntries.find((x) => x.roleDefinitionId === roles.contributor);
  assert.equal(contributor.azureResourceRole, "Contributor");
  const rule = contributor.rules.find((r) => r.id === "Expiration_EndUser_Assignment");
  assert.equal(rule.ruleType, "RoleManagementPolicyExpirationRule");
  assert.equal(rule.maximumDuration, "PT8H");
  assert.ok(file.policies.some((x) => x.directoryRole === "User Administrator"), "directory roles too");

  // A Global Administrator is not an Owner of the resource group: a dry run shows the change,
  // the change itself is refused (403, exit 7) and nothing changes.
  const plan = `azureResource Contributor at ${rg} [policy ${policy.name}]\n` +
    "  Expiration_EndUser_Assignment: maximumDuration: \"PT8H\" -> \"PT2H\"\n";
  const dry = await admin.run("policy", "set", "Contributor", "--scope", rg, "--max-duration", "2h", "--dry-run");
  assert.equal(dry.code, 0, dry.stderr);
  assert.equal(dry.stdout, plan + "1 rule would change (dry run: nothing was changed)\n");
  const refused = await admin.run("policy", "set", "Contributor", "--scope", rg, "--max-duration", "2h");
  assert.equal(refused.code, 7, refused.stderr);
  assert.match(refused.stderr, /^pimctl: error: rule Expiration_EndUser_Assignment of Contributor: \S+: .*\(HTTP 403/);

  // Dan activates Prod Operators (approval and a ticket), whose members hold Owner on web-rg.
  const waiting = operator.start(["activate", "Prod Operators", "--group", "--duration", "2h", "--reason",
    "Tighten web-rg settings", "--ticket-system", "ServiceNow", "--ticket-number", "CHG-2002", "--wait",
    "--timeout", "2m"]);
  await approveWhenListed(approver, (a) => a.principalId === ids.dan && a.kind === "group", "Change approved");
  const active = await waiting.done;
  assert.equal(active.code, 0, active.stderr);

  // In the repository, Contributor at web-rg gets a two-hour maximum; the dry run says exactly
  // that, the import applies it, and a second dry run finds nothing left to do.
  rule.maximumDuration = "PT2H";
  const policyFile = path.join(operator.configDir, "arm-policies.json");
  fs.writeFileSync(policyFile, JSON.stringify({ policies: armEntries }, null, 2));
  const dryImport = await operator.run("policy", "import", policyFile, "--dry-run");
  assert.equal(dryImport.code, 0, dryImport.stderr);
  assert.equal(dryImport.stdout, plan + "1 rule would change (dry run: nothing was changed)\n");
  const dryJson = await operator.json("policy", "import", policyFile, "--dry-run");
  assert.deepEqual(dryJson, { applied: false, changes: [{
    kind: "azureResource", id: roles.contributor, name: "Contributor", access: null, scope: rg,
    policyId: policy.name, ruleId: "Expiration_EndUser_Assignment",
    changes: [{ path: "maximumDuration", from: "PT8H", to: "PT2H" }] }] });
  const unchanged = (await operator.json("policy", "show", "Contributor", "--scope", rg)).policy;
  assert.equal(unchanged.properties.rules.find((r) => r.id === "Expiration_EndUser_Assignment").maximumDuration,
    "PT8H", "a dry run changes nothing");

  const applied = await operator.run("policy", "import", policyFile);
  assert.equal(applied.code, 0, applied.stderr);
  assert.equal(applied.stdout, plan + "1 rule changed\n");
  const changed = (await operator.json("policy", "show", "Contributor", "--scope", rg)).policy;
  assert.equal(changed.properties.rules.find((r) => r.id === "Expiration_EndUser_Assignment").maximumDuration, "PT2H");
  assert.equal((await operator.run("policy", "import", policyFile, "--dry-run")).stdout,
    "No changes: the policies already match.\n");
  // Settings at the resource group are its own: the subscription's policy is as it was.
  const subscription = (await operator.json("policy", "show", "Contributor", "--scope", sub)).policy;
  assert.equal(subscription.properties.rules.find((r) => r.id === "Expiration_EndUser_Assignment").maximumDuration, "PT8H");

  // policy set with an approver: ARM UserSet approvers.
  const approvalPlan = await operator.json("policy", "set", "Contributor", "--scope", rg, "--approval", "on",
    "--approver", ids.cara, "--dry-run");
  assert.equal(approvalPlan.changes.length, 1);
  const stages = approvalPlan.changes[0].changes.find((c) => c.path === "setting.approvalStages");
  assert.deepEqual(stages.to[0].primaryApprovers, [{ id: ids.cara, isBackup: false, userType: "User" }]);

  // Resource-role approvals: Contributor at web-rg now needs Cara's approval. Dan (an Owner
  // there) makes himself eligible and activates it; Cara finds it among her approvals (kind
  // azureResource) and approves it with pimctl, which decides it on ARM's roleAssignmentApprovals.
  const set = await operator.run("policy", "set", "Contributor", "--scope", rg, "--approval", "on", "--approver", ids.cara);
  assert.equal(set.code, 0, set.stderr);
  const eligible = await operator.json("assignment", "add", "dan@demo.pim", "Contributor", "--scope", rg, "--eligible",
    "--duration", "P30D", "--reason", "On call for web-rg");
  assert.equal(eligible.request.status, "Provisioned");
  const danRoles = (await operator.json("roles")).roles.filter((r) => r.name === "Contributor");
  assert.deepEqual(danRoles.map((r) => r.state), ["eligible"], "an eligibility, not standing access");
  const danRg = { principalId: ids.dan, roleDefinitionId: roles.contributor, scope: rg };
  const activating = operator.start(["activate", "Contributor", "--scope", rg, "--duration", "1h", "--reason",
    "Scale web tier", "--otp", await operator.code(), "--wait", "--timeout", "2m"]);
  const decided = await approveWhenListed(approver, (a) => a.principalId === ids.dan && a.kind === "azureResource",
    "Scaling approved", ["--otp", await approver.code()]);
  assert.equal(decided.name, "Contributor");
  assert.equal(decided.scope, rg);
  const activated = await activating.done;
  assert.equal(activated.code, 0, activated.stderr);
  assert.match(activated.stdout, /^selfActivate Contributor: Provisioned \(request \S+\)\n$/);
  assert.equal((await p.check(danRg)).allowed, true);
  // Decided already: exit 1. Dan may not see (let alone decide) his own: exit 4.
  const late = await approver.run("deny", decided.approvalId, "--reason", "too late");
  assert.equal(late.code, 1, late.stderr);
  assert.match(late.stderr, /no longer pending/);
  const own = await operator.run("approve", decided.approvalId, "--reason", "mine");
  assert.equal(own.code, 4, own.stderr);
  assert.equal((await p.check(danRg)).allowed, true);
});

test("pimctl: assignment update and remove; removing within five minutes is refused with its code (exit 1)", { skip }, async (t) => {
  const p = shared;
  assert.ok(admin, "runs after the policy test (Ada, Global Administrator, signed in)");
  const [eve] = await people(t, p, "eve");
  await eve.signIn();
  const now = await p.now();

  const added = await admin.json("assignment", "add", "eve@demo.pim", "Security Reader", "--eligible",
    "--duration", "P30D", "--reason", "Helpdesk rota");
  assert.equal(added.request.action, "adminAssign");
  assert.equal(added.request.status, "Provisioned");
  const eligibleEnd = async () => {
    const { roles: list } = await eve.json("roles", "--eligible");
    const r = list.find((x) => x.name === "Security Reader");
    return r === undefined ? undefined : (r.end === null ? null : new Date(r.end).getTime());
  };
  assert.equal(await eligibleEnd(), now.getTime() + 30 * DAY);

  // The five-minute rule: an assignment cannot be removed within five minutes of its creation.
  const early = await admin.run("assignment", "remove", "eve@demo.pim", "Security Reader", "--eligible",
    "--reason", "Added by mistake");
  assert.equal(early.code, 1, early.stderr);
  assert.match(early.stderr,
    /^pimctl: error: ActiveDurationTooShort: The Active duration is too short\. Miniumum Required is 5 minutes\. \(HTTP 400(, request-id [^)]+)?\)\n$/);
  const earlyJson = await admin.run("--output", "json", "assignment", "remove", "eve@demo.pim", "Security Reader",
    "--eligible", "--reason", "Added by mistake");
  assert.equal(earlyJson.code, 1);
  assert.equal(earlyJson.stdout, "");
  const error = JSON.parse(earlyJson.stderr).error;
  assert.equal(error.code, "ActiveDurationTooShort");
  assert.equal(error.httpStatus, 400);
  assert.equal(error.exitCode, 1);
  assert.equal(await eligibleEnd(), now.getTime() + 30 * DAY, "still eligible");

  // Update: a new end, ten days from now.
  const until = addMs(now, 10 * DAY);
  const updated = await admin.json("assignment", "update", "eve@demo.pim", "Security Reader", "--eligible",
    "--until", until.toISOString(), "--reason", "Rota shortened");
  assert.equal(updated.request.action, "adminUpdate");
  assert.equal(updated.request.status, "Provisioned");
  assert.equal(updated.request.principalId, ids.eve);
  assert.equal(await eligibleEnd(), until.getTime());
  // Updating what does not exist: the server's code and message (HTTP 400, so exit 1).
  const none = await admin.run("assignment", "update", "eve@demo.pim", "Security Administrator", "--eligible",
    "--until", until.toISOString(), "--reason", "nothing there");
  assert.equal(none.code, 1, none.stderr);
  assert.match(none.stderr, /^pimctl: error: RoleAssignmentDoesNotExist: The Role assignment does not exist\. \(HTTP 400/);

  // Five minutes later the removal goes through and Eve is no longer eligible.
  await p.advanceClock("PT5M");
  const removed = await admin.json("assignment", "remove", "eve@demo.pim", "Security Reader", "--eligible",
    "--reason", "Rota ended");
  assert.equal(removed.request.action, "adminRemove");
  assert.equal(removed.request.status, "Revoked");
  assert.equal(await eligibleEnd(), undefined);
});

test("pimctl renew: access that ended within 30 days comes back once an administrator approves", { skip }, async (t) => {
  const p = shared;
  assert.ok(admin, "runs after the policy test (Ada, Global Administrator, signed in)");
  const [eve] = await people(t, p, "eve");
  await eve.signIn();
  const now = await p.now();

  // One day of active Security Reader for Eve; two days later it has ended.
  const added = await admin.json("assignment", "add", "eve@demo.pim", "Security Reader", "--duration", "P1D",
    "--reason", "Quarter close");
  assert.equal(added.request.status, "Provisioned");
  await p.advanceClock("P2D");
  assert.equal((await p.check({ principalId: ids.eve, roleDefinitionId: roles.securityReader })).allowed, false);
  assert.deepEqual((await eve.json("roles", "--active")).roles.filter((r) => r.name === "Security Reader"), []);

  // Renewing needs the new length; an unknown role is exit 4.
  const noLength = await eve.run("renew", "Security Reader", "--reason", "Audit follow-up");
  assert.equal(noLength.code, 2, noLength.stderr);
  const unknown = await eve.run("renew", "No Such Role", "--duration", "P7D", "--reason", "x");
  assert.equal(unknown.code, 4, unknown.stderr);

  // Renewals of directory roles are decided by Global and Privileged Role Administrators, with
  // MFA. Ada makes Cara (who has an authenticator) a Privileged Role Administrator.
  const cara = approver;
  assert.ok(cara, "runs after the approval test");
  const pra = await admin.json("assignment", "add", "cara@demo.pim", "Privileged Role Administrator",
    "--permanent", "--reason", "Second administrator for approvals");
  assert.equal(pra.request.status, "Provisioned");

  // Eve asks and waits; Cara approves with her authenticator code; Eve's pimctl exits 0.
  const waiting = eve.start(["renew", "Security Reader", "--duration", "P7D", "--reason", "Audit follow-up",
    "--wait", "--timeout", "2m"]);
  const decided = await approveWhenListed(cara, (a) => a.principalId === ids.eve && a.action === "selfRenew",
    "Audit needs another week", ["--otp", await cara.code()]);
  assert.equal(decided.name, "Security Reader");
  const done = await waiting.done;
  assert.equal(done.code, 0, done.stderr);
  assert.match(done.stdout, /^selfRenew Security Reader: Provisioned \(request \S+\)\n$/);
  assert.match(done.stderr, /PendingApproval/);
  assert.equal((await p.check({ principalId: ids.eve, roleDefinitionId: roles.securityReader })).allowed, true);
  const renewed = (await eve.json("roles", "--active")).roles.find((r) => r.name === "Security Reader");
  assert.equal(new Date(renewed.end).getTime(), addMs(now, 2 * DAY).getTime() + 7 * DAY);

  // More than 30 days after the renewed access ended, there is nothing left to renew.
  await p.advanceClock("P38D");
  await eve.signIn(); // her refresh token lapsed (14 days unused)
  const late = await eve.run("renew", "Security Reader", "--duration", "P7D", "--reason", "Too late");
  assert.equal(late.code, 1, late.stderr);
  assert.match(late.stderr, /^pimctl: error: RoleAssignmentDoesNotExist: The Role assignment does not exist\. \(HTTP 400/);
});

test("pimctl completion: zsh (compinit) and bash load the scripts and complete subcommands and options", { skip }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pimctl-completion-"));
  try {
    const env = { PATH: process.env.PATH, HOME: dir, TERM: "dumb" };
    for (const shell of ["zsh", "bash"]) {
      const version = spawnSync(shell, ["--version"], { encoding: "utf8" });
      assert.equal(version.status, 0, `${shell} is not installed (scripts/setup installs it)`);
    }
    const zshScript = spawnSync(PIMCTL, ["completion", "zsh"], { encoding: "utf8" });
    assert.equal(zshScript.status, 0, zshScript.stderr);
    fs.writeFileSync(path.join(dir, "_pimctl"), zshScript.stdout);

    // zsh as installed per docs/pimctl.md (a file in $fpath), with a clean configuration:
    // compinit must find #compdef and bind _pimctl. compadd and _files only work inside a
    // completion widget, so they print their candidates instead; _pimctl runs as zle would run it.
    const zsh = spawnSync("zsh", ["-f", "-c", `
      fpath=(${dir} $fpath)
      autoload -Uz compinit && compinit -u -d ${dir}/zcompdump
      print -r -- "bound: \${_comps[pimctl]}"
      compadd() { [[ $1 == -- ]] && shift; print -rl -- "$@"; }
      _files() { print -r -- "<files>"; }
      complete() { local -a words; words=("$@"); local CURRENT=$#; _pimctl; }
      print -r -- "== top"; complete pimctl ""
      print -r -- "== policy"; complete pimctl --output json policy ""
      print -r -- "== policy set"; complete pimctl policy set Contributor ""
      print -r -- "== source"; unfunction _pimctl; unset '_comps[pimctl]'
      source <(${JSON.stringify(PIMCTL)} completion zsh)
      print -r -- "bound: \${_comps[pimctl]}"
    `], { encoding: "utf8", env, timeout: 20_000 });
    assert.equal(zsh.status, 0, zsh.stderr);
    assert.equal(zsh.stderr, "");
    const section = (text, name) => {
      const m = new RegExp(`== ${name}\\n([\\s\\S]*?)(?=\\n==|$)`).exec(text);
      assert.ok(m, `no section ${name} in:\n${text}`);
      return m[1].split("\n");
    };
    assert.match(zsh.stdout, /^bound: _pimctl\n/);
    const top = section(zsh.stdout, "top");
    for (const w of ["login", "roles", "activate", "renew", "approve", "assignment", "policy", "audit", "completion", "--server"]) {
      assert.ok(top.includes(w), `${w} not offered at the top: ${top}`);
    }
    assert.deepEqual(section(zsh.stdout, "policy").filter((w) => !w.startsWith("-")), ["show", "set", "export", "import"]);
    const set = section(zsh.stdout, "policy set");
    for (const w of ["--scope", "--max-duration", "--approver", "--dry-run", "--output"]) {
      assert.ok(set.includes(w), `${w} not offered for policy set: ${set}`);
    }
    assert.match(zsh.stdout, /== source\nbound: _pimctl\n$/);

    // bash: complete -p names the function; COMPREPLY holds the matches.
    const bash = spawnSync("bash", ["--norc", "--noprofile", "-c", `
      source <(${JSON.stringify(PIMCTL)} completion bash)
      complete -p pimctl
      COMP_WORDS=(pimctl pol); COMP_CWORD=1; _pimctl; echo "policy: \${COMPREPLY[*]}"
      COMP_WORDS=(pimctl policy export --sc); COMP_CWORD=3; _pimctl; echo "export: \${COMPREPLY[*]}"
      COMP_WORDS=(pimctl assignment ""); COMP_CWORD=2; _pimctl; echo "assignment: \${COMPREPLY[*]}"
    `], { encoding: "utf8", env, timeout: 20_000 });
    assert.equal(bash.status, 0, bash.stderr);
    assert.equal(bash.stdout,
      "complete -F _pimctl pimctl\n" +
      "policy: policy\n" +
      "export: --scope\n" +
      "assignment: add update remove --help --server --ca-file --output --http-timeout\n");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
