// Receivers for the notification tests and benchmark: a real SMTP server (Debian's aiosmtpd,
// smtp_sink.py) and an HTTP receiver that checks each webhook call's signature and freshness.
"use strict";

const { spawn } = require("node:child_process");
const crypto = require("node:crypto");
const fs = require("node:fs");
const http = require("node:http");
const net = require("node:net");
const path = require("node:path");

const SECRET = "e2e-webhook-secret-0123456789";

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

async function waitFor(what, predicate, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await predicate();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// aiosmtpd writing one JSON line per message to `out`.
// `secure` = {cert, key, user, password}: STARTTLS and AUTH required.
async function startSmtp(port, out, secure) {
  const args = [path.join(__dirname, "smtp_sink.py"), String(port), out];
  if (secure) args.push(secure.cert, secure.key, secure.user, secure.password);
  const child = spawn("/usr/bin/python3", args,
    { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => { stderr += d; });
  await new Promise((resolve, reject) => {
    child.stdout.on("data", (d) => { if (String(d).includes("ready")) resolve(); });
    child.once("exit", (code) => reject(new Error(`smtp sink exited ${code}: ${stderr}`)));
  });
  return {
    async stop() {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

function mails(out) {
  if (!fs.existsSync(out)) return [];
  return fs.readFileSync(out, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
}

// An HTTP receiver that checks every call's signature and freshness like a careful client would.
async function startReceiver() {
  const calls = [];
  let refuse = () => false;
  const server = http.createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (d) => { body += d; });
    req.on("end", () => {
      const ts = req.headers["x-pim-timestamp"];
      const expected = "v1=" + crypto.createHmac("sha256", SECRET).update(`${ts}.${body}`).digest("hex");
      const signed = req.headers["x-pim-signature"] === expected;
      const fresh = Math.abs(Date.now() / 1000 - Number(ts)) < 300;
      const event = JSON.parse(body);
      if (!signed || !fresh) { res.writeHead(401).end(); calls.push({ event, rejected: "signature" }); return; }
      if (refuse(event)) { res.writeHead(410).end(); calls.push({ event, rejected: "refused" }); return; }
      calls.push({ event, id: req.headers["x-pim-event-id"], at: Date.now() });
      res.writeHead(204).end();
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${server.address().port}/hook`,
    calls,
    delivered: () => calls.filter((c) => !c.rejected),
    setRefuse(f) { refuse = f; },
    close: () => new Promise((r) => server.close(r)),
  };
}

module.exports = { SECRET, freePort, waitFor, startSmtp, mails, startReceiver };
