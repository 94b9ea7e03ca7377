// Identity over real HTTPS: OpenID discovery, the authorization-code flow with PKCE through the
// sign-in page, the break-glass account's first sign-in, refusals of forged tokens, and a service
// principal signing in with a certificate.
"use strict";

const { test } = require("node:test");
const assert = require("node:assert/strict");
const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");
const os = require("node:os");
const { execFileSync } = require("node:child_process");
const { freshPimd } = require("./helpers");
const { startPimd } = require("./pimd");

const b64url = (buf) => buf.toString("base64url");

async function postForm(p, urlPath, fields, redirect = "follow") {
  return fetch(p.base + urlPath, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString(),
    redirect,
  });
}

test("20. Discovery, JWKS, and the authorization-code flow with PKCE", async (t) => {
  const p = await freshPimd(t);
  const discovery = await (await fetch(`${p.base}/.well-known/openid-configuration`)).json();
  assert.deepEqual(discovery.code_challenge_methods_supported, ["S256"]);
  const jwks = await (await fetch(discovery.jwks_uri.replace(/^https:\/\/[^/]+/, p.base))).json();
  assert.equal(jwks.keys[0].kty, "OKP");
  assert.equal(jwks.keys[0].d, undefined);

  const verifier = b64url(crypto.randomBytes(32));
  const challenge = b64url(crypto.createHash("sha256").update(verifier).digest());
  const redirectUri = "http://127.0.0.1:53682/callback";
  const params = {
    response_type: "code", client_id: "pimctl", redirect_uri: redirectUri,
    code_challenge: challenge, code_challenge_method: "S256", scope: "openid offline_access", state: "s1",
  };
  const page = await fetch(`${p.base}/oauth2/authorize?${new URLSearchParams(params)}`);
  assert.equal(page.status, 200);
  assert.match(page.headers.get("content-security-policy"), /frame-ancestors 'none'/);
  assert.match(await page.text(), /name="password"/);

  const logins = JSON.parse(fs.readFileSync(path.join(p.dataDir, "demo-logins.json"), "utf8")).users;
  const ben = logins.find((u) => u.name === "ben");
  const signedIn = await postForm(p, "/oauth2/authorize",
    { ...params, step: "credentials", username: ben.userName, password: ben.password }, "manual");
  assert.equal(signedIn.status, 302);
  const location = new URL(signedIn.headers.get("location"));
  assert.equal(`${location.origin}${location.pathname}`, redirectUri);
  assert.equal(location.searchParams.get("state"), "s1");

  const tokens = await postForm(p, "/oauth2/token", {
    grant_type: "authorization_code", client_id: "pimctl", code: location.searchParams.get("code"),
    redirect_uri: redirectUri, code_verifier: verifier,
  });
  assert.equal(tokens.status, 200);
  const body = await tokens.json();
  assert.ok(body.id_token && body.refresh_token);
  const me = await fetch(`${p.base}/v1.0/me`, { headers: { authorization: `Bearer ${body.access_token}` } });
  assert.equal(me.status, 200);
  assert.equal((await me.json()).id, p.ids.ben);

  // The refresh token rotates; the spent one revokes the session when replayed.
  const rotated = await (await postForm(p, "/oauth2/token",
    { grant_type: "refresh_token", client_id: "pimctl", refresh_token: body.refresh_token })).json();
  assert.ok(rotated.refresh_token && rotated.refresh_token !== body.refresh_token);
  const replay = await postForm(p, "/oauth2/token",
    { grant_type: "refresh_token", client_id: "pimctl", refresh_token: body.refresh_token });
  assert.equal(replay.status, 400);
  const afterReplay = await postForm(p, "/oauth2/token",
    { grant_type: "refresh_token", client_id: "pimctl", refresh_token: rotated.refresh_token });
  assert.equal(afterReplay.status, 400);
});

test("21. The break-glass account must change its password and enrol TOTP first", async (t) => {
  const p = await freshPimd(t);
  const file = path.join(p.dataDir, "break-glass.txt");
  assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  const text = fs.readFileSync(file, "utf8");
  const userName = /user name: (\S+)/.exec(text)[1];
  const password = /password:\s+(\S+)/.exec(text)[1];

  const grant = (pw, otp) => postForm(p, "/oauth2/token",
    { grant_type: "password", client_id: "pimctl", username: userName, password: pw, ...(otp ? { otp } : {}) });
  assert.equal((await (await grant(password)).json()).suberror, "PasswordChangeRequired");

  const newPassword = `${b64url(crypto.randomBytes(12))} window`;
  const json = (urlPath, body) => fetch(p.base + urlPath, {
    method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body),
  });
  assert.equal((await json("/pim/v1/account/password",
    { userName, currentPassword: password, newPassword })).status, 204);
  assert.equal((await (await grant(newPassword)).json()).suberror, "TotpEnrolmentRequired");
  const { secret } = await (await json("/pim/v1/account/totp", { userName, password: newPassword })).json();
  const code = p.totpCodeNow(secret);
  const confirmed = await json("/pim/v1/account/totp/confirm", { userName, password: newPassword, code });
  assert.equal(confirmed.status, 200);
  assert.equal((await confirmed.json()).recoveryCodes.length, 10);

  // Now a token: with MFA, and the account is a Global Administrator.
  await p.advanceClock("PT1M");
  const ok = await grant(newPassword, p.totpCodeNow(secret));
  assert.equal(ok.status, 200);
  const token = (await ok.json()).access_token;
  const claims = JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString());
  assert.deepEqual(claims.amr, ["pwd", "mfa", "otp"]);
  const check = await fetch(`${p.base}/pim/v1/check`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ checks: [{ principalId: claims.oid, roleDefinitionId: p.roles.globalAdministrator, directoryScopeId: "/" }] }),
  });
  assert.equal(check.status, 200);
  assert.equal((await check.json()).results[0].allowed, true);
});

