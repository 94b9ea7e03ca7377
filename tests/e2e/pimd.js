// Starts a fresh pimd (demo tenant, test clock, its own data directory) for the e2e tests and
// hands out the official Graph and ARM clients pointed at it.
//
// Environment (set by ./run): PIMD = path of the pimd binary; PIM_TLS_DIR = directory holding
// server.pem / server.key signed by the CA that NODE_EXTRA_CA_CERTS names.
"use strict";

const { spawn } = require("node:child_process");
const crypto = require("node:crypto");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { Client } = require("@microsoft/microsoft-graph-client");
const { AuthorizationManagementClient } = require("@azure/arm-authorization");

const CLOCK_START = "2026-01-05T09:00:00Z";
const START_TIMEOUT_MS = 30_000;

// Demo tenant ids (include/pim/server/demo_directory.h).
const ids = Object.freeze({
  ada: "d0000000-0000-4000-8000-00000000000a",
  ben: "d0000000-0000-4000-8000-00000000000b",
  cara: "d0000000-0000-4000-8000-00000000000c",
  dan: "d0000000-0000-4000-8000-00000000000d",
  eve: "d0000000-0000-4000-8000-00000000000e",
  prodOperators: "d0000000-0000-4000-8000-0000000000a1",
  pimApprovers: "d0000000-0000-4000-8000-0000000000a2",
  subscription: "0d0d0d0d-0000-4000-8000-00000000d001",
  resourceGroup: "web-rg",
});

// Built-in role ids.
const roles = Object.freeze({
  globalAdministrator: "62e90394-69f5-4237-9190-012177145e10",
  userAdministrator: "fe930be7-5e62-47db-91af-98c3a49a38b1",
  securityAdministrator: "194ae4cb-b126-40b2-bd5b-6091b380977d",
  securityReader: "5d6b6bb7-de71-4623-b4af-96380a352509",
  helpdeskAdministrator: "729827e3-9c14-49f7-bb1b-9608f156bbb8",
  contributor: "b24988ac-6180-42a0-ab88-20f7382dd24c",
  owner: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
});

// RFC 4648 base32 (the TOTP secret pimd hands out).
function base32Decode(text) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = 0;
  let value = 0;
  const out = [];
  for (const c of text.replace(/=+$/, "").toUpperCase()) {
    const v = alphabet.indexOf(c);
    if (v < 0) throw new Error(`not base32: ${c}`);
    value = (value << 5) | v;
    bits += 5;
    if (bits >= 8) { out.push((value >>> (bits - 8)) & 0xff); bits -= 8; }
  }
  return Buffer.from(out);
}

// RFC 6238 TOTP (HMAC-SHA1, 6 digits) for time step `step`.
function totpCode(key, step) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = crypto.createHmac("sha1", key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const n = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(n).padStart(6, "0");
}

