// Federation over real HTTPS: one pimd (A) trusts another (B) as an external identity provider
// whose keys it fetches from B's jwksUri, trusting B's CA through caFile. A accepts a token
// signed in at B for the user it maps to, refuses forged ones, picks up B's key rotation on the
// first token with the new key id (no sooner than 30 s after its last fetch, by A's test
// clock), and starts even while B is down, accepting B's tokens once the keys arrive.
"use strict";

const { test } = require("node:test");
const assert = require("node:assert/strict");
const crypto = require("node:crypto");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { startPimd, ids, CLOCK_START } = require("./pimd");

const B_ISSUER = "https://pim-b.example";

// Starts a pimd with `options` that is stopped when the test ends.
async function started(t, options) {
  const p = await startPimd(options);
  t.after(() => p.stop());
  return p;
}

// A trusted-issuers file naming B (at `port`), in a directory removed when the test ends.
function trustB(t, port) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pim-e2e-issuers-"));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, "issuers.json");
  fs.writeFileSync(file, JSON.stringify([{
    issuer: B_ISSUER,
    audience: "api://pim",
    jwksUri: `https://127.0.0.1:${port}/oauth2/keys`,
    caFile: path.join(process.env.PIM_TLS_DIR, "ca.pem"),
    claim: "preferred_username",
    match: "userPrincipalName",
  }]));
  return file;
}

async function me(p, token) {
  const r = await fetch(`${p.base}/v1.0/me`, { headers: { authorization: `Bearer ${token}` } });
  const body = await r.json();
  return { status: r.status, body };
}

const kidOf = (token) => JSON.parse(Buffer.from(token.split(".")[0], "base64url").toString()).kid;

// A token with B's claims signed by a key B never had, naming key `kid`.
function forge(claims, kid) {
  const { privateKey } = crypto.generateKeyPairSync("ed25519");
  const part = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const data = `${part({ alg: "EdDSA", typ: "JWT", kid })}.${part(claims)}`;
  return `${data}.${crypto.sign(null, Buffer.from(data), privateKey).toString("base64url")}`;
}

// Resolves once `p` has logged `event` `count` times (pimd logs one JSON object per line).
async function logged(p, event, count = 1) {
  const deadline = Date.now() + 15_000;
  const times = () => p.stderr().split("\n").filter((l) => l.includes(`"event":"${event}"`)).length;
  while (times() < count) {
    if (Date.now() > deadline) throw new Error(`pimd did not log ${event} x${count}:\n${p.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test("30. A pimd accepts another's tokens through its fetched JWKS, and follows its key rotation", async (t) => {
  const b = await started(t, { extraArgs: ["--issuer", B_ISSUER] });
  const a = await started(t, { extraArgs: ["--trusted-issuers", trustB(t, b.port)] });
  await logged(a, "jwks.fetched");  // at start-up, before A listened

  // Ben signs in at B; A maps the token to its own Ben by user principal name.
  const token = await b.bearer(b.tokens.ben);
  const claims = JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString());
  assert.equal(claims.iss, B_ISSUER);
  const accepted = await me(a, token);
  assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
  assert.equal(accepted.body.id, ids.ben);
  assert.equal(accepted.body.userPrincipalName, "ben@demo.pim");

  // Forgeries: B's claims under a key B does not have (named by B's key id or a new one), an
  // issuer A does not trust, B's real token with its claims changed.
  const untrusted = { ...claims, iss: "https://pim-c.example" };
  const [header, , signature] = token.split(".");
  const altered = `${header}.${Buffer.from(JSON.stringify({ ...claims, preferred_username: "ada@demo.pim" })).toString("base64url")}.${signature}`;
  for (const forged of [forge(claims, kidOf(token)), forge(claims, "made-up"), forge(untrusted, kidOf(token)), altered]) {
    const r = await me(a, forged);
    assert.equal(r.status, 401, forged.slice(0, 60));
    assert.equal(r.body.error.code, "InvalidAuthenticationToken");
  }

  // B rotates its signing key; Ben's next token names the new key.
  await b.pimJson("POST", "/pim/v1/signingKeys/rotate", undefined, b.tokens.ada);
  await b.advanceClock("PT1M"); // a fresh sign-in (the helper caches tokens until the clock moves)
  const rotated = await b.bearer(b.tokens.ben);
  assert.notEqual(kidOf(rotated), kidOf(token));
  // A fetched B's keys less than 30 s ago (by A's clock): no fetch yet, so the token is refused.
  assert.equal((await me(a, rotated)).status, 401);
  // A minute later (A's clock), the unknown key id makes A fetch B's keys once more.
  await a.advanceClock("PT1M");
  const afterRotation = await me(a, rotated);
  assert.equal(afterRotation.status, 200, JSON.stringify(afterRotation.body));
  assert.equal(afterRotation.body.id, ids.ben);
  await logged(a, "jwks.fetched", 2);
  assert.match(a.stderr(), /"event":"jwks.fetched"[^\n]*"reason":"unknownKey"/);
  // The token signed with B's previous key still verifies: B keeps it in its JWKS.
  assert.equal((await me(a, token)).status, 200);
});

test("31. A pimd starts while its identity provider is down and accepts its tokens once the keys arrive", async (t) => {
  // B's first incarnation picks a port and signs Ben in, then goes away.
  const b1 = await startPimd({ extraArgs: ["--issuer", B_ISSUER] });
  const port = b1.port;
  const oldToken = await b1.bearer(b1.tokens.ben);
  await b1.stop();

  const a = await started(t, { extraArgs: ["--trusted-issuers", trustB(t, port)] });
  await logged(a, "jwks.fetchFailed");
  assert.doesNotMatch(a.stderr(), /"event":"jwks.fetched"/);

  // B comes back on the same port and issuer, with new keys.
  const b2 = await started(t, { port, extraArgs: ["--issuer", B_ISSUER] });
  const token = await b2.bearer(b2.tokens.ben);
  // A's last attempt was less than 30 s ago by its clock: refused, no fetch.
  assert.equal((await me(a, token)).status, 401);
  // Time passes at A: its refresher retries (30 s after the failure) and gets B's keys.
  await a.advanceClock("PT1M");
  await logged(a, "jwks.fetched");
  const accepted = await me(a, token);
  assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
  assert.equal(accepted.body.id, ids.ben);
  // The first incarnation's token is signed by a key the new B never published.
  assert.equal((await me(a, oldToken)).status, 401);
  assert.ok(new Date(CLOCK_START) < (await a.now()));
});
