// Approvals, denials and cancellation through @microsoft/microsoft-graph-client (flows 5-7):
// directory roles (roleAssignmentApprovals, served on beta and v1.0) and PIM for Groups
// (assignmentApprovals with /stages/ and /steps/).
"use strict";

const { test } = require("node:test");
const assert = require("node:assert/strict");
const { ids, roles } = require("./pimd");
const { freshPimd, rejectsGraph } = require("./helpers");

const DIR = "/roleManagement/directory";
const GROUP = "/identityGovernance/privilegedAccess/group";
const SA = roles.securityAdministrator;
const danSa = { principalId: ids.dan, roleDefinitionId: SA, directoryScopeId: "/" };
const webRg = `/subscriptions/${ids.subscription}/resourceGroups/${ids.resourceGroup}`;

function danActivatesSa(now) {
  return {
    action: "selfActivate", principalId: ids.dan, roleDefinitionId: SA, directoryScopeId: "/",
    justification: "Investigate alert 4711",
    scheduleInfo: { startDateTime: now.toISOString(), expiration: { type: "afterDuration", duration: "PT1H" } },
  };
}

function danJoinsOperators(now, extra = {}) {
  return {
    accessId: "member", principalId: ids.dan, groupId: ids.prodOperators, action: "selfActivate",
    justification: "Deploy release 42",
    scheduleInfo: { startDateTime: now.toISOString(), expiration: { type: "afterDuration", duration: "PT2H" } },
    ...extra,
  };
}
const ticket = { ticketNumber: "CHG-1001", ticketSystem: "ServiceNow" };

for (const version of ["beta", "v1.0"]) {
  test(`5. Approval of a directory-role activation (roleAssignmentApprovals on ${version})`, async (t) => {
    const p = await freshPimd(t);
    const dan = p.graphClient(p.tokens.dan);
    const cara = p.graphClient(p.tokens.cara);
    const now = await p.now();

    const req = await dan.api(`${DIR}/roleAssignmentScheduleRequests`).post(danActivatesSa(now));
    assert.equal(req.status, "PendingApproval");
    assert.equal(req.approvalId, req.id);
    assert.equal((await p.check(danSa)).allowed, false);

    const pending = await cara.api(`${DIR}/roleAssignmentScheduleRequests/filterByCurrentUser(on='approver')`)
      .filter("status eq 'PendingApproval'").get();
    assert.deepEqual(pending.value.map((r) => r.id), [req.id]);
    assert.equal(pending.value[0].principalId, ids.dan);
    // Not an approver of anything: Ben sees nothing.
    const none = await p.graphClient(p.tokens.ben).api(`${DIR}/roleAssignmentScheduleRequests/filterByCurrentUser(on='approver')`)
      .filter("status eq 'PendingApproval'").get();
    assert.deepEqual(none.value, []);

    const approval = await cara.api(`${DIR}/roleAssignmentApprovals/${req.approvalId}`).version(version).get();
    assert.equal(approval.id, req.approvalId);
    assert.equal(approval.steps.length, 1);
    const step = approval.steps[0];
    assert.equal(step.status, "InProgress");
    assert.equal(step.reviewResult, "NotReviewed");
    assert.equal(step.assignedToMe, true);

    // The requester cannot approve his own request: he may not read the approval, and deciding
    // it is refused as "not an approver".
    await rejectsGraph(dan.api(`${DIR}/roleAssignmentApprovals/${req.approvalId}`).version(version).get(),
      404, "ApprovalNotFound");
    await rejectsGraph(dan.api(`${DIR}/roleAssignmentApprovals/${req.approvalId}/steps/${step.id}`)
      .version(version).patch({ reviewResult: "Approve", justification: "me" }), 403, "NotAnApprover");
    assert.equal((await p.check(danSa)).allowed, false);

    const r = await cara.api(`${DIR}/roleAssignmentApprovals/${req.approvalId}/steps/${step.id}`)
      .version(version).patch({ reviewResult: "Approve", justification: "Alert confirmed" });
    assert.equal(r, undefined);

    const done = await dan.api(`${DIR}/roleAssignmentScheduleRequests/${req.id}`).get();
    assert.equal(done.status, "Provisioned");
    assert.equal((await p.check(danSa)).allowed, true);
    const after = await cara.api(`${DIR}/roleAssignmentApprovals/${req.approvalId}`).version(version).get();
    assert.equal(after.steps[0].status, "Completed");
    assert.equal(after.steps[0].reviewedBy.id, ids.cara);
    // A decided step cannot be decided again.
    await rejectsGraph(cara.api(`${DIR}/roleAssignmentApprovals/${req.approvalId}/steps/${step.id}`)
      .version(version).patch({ reviewResult: "Deny", justification: "changed my mind" }), 409);
  });
}