function requireEnv(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set; run the suite through tests/e2e/run`);
  return value;
}

// Starts pimd and resolves once it listens. Call stop() when done (after()). `port` 0 picks a
// free one; `extraArgs` are appended to pimd's command line (e.g. ["--trusted-issuers", file]).
// `dataDir` reuses the data directory of an earlier pimd stopped with stop({ keepData: true }).
async function startPimd({ clockStart = CLOCK_START, port: listenPort = 0, extraArgs = [], dataDir: reuse } = {}) {
  const binary = requireEnv("PIMD");
  const tlsDir = requireEnv("PIM_TLS_DIR");
  const dataDir = reuse ?? fs.mkdtempSync(path.join(os.tmpdir(), "pim-e2e-"));
  const args = [
    "--demo", "--test-clock", "--test-clock-start", clockStart, "--port", String(listenPort),
    "--data-dir", dataDir,
    "--tls-cert", path.join(tlsDir, "server.pem"), "--tls-key", path.join(tlsDir, "server.key"),
    ...extraArgs,
  ];
  const child = spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8");
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (d) => { stderr += d; });
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));

  const listening = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`pimd did not start within ${START_TIMEOUT_MS} ms\n${stderr}`)), START_TIMEOUT_MS);
    child.stdout.on("data", (d) => {
      stdout += d;
      const m = /pimd: listening on https:\/\/localhost:(\d+)/.exec(stdout);
      if (m) { clearTimeout(timer); resolve(Number(m[1])); }
    });
    child.once("error", (e) => { clearTimeout(timer); reject(e); });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`pimd exited (code ${code}, signal ${signal}) before listening\n${stdout}\n${stderr}`));
    });
  });

  let port;
  try {
    port = await listening;
  } catch (e) {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) child.kill("SIGKILL");
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }

  const base = `https://localhost:${port}`;
  const logins = JSON.parse(fs.readFileSync(path.join(dataDir, "demo-logins.json"), "utf8")).users;
  const login = (name) => {
    const l = logins.find((x) => x.name === name);
    if (!l) throw new Error(`demo-logins.json has no user ${name}`);
    return l;
  };

  // Tokens come from pimd's token endpoint like any client's: the password grant, plus a TOTP
  // code for the MFA tokens. The server's clock is the test clock, so tokens are cached only
  // until the clock moves (advanceClock empties the cache). `tokens.x` names an identity:
  // every demo user signs in with MFA (enrolling TOTP on first use) except "benNoMfa", Ben with
  // his password alone — which only works before Ben's first MFA sign-in.
  const tokens = { ada: "ada", ben: "ben", cara: "cara", dan: "dan", eve: "eve", benNoMfa: "benNoMfa" };
  let serverNow = new Date(clockStart);
  const cache = new Map();
  const totp = new Map(); // user -> { key: Buffer, lastStep }

  async function form(urlPath, fields) {
    const res = await fetch(base + urlPath, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(fields).toString(),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }
  async function account(urlPath, body) {
    const res = await fetch(base + urlPath, {
      method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`POST ${urlPath} -> ${res.status}: ${text}`);
    return text ? JSON.parse(text) : undefined;
  }
  const stepOf = (date) => Math.floor(date.getTime() / 30_000);
  async function enrolTotp(name) {
    const l = login(name);
    const { secret } = await account("/pim/v1/account/totp", { userName: l.userName, password: l.password });
    const key = base32Decode(secret);
    // Confirmed with the previous step's code (one step of skew is allowed), so that the
    // current and the next step each still work once at a frozen test clock.
    const step = stepOf(serverNow) - 1;
    await account("/pim/v1/account/totp/confirm", { userName: l.userName, password: l.password, code: totpCode(key, step) });
    const state = { key, lastStep: step };
    totp.set(name, state);
    return state;
  }
  async function bearer(identity) {
    if (cache.has(identity)) return cache.get(identity);
    const name = identity === "benNoMfa" ? "ben" : identity;
    const l = login(name);
    const fields = { grant_type: "password", client_id: "pimctl", username: l.userName, password: l.password };
    if (identity === "benNoMfa") {
      if (totp.has("ben")) throw new Error("benNoMfa must be used before Ben's first MFA sign-in");
    } else {
      const state = totp.get(name) ?? (await enrolTotp(name));
      const step = Math.max(stepOf(serverNow), state.lastStep + 1);
      if (step > stepOf(serverNow) + 1) throw new Error(`no unused TOTP step left for ${name}; advance the clock`);
      fields.otp = totpCode(state.key, step);
      state.lastStep = step;
    }
    const r = await form("/oauth2/token", fields);
    if (r.status !== 200) throw new Error(`token for ${identity} -> ${r.status}: ${JSON.stringify(r.body)}`);
    cache.set(identity, r.body.access_token);
    return r.body.access_token;
  }

  // Raw JSON call to pimd's own API (check, test clock). Throws on a non-2xx answer.
  async function pimJson(method, urlPath, body, identity = tokens.ada) {
    const res = await fetch(base + urlPath, {
      method,
      headers: { authorization: `Bearer ${await bearer(identity)}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${urlPath} -> ${res.status}: ${text}`);
    return text ? JSON.parse(text) : undefined;
  }

  const pimd = {
    port, base, dataDir, tokens, ids, roles, bearer,
    // The TOTP code of base32 `secret` at the server's current time.
    totpCodeNow(secret) { return totpCode(base32Decode(secret), stepOf(serverNow)); },
    // `identity` is one of `tokens`; the client asks for a current token on every request.
    graphClient(identity) {
      return Client.init({
        baseUrl: `${base}/`,
        defaultVersion: "v1.0",
        customHosts: new Set(["localhost"]),
        authProvider: (done) => { bearer(identity).then((t) => done(null, t), (e) => done(e, null)); },
      });
    },
    armClient(identity, subscriptionId = ids.subscription) {
      const credential = {
        // Already "expiring", so the pipeline asks again on every request (the clock may jump).
        getToken: async () => ({ token: await bearer(identity), expiresOnTimestamp: Date.now() }),
      };
      return new AuthorizationManagementClient(credential, subscriptionId, {
        endpoint: base,
        credentialScopes: ["https://management.azure.com/.default"],
      });
    },
    // Moves the test clock forward by an ISO 8601 duration; resolves to the new now (Date).
    async advanceClock(duration) {
      const r = await pimJson("POST", "/pim/v1/test/clock", { advance: duration });
      serverNow = new Date(r.now);
      cache.clear(); // tokens live by the server's clock
      return serverNow;
    },
    async now() {
      return new Date((await pimJson("GET", "/pim/v1/test/clock")).now);
    },
    // POST /pim/v1/check with one item; resolves to its result {allowed, grantedBy, viaGroupId, until}.
    async check(item, identity = tokens.ada) {
      const r = await pimJson("POST", "/pim/v1/check", { checks: [item] }, identity);
      return r.results[0];
    },
    pimJson,
    stderr: () => stderr,
    // What pimd wrote so far (its JSON log lines and messages).
    output() { return stdout + stderr; },
    async stop({ keepData = false } = {}) {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      const kill = setTimeout(() => child.kill("SIGKILL"), 10_000);
      const { code, signal } = await exited;
      clearTimeout(kill);
      if (!keepData) fs.rmSync(dataDir, { recursive: true, force: true });
      if (/(Address|Leak|Thread|UndefinedBehavior)Sanitizer/.test(stderr)) {
        throw new Error(`pimd reported a sanitizer error:\n${stderr.slice(-8000)}`);
      }
      if (code !== 0) throw new Error(`pimd exited with code ${code} (signal ${signal})\n${stderr.slice(-4000)}`);
    },
  };
  return pimd;
}

module.exports = { startPimd, ids, roles, CLOCK_START };