test("22. Forged and unsigned tokens are refused over HTTPS", async (t) => {
  const p = await freshPimd(t);
  const real = await p.bearer(p.tokens.benNoMfa);
  const [header, payload] = real.split(".");
  const claims = JSON.parse(Buffer.from(payload, "base64url").toString());
  const forgedPayload = b64url(Buffer.from(JSON.stringify({ ...claims, oid: p.ids.ada, sub: p.ids.ada })));
  const none = `${b64url(Buffer.from('{"alg":"none","typ":"JWT"}'))}.${forgedPayload}.`;
  for (const token of [`${header}.${forgedPayload}.${real.split(".")[2]}`, none, "garbage"]) {
    const r = await fetch(`${p.base}/v1.0/me`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(r.status, 401, token.slice(0, 40));
    assert.equal((await r.json()).error.code, "InvalidAuthenticationToken");
  }
});

test("23. A service principal signs in with a certificate-signed client assertion", async (t) => {
  const p = await freshPimd(t);
  const ada = { authorization: `Bearer ${await p.bearer(p.tokens.ada)}`, "content-type": "application/json" };
  const created = await fetch(`${p.base}/v1.0/servicePrincipals`, {
    method: "POST", headers: ada, body: JSON.stringify({ displayName: "e2e-cert-bot", accountEnabled: true }),
  });
  assert.equal(created.status, 201, await created.clone().text());
  const spId = (await created.json()).id;

  // A self-signed certificate from the openssl command line; its key stays in a temp directory.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pim-e2e-cert-"));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=e2e-cert-bot",
    "-days", "30", "-keyout", path.join(dir, "key.pem"), "-out", path.join(dir, "cert.pem")], { stdio: "ignore" });
  const cert = new crypto.X509Certificate(fs.readFileSync(path.join(dir, "cert.pem")));
  const privateKey = crypto.createPrivateKey(fs.readFileSync(path.join(dir, "key.pem")));

  const keys = `${p.base}/pim/v1/servicePrincipals/${spId}/keys`;
  const added = await fetch(keys, {
    method: "POST", headers: ada,
    body: JSON.stringify({ type: "AsymmetricX509Cert", usage: "Verify", key: cert.raw.toString("base64"), displayName: "e2e" }),
  });
  assert.equal(added.status, 201, await added.clone().text());
  const credential = await added.json();
  assert.equal(credential.customKeyIdentifier, cert.fingerprint.replaceAll(":", ""));
  assert.equal(new Date(credential.endDateTime).getTime(), new Date(cert.validTo).getTime());
  const listed = await (await fetch(keys, { headers: ada })).json();
  assert.deepEqual(listed.value.map((k) => k.keyId), [credential.keyId]);

  // The client assertion as MSAL builds it: RS256, x5t = base64url SHA-1 of the DER.
  const issuer = (await (await fetch(`${p.base}/.well-known/openid-configuration`)).json()).issuer;
  let jti = 0;
  const token = async () => {
    const now = Math.floor((await p.now()).getTime() / 1000);
    const header = { alg: "RS256", typ: "JWT", x5t: b64url(crypto.createHash("sha1").update(cert.raw).digest()) };
    const claims = { iss: spId, sub: spId, aud: `${issuer}/oauth2/token`, iat: now, exp: now + 300, jti: `e2e-${++jti}` };
    const input = `${b64url(Buffer.from(JSON.stringify(header)))}.${b64url(Buffer.from(JSON.stringify(claims)))}`;
    const signature = b64url(crypto.sign("sha256", Buffer.from(input), privateKey));
    const r = await postForm(p, "/oauth2/token", {
      grant_type: "client_credentials", client_id: spId, scope: "api://pim/.default",
      client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
      client_assertion: `${input}.${signature}`,
    });
    return { status: r.status, body: await r.json() };
  };

  // The server runs on its test clock; the certificate is valid from the real now.
  let serverNow = await p.now();
  if (serverNow < new Date(cert.validFrom)) {
    const early = await token();
    assert.equal(early.status, 401);
    assert.equal(early.body.error, "invalid_client");
    assert.match(early.body.error_description, /not valid before/);
    const days = Math.ceil((new Date(cert.validFrom) - serverNow) / 86_400_000) + 1;
    serverNow = await p.advanceClock(`P${days}D`);
  }
  const ok = await token();
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  const claims = JSON.parse(Buffer.from(ok.body.access_token.split(".")[1], "base64url").toString());
  assert.equal(claims.oid, spId);
  assert.equal(claims.idtyp, "app");

  // Once the certificate has expired, the answer says so.
  const days = Math.ceil((new Date(cert.validTo) - serverNow) / 86_400_000) + 1;
  await p.advanceClock(`P${days}D`);
  const expired = await token();
  assert.equal(expired.status, 401);
  assert.equal(expired.body.error, "invalid_client");
  assert.match(expired.body.error_description, /expired/);
});

