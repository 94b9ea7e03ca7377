// Graph v1.0 PIM for directory roles through @microsoft/microsoft-graph-client (flows 1-4, 8,
// 9, 11). Each test gets a fresh pimd (demo tenant, test clock at 2026-01-05T09:00Z).
"use strict";

const { test } = require("node:test");
const assert = require("node:assert/strict");
const { PageIterator } = require("@microsoft/microsoft-graph-client");
const { ids, roles } = require("./pimd");
const { freshPimd, rejectsGraph, addMs, HOUR, MINUTE, DAY } = require("./helpers");

const DIR = "/roleManagement/directory";
const UA = roles.userAdministrator;

function activation(now, extra = {}) {
  return {
    action: "selfActivate",
    principalId: ids.ben,
    roleDefinitionId: UA,
    directoryScopeId: "/",
    justification: "Reset a locked-out account (INC-1)",
    scheduleInfo: {
      startDateTime: new Date(now).toISOString(),
      expiration: { type: "afterDuration", duration: "PT2H" },
    },
    ...extra,
  };
}

const benUa = { principalId: ids.ben, roleDefinitionId: UA, directoryScopeId: "/" };

async function activeInstances(graph, roleDefinitionId = UA) {
  const r = await graph.api(`${DIR}/roleAssignmentScheduleInstances/filterByCurrentUser(on='principal')`).get();
  assert.ok(Array.isArray(r.value));
  return r.value.filter((i) => i.roleDefinitionId === roleDefinitionId);
}