test("6. PIM for Groups: ticket required, Deny via /stages/, Approve via /steps/, access via the group", async (t) => {
  const p = await freshPimd(t);
  const dan = p.graphClient(p.tokens.dan);
  const cara = p.graphClient(p.tokens.cara);
  const now = await p.now();

  await rejectsGraph(dan.api(`${GROUP}/assignmentScheduleRequests`).post(danJoinsOperators(now)),
    400, "RoleAssignmentRequestPolicyValidationFailed", /TicketingRule/);

  // First request: denied through /stages/ (v1.0 metadata).
  const first = await dan.api(`${GROUP}/assignmentScheduleRequests`).post(danJoinsOperators(now, { ticketInfo: ticket }));
  assert.match(first["@odata.context"], /#identityGovernance\/privilegedAccess\/group\/assignmentScheduleRequests\/\$entity$/);
  assert.equal(first.status, "PendingApproval");
  assert.equal(first.approvalId, first.id);
  assert.equal(first.accessId, "member");
  assert.equal(first.groupId, ids.prodOperators);
  assert.deepEqual(first.ticketInfo, ticket);

  const mine = await cara.api(`${GROUP}/assignmentScheduleRequests/filterByCurrentUser(on='approver')`)
    .filter("status eq 'PendingApproval'").get();
  assert.deepEqual(mine.value.map((r) => r.id), [first.id]);

  const approval = await cara.api(`${GROUP}/assignmentApprovals/${first.approvalId}`).get();
  assert.equal(approval.id, first.approvalId);
  assert.equal(approval.stages.length, 1);
  assert.equal(approval.stages[0].status, "InProgress");
  assert.equal(approval.stages[0].assignedToMe, true);
  const denied = await cara.api(`${GROUP}/assignmentApprovals/${first.approvalId}/stages/${approval.stages[0].id}`)
    .patch({ reviewResult: "Deny", justification: "No change window today" });
  assert.equal(denied, undefined);
  const firstAfter = await dan.api(`${GROUP}/assignmentScheduleRequests/${first.id}`).get();
  assert.equal(firstAfter.status, "Denied");
  assert.equal((await p.check({ principalId: ids.dan, groupId: ids.prodOperators, accessId: "member" })).allowed, false);

  // Second request: approved through /steps/ (what beta-era clients call).
  const second = await dan.api(`${GROUP}/assignmentScheduleRequests`).post(danJoinsOperators(now, { ticketInfo: ticket }));
  assert.equal(second.status, "PendingApproval");
  const approval2 = await cara.api(`${GROUP}/assignmentApprovals/${second.approvalId}`).get();
  const approved = await cara.api(`${GROUP}/assignmentApprovals/${second.approvalId}/steps/${approval2.stages[0].id}`)
    .patch({ reviewResult: "Approve", justification: "Release approved" });
  assert.equal(approved, undefined);
  assert.equal((await dan.api(`${GROUP}/assignmentScheduleRequests/${second.id}`).get()).status, "Provisioned");

  const instances = await dan.api(`${GROUP}/assignmentScheduleInstances/filterByCurrentUser(on='principal')`).get();
  assert.equal(instances.value.length, 1);
  assert.equal(instances.value[0].groupId, ids.prodOperators);
  assert.equal(instances.value[0].accessId, "member");
  assert.equal(instances.value[0].assignmentType, "Activated");

  const members = await dan.api(`/groups/${ids.prodOperators}/members`).get();
  assert.ok(members.value.some((m) => m.id === ids.dan), "Dan is listed in the group's members");

  const owner = await p.check({ principalId: ids.dan, roleDefinitionId: roles.owner, scope: webRg });
  assert.equal(owner.allowed, true);
  assert.equal(owner.viaGroupId, ids.prodOperators);

  // When the two-hour membership ends, Dan leaves the group and loses Owner on web-rg.
  await p.advanceClock("PT2H");
  const membersAfter = await dan.api(`/groups/${ids.prodOperators}/members`).get();
  assert.ok(!membersAfter.value.some((m) => m.id === ids.dan), "Dan is no longer a member");
  assert.equal((await p.check({ principalId: ids.dan, roleDefinitionId: roles.owner, scope: webRg })).allowed, false);
});

test("7. Cancel a pending request: 204 and Canceled; a second cancel is 400", async (t) => {
  const p = await freshPimd(t);
  const dan = p.graphClient(p.tokens.dan);
  const cara = p.graphClient(p.tokens.cara);
  const now = await p.now();

  const req = await dan.api(`${DIR}/roleAssignmentScheduleRequests`).post(danActivatesSa(now));
  assert.equal(req.status, "PendingApproval");
  // Only the requester may cancel.
  await rejectsGraph(cara.api(`${DIR}/roleAssignmentScheduleRequests/${req.id}/cancel`).post(), 403);

  const r = await dan.api(`${DIR}/roleAssignmentScheduleRequests/${req.id}/cancel`).post();
  assert.equal(r, undefined); // 204
  assert.equal((await dan.api(`${DIR}/roleAssignmentScheduleRequests/${req.id}`).get()).status, "Canceled");
  await rejectsGraph(dan.api(`${DIR}/roleAssignmentScheduleRequests/${req.id}/cancel`).post(), 400);

  const pending = await cara.api(`${DIR}/roleAssignmentScheduleRequests/filterByCurrentUser(on='approver')`)
    .filter("status eq 'PendingApproval'").get();
  assert.deepEqual(pending.value, []);

  // Same for a group request.
  const g = await dan.api(`${GROUP}/assignmentScheduleRequests`).post(danJoinsOperators(now, { ticketInfo: ticket }));
  assert.equal(g.status, "PendingApproval");
  assert.equal(await dan.api(`${GROUP}/assignmentScheduleRequests/${g.id}/cancel`).post(), undefined);
  assert.equal((await dan.api(`${GROUP}/assignmentScheduleRequests/${g.id}`).get()).status, "Canceled");
  await rejectsGraph(dan.api(`${GROUP}/assignmentScheduleRequests/${g.id}/cancel`).post(), 400);
});