test("24. Credentials are sealed at rest, and only their own key opens them", async (t) => {
  const p = await startPimd();
  await p.bearer(p.tokens.ada); // a password and a TOTP code (TOTP enrolled on first use)
  await p.stop({ keepData: true });
  let q;
  t.after(async () => {
    if (q) await q.stop();
    fs.rmSync(p.dataDir, { recursive: true, force: true });
  });

  // The database files hold sealed values, and no password hash or TOTP key in the clear.
  const bytes = ["credentials.db", "credentials.db-wal"]
    .map((f) => path.join(p.dataDir, f))
    .filter((f) => fs.existsSync(f))
    .map((f) => fs.readFileSync(f).toString("latin1"))
    .join("");
  assert.ok(bytes.includes("pimbox1."));
  assert.ok(!bytes.includes("$argon2id$"));
  assert.ok(!/"key":"[A-Z2-7]{16,}"/.test(bytes));
  assert.equal(fs.statSync(path.join(p.dataDir, "secrets.key")).mode & 0o777, 0o600);
  for (const ring of ["keys", "audit-keys"]) {
    const files = fs.readdirSync(path.join(p.dataDir, ring)).filter((f) => f.endsWith(".pem"));
    assert.ok(files.length > 0, ring);
    for (const f of files) {
      const text = fs.readFileSync(path.join(p.dataDir, ring, f), "utf8");
      assert.ok(text.startsWith("pimbox1.") && !text.includes("PRIVATE KEY"), `${ring}/${f}`);
    }
  }

  // Without its key, or with another, pimd refuses to start rather than lock everyone out.
  const copy = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pim-e2e-"));
    fs.cpSync(p.dataDir, dir, { recursive: true });
    return dir;
  };
  const missing = path.join(os.tmpdir(), `pim-e2e-missing-${process.pid}.key`);
  await assert.rejects(startPimd({ dataDir: copy(), extraArgs: ["--secrets-key-file", missing] }),
    /secrets key: no secrets key at .*sealed with one/);
  assert.ok(!fs.existsSync(missing));
  const other = path.join(os.tmpdir(), `pim-e2e-other-${process.pid}.key`);
  fs.writeFileSync(other, `${b64url(crypto.randomBytes(32))}\n`, { mode: 0o600 });
  t.after(() => fs.rmSync(other, { force: true }));
  await assert.rejects(startPimd({ dataDir: copy(), extraArgs: ["--secrets-key-file", other] }),
    /not the one the credentials database was sealed with/);

  // With its own key, the sealed password hashes open: Ben signs in with his password.
  q = await startPimd({ dataDir: p.dataDir });
  assert.ok(await q.bearer(q.tokens.benNoMfa));
  await q.stop({ keepData: true });
  q = undefined;

  // Changing the key: started with the old one as the previous key, pimd makes a new one and
  // seals everything again; from then on only the new key opens the data directory.
  const keyFile = path.join(p.dataDir, "secrets.key");
  const oldKey = path.join(p.dataDir, "secrets.key.old");
  fs.renameSync(keyFile, oldKey);
  const ringFile = () => fs.readdirSync(path.join(p.dataDir, "keys")).filter((f) => f.endsWith(".pem"))
    .map((f) => fs.readFileSync(path.join(p.dataDir, "keys", f), "utf8")).join();
  const sealedBefore = ringFile();
  q = await startPimd({ dataDir: p.dataDir, extraArgs: ["--previous-secrets-key-file", oldKey] });
  await q.stop({ keepData: true });
  q = undefined;
  assert.notEqual(fs.readFileSync(keyFile, "utf8"), fs.readFileSync(oldKey, "utf8"));
  assert.notEqual(ringFile(), sealedBefore);
  await assert.rejects(startPimd({ dataDir: copy(), extraArgs: ["--secrets-key-file", oldKey] }),
    /not the one the credentials database was sealed with/);
  q = await startPimd({ dataDir: p.dataDir });
  assert.ok(await q.bearer(q.tokens.benNoMfa));
});
