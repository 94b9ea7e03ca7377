// Small shared helpers for the e2e tests.
"use strict";

const assert = require("node:assert/strict");
const { startPimd } = require("./pimd");

// A fresh pimd for one test, stopped when the test ends.
async function freshPimd(t) {
  const p = await startPimd();
  t.after(() => p.stop());
  return p;
}

// Asserts that `promise` rejects with a Graph client GraphError of this status and code
// (and, optionally, a message matching `message`). Returns the error.
async function rejectsGraph(promise, statusCode, code, message) {
  let error;
  await assert.rejects(promise, (e) => { error = e; return true; });
  assert.equal(error.constructor.name, "GraphError", `expected a GraphError, got ${error}`);
  assert.equal(error.statusCode, statusCode, `status of ${error.code}: ${error.message}`);
  if (code !== undefined) assert.equal(error.code, code, `code (message: ${error.message})`);
  if (message !== undefined) assert.match(error.message, message);
  return error;
}

// Same for ARM: a RestError with statusCode and code.
async function rejectsArm(promise, statusCode, code, message) {
  let error;
  await assert.rejects(promise, (e) => { error = e; return true; });
  assert.equal(error.name, "RestError", `expected a RestError, got ${error}`);
  assert.equal(error.statusCode, statusCode, `status of ${error.code}: ${error.message}`);
  if (code !== undefined) assert.equal(error.code, code, `code (message: ${error.message})`);
  if (message !== undefined) assert.match(error.message, message);
  return error;
}

function addMs(date, ms) { return new Date(new Date(date).getTime() + ms); }
const HOUR = 3600e3;
const MINUTE = 60e3;
const DAY = 24 * HOUR;

// Collects an ARM PagedAsyncIterableIterator into an array.
async function collect(iterable) {
  const out = [];
  for await (const x of iterable) out.push(x);
  return out;
}

module.exports = { freshPimd, rejectsGraph, rejectsArm, addMs, collect, HOUR, MINUTE, DAY };
