// Identity over real HTTPS: OpenID discovery, the authorization-code flow with PKCE through the
// sign-in page, the break-glass account's first sign-in, and refusals of forged tokens.
"use strict";

const { test } = require("node:test");
const assert = require("node:assert/strict");
const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");
const { freshPimd } = require("./helpers");

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
