// Audit retention and pimd's own check of the audit chain across restarts (docs/audit.md).
"use strict";

const { test } = require("node:test");
const assert = require("node:assert/strict");
const { execFileSync } = require("node:child_process");
const path = require("node:path");
const { startPimd } = require("./pimd");

async function auditExport(p, query = "") {
  const res = await fetch(`${p.base}/pim/v1/audit/entries${query}`, {
    headers: { authorization: `Bearer ${await p.bearer(p.tokens.ada)}` },
  });
  assert.equal(res.status, 200);
  return (await res.text()).trim().split("\n").map((l) => JSON.parse(l));
}

async function metric(p, name) {
  const text = await (await fetch(`${p.base}/metrics`)).text();
  const m = new RegExp(`^${name} (-?\\d+)$`, "m").exec(text);
  assert.ok(m, `metric ${name} in\n${text}`);
  return Number(m[1]);
}

// Retention runs on pimd's own thread once the (test) clock moves; wait for its effect.
async function until(what, probe) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

function hasSqlite() {
  try {
    execFileSync("sqlite3", ["-version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

test("audit retention: old change records go, the export starts at the signed anchor, a watch from before resyncs", async (t) => {
  const p = await startPimd({ extraArgs: ["--audit-retention-days", "30"] });
  t.after(() => p.stop());
  const before = await auditExport(p);
  const seeded = before.filter((l) => l.type === "entry").length;
  assert.ok(seeded > 0, "the demo seed wrote change records");
  assert.equal(before[0].anchor, undefined);

  await p.advanceClock("P40D");
  const lines = await until("the retention anchor", async () => {
    const l = await auditExport(p);
    return l[0].anchor ? l : null;
  });
  const header = lines[0];
  assert.ok(header.anchor.seq >= seeded, JSON.stringify(header.anchor));
  assert.equal(header.retentionDays, 30);
  const first = lines[1];
  assert.equal(first.type, "checkpoint");
  assert.equal(first.seq, header.anchor.seq);
  assert.equal(first.hash, header.anchor.hash);
  for (const l of lines.filter((x) => x.type === "entry")) assert.ok(l.entry.seq > header.anchor.seq);

  // The watch feed cannot serve what was deleted.
  const res = await fetch(`${p.base}/pim/v1/watch?since=0`, {
    headers: { authorization: `Bearer ${await p.bearer(p.tokens.ada)}`, accept: "text/event-stream" },
  });
  assert.equal(res.status, 200);
  const text = await res.text(); // a resync ends the stream
  assert.match(text, /^event: resync\ndata: \{"revision":\d+\}/);
  assert.equal(await metric(p, "pim_audit_chain_intact"), 1);
});

test("audit chain: a change record edited while pimd was stopped is found at the next start", { skip: !hasSqlite() && "sqlite3 is not installed" }, async (t) => {
  const p = await startPimd();
  const seq = (await auditExport(p)).filter((l) => l.type === "entry")[2].entry.seq;
  await p.stop({ keepData: true });
  execFileSync("sqlite3", [path.join(p.dataDir, "pim.db"),
    `UPDATE changes SET body = replace(body, '"detail":"', '"detail":"edited ') WHERE revision = ${seq}`]);

  const q = await startPimd({ dataDir: p.dataDir });
  t.after(() => q.stop());
  await until("the mismatch in the log", () => /"audit\.chainMismatch"/.test(q.output()));
  assert.match(q.output(), /AUDIT CHAIN MISMATCH at seq \d+/);
  assert.equal(await metric(q, "pim_audit_chain_intact"), 0);
  assert.ok((await metric(q, "pim_audit_chain_mismatch_seq")) >= seq);
  // (Exports then carry "chainAltered" in their header: audit_keeper_test.cpp.)
});
