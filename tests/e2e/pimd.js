// Starts a fresh pimd (demo tenant, test clock, its own data directory) for the e2e tests and
// hands out the official Graph and ARM clients pointed at it.
//
// Environment (set by ./run): PIMD = path of the pimd binary; PIM_TLS_DIR = directory holding
// server.pem / server.key signed by the CA that NODE_EXTRA_CA_CERTS names.
"use strict";

const { spawn } = require("node:child_process");
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

function requireEnv(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set; run the suite through tests/e2e/run`);
  return value;
}

// Starts pimd and resolves once it listens. Call stop() when done (after()).
async function startPimd({ clockStart = CLOCK_START } = {}) {
  const binary = requireEnv("PIMD");
  const tlsDir = requireEnv("PIM_TLS_DIR");
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "pim-e2e-"));
  const args = [
    "--demo", "--test-clock", "--test-clock-start", clockStart, "--port", "0",
    "--data-dir", dataDir,
    "--tls-cert", path.join(tlsDir, "server.pem"), "--tls-key", path.join(tlsDir, "server.key"),
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

  const file = JSON.parse(fs.readFileSync(path.join(dataDir, "tokens.json"), "utf8"));
  const find = (principalId, mfa) => {
    const t = file.tokens.find((x) => x.principalId === principalId && Boolean(x.mfa) === mfa);
    if (!t) throw new Error(`tokens.json has no token for ${principalId} (mfa ${mfa})`);
    return t.token;
  };
  const tokens = {
    ada: find(ids.ada, true), ben: find(ids.ben, true), cara: find(ids.cara, true),
    dan: find(ids.dan, true), eve: find(ids.eve, true), benNoMfa: find(ids.ben, false),
  };
  const base = `https://localhost:${port}`;

  // Raw JSON call to pimd's own API (check, test clock). Throws on a non-2xx answer.
  async function pimJson(method, urlPath, body, token = tokens.ada) {
    const res = await fetch(base + urlPath, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${urlPath} -> ${res.status}: ${text}`);
    return text ? JSON.parse(text) : undefined;
  }

  const pimd = {
    port, base, dataDir, tokens, ids, roles,
    graphClient(token) {
      return Client.init({
        baseUrl: `${base}/`,
        defaultVersion: "v1.0",
        customHosts: new Set(["localhost"]),
        authProvider: (done) => done(null, token),
      });
    },
    armClient(token, subscriptionId = ids.subscription) {
      const credential = {
        getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 3600e3 }),
      };
      return new AuthorizationManagementClient(credential, subscriptionId, {
        endpoint: base,
        credentialScopes: ["https://management.azure.com/.default"],
      });
    },
    // Moves the test clock forward by an ISO 8601 duration; resolves to the new now (Date).
    async advanceClock(duration) {
      const r = await pimJson("POST", "/pim/v1/test/clock", { advance: duration });
      return new Date(r.now);
    },
    async now() {
      return new Date((await pimJson("GET", "/pim/v1/test/clock")).now);
    },
    // POST /pim/v1/check with one item; resolves to its result {allowed, grantedBy, viaGroupId, until}.
    async check(item, token = tokens.ada) {
      const r = await pimJson("POST", "/pim/v1/check", { checks: [item] }, token);
      return r.results[0];
    },
    pimJson,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      const kill = setTimeout(() => child.kill("SIGKILL"), 10_000);
      const { code, signal } = await exited;
      clearTimeout(kill);
      fs.rmSync(dataDir, { recursive: true, force: true });
      if (/(Address|Leak|UndefinedBehavior)Sanitizer/.test(stderr)) {
        throw new Error(`pimd reported a sanitizer error:\n${stderr.slice(-8000)}`);
      }
      if (code !== 0) throw new Error(`pimd exited with code ${code} (signal ${signal})\n${stderr.slice(-4000)}`);
    },
  };
  return pimd;
}

module.exports = { startPimd, ids, roles, CLOCK_START };