test("1. Ben lists his eligible directory roles (instances and schedules)", async (t) => {
  const p = await freshPimd(t);
  const graph = p.graphClient(p.tokens.ben);

  const instances = await graph.api(`${DIR}/roleEligibilityScheduleInstances/filterByCurrentUser(on='principal')`).get();
  assert.match(instances["@odata.context"], /\/v1\.0\/\$metadata#roleManagement\/directory\/roleEligibilityScheduleInstances$/);
  assert.deepEqual(instances.value.map((i) => i.roleDefinitionId), [UA]);
  const inst = instances.value[0];
  assert.equal(inst.principalId, ids.ben);
  assert.equal(inst.directoryScopeId, "/");
  assert.equal(inst.memberType, "Direct");
  assert.equal(inst.endDateTime, null);
  assert.equal(typeof inst.roleEligibilityScheduleId, "string");

  const schedules = await graph.api(`${DIR}/roleEligibilitySchedules/filterByCurrentUser(on='principal')`).get();
  assert.deepEqual(schedules.value.map((s) => s.roleDefinitionId), [UA]);
  const s = schedules.value[0];
  assert.equal(s.id, inst.roleEligibilityScheduleId);
  assert.equal(s.status, "Provisioned");
  assert.equal(s.memberType, "Direct");
  assert.equal(s.scheduleInfo.expiration.type, "noExpiration");
});

test("2. Ben activates User Administrator for PT2H; access ends at the exact end", async (t) => {
  const p = await freshPimd(t);
  const graph = p.graphClient(p.tokens.ben);
  const now = await p.now();

  const req = await graph.api(`${DIR}/roleAssignmentScheduleRequests`).post(activation(now));
  assert.match(req["@odata.context"], /#roleManagement\/directory\/roleAssignmentScheduleRequests\/\$entity$/);
  assert.equal(req.status, "Provisioned");
  assert.equal(req.action, "selfActivate");
  assert.equal(req.principalId, ids.ben);
  assert.equal(req.roleDefinitionId, UA);
  assert.equal(req.directoryScopeId, "/");
  assert.equal(req.justification, "Reset a locked-out account (INC-1)");
  assert.equal(req.approvalId, null);
  assert.equal(req.createdBy.user.id, ids.ben);
  assert.equal(req.scheduleInfo.expiration.type, "afterDuration");
  assert.equal(req.scheduleInfo.expiration.duration, "PT2H");
  assert.equal(new Date(req.scheduleInfo.startDateTime).getTime(), now.getTime());
  assert.equal(typeof req.targetScheduleId, "string");

  const got = await graph.api(`${DIR}/roleAssignmentScheduleRequests/${req.id}`).get();
  assert.equal(got.id, req.id);
  assert.equal(got.status, "Provisioned");

  const active = await activeInstances(graph);
  assert.equal(active.length, 1);
  assert.equal(active[0].assignmentType, "Activated");
  assert.equal(active[0].memberType, "Direct");
  assert.equal(new Date(active[0].startDateTime).getTime(), now.getTime());
  assert.equal(new Date(active[0].endDateTime).getTime(), now.getTime() + 2 * HOUR);

  const allowed = await p.check(benUa);
  assert.equal(allowed.allowed, true);
  assert.equal(new Date(allowed.until).getTime(), now.getTime() + 2 * HOUR);

  await p.advanceClock("PT2H0M1S");
  const after = await p.check(benUa);
  assert.equal(after.allowed, false);
  assert.deepEqual(await activeInstances(graph), []);
});

test("3. Policy rules surface as RoleAssignmentRequestPolicyValidationFailed", async (t) => {
  const p = await freshPimd(t);
  const now = await p.now();

  const noMfa = p.graphClient(p.tokens.benNoMfa);
  await rejectsGraph(noMfa.api(`${DIR}/roleAssignmentScheduleRequests`).post(activation(now)),
    400, "RoleAssignmentRequestPolicyValidationFailed", /MfaRule/);

  const graph = p.graphClient(p.tokens.ben);
  const tooLong = activation(now, {
    scheduleInfo: { startDateTime: now.toISOString(), expiration: { type: "afterDuration", duration: "PT9H" } },
  });
  await rejectsGraph(graph.api(`${DIR}/roleAssignmentScheduleRequests`).post(tooLong),
    400, "RoleAssignmentRequestPolicyValidationFailed", /ExpirationRule/);

  const noJustification = activation(now);
  delete noJustification.justification;
  await rejectsGraph(graph.api(`${DIR}/roleAssignmentScheduleRequests`).post(noJustification),
    400, "RoleAssignmentRequestPolicyValidationFailed", /JustificationRule/);

  // Nothing was granted by the failed requests.
  assert.equal((await p.check(benUa)).allowed, false);
  assert.deepEqual(await activeInstances(graph), []);
});

test("4. A scheduled activation is Granted, then active at its start", async (t) => {
  const p = await freshPimd(t);
  const graph = p.graphClient(p.tokens.ben);
  const now = await p.now();
  const start = addMs(now, HOUR);

  const req = await graph.api(`${DIR}/roleAssignmentScheduleRequests`).post(activation(start));
  assert.equal(req.status, "Granted");
  assert.equal(new Date(req.scheduleInfo.startDateTime).getTime(), start.getTime());
  assert.equal((await p.check(benUa)).allowed, false);
  assert.deepEqual(await activeInstances(graph), []);
  // Schedules include the future one.
  const schedules = await graph.api(`${DIR}/roleAssignmentSchedules/filterByCurrentUser(on='principal')`).get();
  assert.equal(schedules.value.filter((s) => s.roleDefinitionId === UA).length, 1);

  await p.advanceClock("PT1H");
  const c = await p.check(benUa);
  assert.equal(c.allowed, true);
  assert.equal(new Date(c.until).getTime(), start.getTime() + 2 * HOUR);
  const active = await activeInstances(graph);
  assert.equal(active.length, 1);
  assert.equal(new Date(active[0].startDateTime).getTime(), start.getTime());
});

test("8. Deactivation: not within five minutes, then Revoked", async (t) => {
  const p = await freshPimd(t);
  const graph = p.graphClient(p.tokens.ben);
  const now = await p.now();
  await graph.api(`${DIR}/roleAssignmentScheduleRequests`).post(activation(now));

  const deactivate = { action: "selfDeactivate", principalId: ids.ben, roleDefinitionId: UA, directoryScopeId: "/" };
  await p.advanceClock("PT4M");
  await rejectsGraph(graph.api(`${DIR}/roleAssignmentScheduleRequests`).post(deactivate),
    400, "ActiveDurationTooShort");
  assert.equal((await p.check(benUa)).allowed, true);

  await p.advanceClock("PT1M");
  const req = await graph.api(`${DIR}/roleAssignmentScheduleRequests`).post(deactivate);
  assert.equal(req.status, "Revoked");
  assert.equal(req.action, "selfDeactivate");
  assert.equal((await p.check(benUa)).allowed, false);
  assert.deepEqual(await activeInstances(graph), []);

  // Nothing left to deactivate.
  await rejectsGraph(graph.api(`${DIR}/roleAssignmentScheduleRequests`).post(deactivate),
    400, "RoleAssignmentDoesNotExist");
});

// Approves the one pending step of a directory-role approval, as a beta client would.
async function approveDirectory(graph, approvalId, justification) {
  const approval = await graph.api(`${DIR}/roleAssignmentApprovals/${approvalId}`).version("beta").get();
  assert.equal(approval.id, approvalId);
  assert.ok(Array.isArray(approval.steps) && approval.steps.length >= 1, "approval has steps");
  const step = approval.steps.find((s) => s.status === "InProgress");
  assert.ok(step, "an InProgress step");
  assert.equal(step.assignedToMe, true);
  const r = await graph.api(`${DIR}/roleAssignmentApprovals/${approvalId}/steps/${step.id}`)
    .version("beta").patch({ reviewResult: "Approve", justification });
  assert.equal(r, undefined); // 204
}

test("9. Extend within 14 days of the end, renew after expiry (approved by Ada)", async (t) => {
  const p = await freshPimd(t);
  const ada = p.graphClient(p.tokens.ada);
  const ben = p.graphClient(p.tokens.ben);
  const now = await p.now();
  const end = addMs(now, 10 * DAY);

  const assigned = await ada.api(`${DIR}/roleAssignmentScheduleRequests`).post({
    action: "adminAssign", principalId: ids.ben, roleDefinitionId: UA, directoryScopeId: "/",
    justification: "Quarter-end user cleanup",
    scheduleInfo: { startDateTime: now.toISOString(), expiration: { type: "afterDateTime", endDateTime: end.toISOString() } },
  });
  assert.equal(assigned.status, "Provisioned");
  assert.equal(assigned.action, "adminAssign");
  let active = await activeInstances(ben);
  assert.equal(active.length, 1);
  assert.equal(active[0].assignmentType, "Assigned");
  assert.equal(new Date(active[0].endDateTime).getTime(), end.getTime());

  // selfExtend: the new end is 30 days from now; goes to Global/Privileged Role Administrators.
  const newEnd = addMs(now, 30 * DAY);
  const extend = await ben.api(`${DIR}/roleAssignmentScheduleRequests`).post({
    action: "selfExtend", principalId: ids.ben, roleDefinitionId: UA, directoryScopeId: "/",
    justification: "Cleanup takes longer",
    scheduleInfo: { startDateTime: now.toISOString(), expiration: { type: "afterDateTime", endDateTime: newEnd.toISOString() } },
  });
  assert.equal(extend.status, "PendingApproval");
  assert.equal(extend.action, "selfExtend");
  assert.equal(extend.approvalId, extend.id);

  const pending = await ada.api(`${DIR}/roleAssignmentScheduleRequests/filterByCurrentUser(on='approver')`)
    .filter("status eq 'PendingApproval'").get();
  assert.deepEqual(pending.value.map((r) => r.id), [extend.id]);

  await approveDirectory(ada, extend.approvalId, "OK");
  assert.equal((await ben.api(`${DIR}/roleAssignmentScheduleRequests/${extend.id}`).get()).status, "Provisioned");
  active = await activeInstances(ben);
  assert.equal(active.length, 1);
  assert.equal(new Date(active[0].endDateTime).getTime(), newEnd.getTime());

  // Let it expire, then renew within 30 days.
  await p.advanceClock("P31D");
  assert.equal((await p.check(benUa)).allowed, false);
  assert.deepEqual(await activeInstances(ben), []);
  const renewNow = await p.now();
  const renew = await ben.api(`${DIR}/roleAssignmentScheduleRequests`).post({
    action: "selfRenew", principalId: ids.ben, roleDefinitionId: UA, directoryScopeId: "/",
    justification: "Next quarter",
    scheduleInfo: { startDateTime: renewNow.toISOString(), expiration: { type: "afterDuration", duration: "P30D" } },
  });
  assert.equal(renew.status, "PendingApproval");
  assert.equal(renew.action, "selfRenew");
  await approveDirectory(ada, renew.approvalId, "OK");
  assert.equal((await ben.api(`${DIR}/roleAssignmentScheduleRequests/${renew.id}`).get()).status, "Provisioned");
  const c = await p.check(benUa);
  assert.equal(c.allowed, true);
  assert.equal(new Date(c.until).getTime(), renewNow.getTime() + 30 * DAY);
  active = await activeInstances(ben);
  assert.equal(active.length, 1);
  assert.equal(active[0].assignmentType, "Assigned");
});

test("9b. selfExtend earlier than 14 days before the end is refused", async (t) => {
  const p = await freshPimd(t);
  const ada = p.graphClient(p.tokens.ada);
  const ben = p.graphClient(p.tokens.ben);
  const now = await p.now();
  await ada.api(`${DIR}/roleAssignmentScheduleRequests`).post({
    action: "adminAssign", principalId: ids.ben, roleDefinitionId: UA, directoryScopeId: "/",
    justification: "Project",
    scheduleInfo: { startDateTime: now.toISOString(), expiration: { type: "afterDateTime", endDateTime: addMs(now, 20 * DAY).toISOString() } },
  });
  const e = await rejectsGraph(ben.api(`${DIR}/roleAssignmentScheduleRequests`).post({
    action: "selfExtend", principalId: ids.ben, roleDefinitionId: UA, directoryScopeId: "/",
    justification: "More time",
    scheduleInfo: { startDateTime: now.toISOString(), expiration: { type: "afterDuration", duration: "P30D" } },
  }), 400, "RoleAssignmentNotInExtensionWindow");
  assert.match(e.message, /14 days/);
});

test("11. Errors surface through the client as GraphError", async (t) => {
  const p = await freshPimd(t);
  const graph = p.graphClient(p.tokens.ben);

  const e = await rejectsGraph(graph.api(`${DIR}/noSuchThing`).get(), 400, "BadRequest",
    /Resource not found for the segment 'noSuchThing'/);
  assert.equal(typeof e.requestId, "string");
  assert.ok(e.requestId.length > 0, "innerError.request-id reaches GraphError.requestId");
  assert.ok(e.date instanceof Date && !Number.isNaN(e.date.getTime()), "innerError.date reaches GraphError.date");

  // The plain Groups list requires a groupId or principalId filter.
  await rejectsGraph(graph.api("/identityGovernance/privilegedAccess/group/assignmentScheduleRequests").get(), 400);
  await rejectsGraph(graph.api("/identityGovernance/privilegedAccess/group/eligibilitySchedules").get(), 400);
  const ok = await graph.api("/identityGovernance/privilegedAccess/group/eligibilitySchedules")
    .filter(`principalId eq '${ids.ben}'`).get();
  assert.deepEqual(ok.value, []);

  // No bearer token at all: 401.
  const res = await fetch(`${p.base}/v1.0${DIR}/roleEligibilitySchedules`);
  assert.equal(res.status, 401);
});

test("Demo: Eve's scheduled helpdesk shift (tomorrow 09:00-13:00 UTC) starts and ends on time", async (t) => {
  const p = await freshPimd(t);
  const eve = p.graphClient(p.tokens.eve);
  const eveHelpdesk = { principalId: ids.eve, roleDefinitionId: roles.helpdeskAdministrator, directoryScopeId: "/" };
  const schedules = await eve.api(`${DIR}/roleAssignmentSchedules/filterByCurrentUser(on='principal')`).get();
  assert.equal(schedules.value.length, 1);
  assert.equal(schedules.value[0].status, "Granted");
  assert.equal(schedules.value[0].assignmentType, "Activated");
  assert.equal(new Date(schedules.value[0].scheduleInfo.startDateTime).toISOString(), "2026-01-06T09:00:00.000Z");
  assert.equal((await p.check(eveHelpdesk)).allowed, false);

  await p.advanceClock("PT24H");
  const c = await p.check(eveHelpdesk);
  assert.equal(c.allowed, true);
  assert.equal(new Date(c.until).toISOString(), "2026-01-06T13:00:00.000Z");
  assert.equal((await activeInstances(eve, roles.helpdeskAdministrator)).length, 1);
  await p.advanceClock("PT4H");
  assert.equal((await p.check(eveHelpdesk)).allowed, false);
  assert.deepEqual(await activeInstances(eve, roles.helpdeskAdministrator), []);
});

test("Paging: the client's PageIterator follows absolute @odata.nextLink links", async (t) => {
  const p = await freshPimd(t);
  const ada = p.graphClient(p.tokens.ada);
  const all = await ada.api(`${DIR}/roleEligibilitySchedules`).get();
  assert.ok(all.value.length >= 4, "the demo tenant has several eligibilities");
  assert.equal(all["@odata.nextLink"], undefined);

  const first = await ada.api(`${DIR}/roleEligibilitySchedules`).top(1).get();
  assert.equal(first.value.length, 1);
  assert.ok(first["@odata.nextLink"].startsWith(`${p.base}/v1.0/`), first["@odata.nextLink"]);
  const seen = [];
  const iterator = new PageIterator(ada, first, (item) => { seen.push(item.id); return true; });
  await iterator.iterate();
  assert.deepEqual(seen.sort(), all.value.map((s) => s.id).sort());
});
