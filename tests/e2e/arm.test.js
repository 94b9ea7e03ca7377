// Azure Resource Manager PIM through @azure/arm-authorization 9.0.0 (flows 12, 13).
"use strict";

const { test } = require("node:test");
const assert = require("node:assert/strict");
const { randomUUID } = require("node:crypto");
const { ids, roles } = require("./pimd");
const { freshPimd, rejectsArm, collect, HOUR } = require("./helpers");

const SUB = ids.subscription;
const SCOPE = `subscriptions/${SUB}`;
const RG_SCOPE = `${SCOPE}/resourceGroups/${ids.resourceGroup}`;
const roleDef = (scope, role) => `/${scope}/providers/Microsoft.Authorization/roleDefinitions/${role}`;
const CONTRIBUTOR = roleDef(SCOPE, roles.contributor);
const benContributor = { principalId: ids.ben, roleDefinitionId: roles.contributor, scope: `/${SCOPE}` };

async function benEligibility(arm) {
  const eligible = await collect(arm.roleEligibilitySchedules.listForScope(SCOPE, { filter: "asTarget()" }));
  assert.equal(eligible.length, 1);
  return eligible[0];
}

function activation(eligibility, start, extra = {}) {
  return {
    principalId: ids.ben,
    roleDefinitionId: CONTRIBUTOR,
    requestType: "SelfActivate",
    linkedRoleEligibilityScheduleId: eligibility.id,
    scheduleInfo: { startDateTime: new Date(start), expiration: { type: "AfterDuration", duration: "PT1H" } },
    justification: "Deploy hotfix 7",
    ...extra,
  };
}

test("12. Ben activates Contributor on the subscription through ARM", async (t) => {
  const p = await freshPimd(t);
  const arm = p.armClient(p.tokens.ben);
  const now = await p.now();

  // Signed in with his password alone (before his first MFA sign-in), Ben may read his
  // eligibility but not activate it: the policy requires MFA.
  const noMfa = p.armClient(p.tokens.benNoMfa);
  const eligibility = await benEligibility(noMfa);
  await rejectsArm(noMfa.roleAssignmentScheduleRequests.create(SCOPE, randomUUID(), activation(eligibility, now)),
    400, "RoleAssignmentRequestPolicyValidationFailed", /MfaRule/);
  assert.equal(eligibility.roleDefinitionId, CONTRIBUTOR);
  assert.equal(eligibility.principalId, ids.ben);
  assert.equal(eligibility.principalType, "User");
  assert.equal(eligibility.scope, `/${SCOPE}`);
  assert.equal(eligibility.type, "Microsoft.Authorization/RoleEligibilitySchedules");
  assert.match(eligibility.id, new RegExp(`^/${SCOPE}/providers/Microsoft\\.Authorization/RoleEligibilitySchedules/`));
  assert.equal(eligibility.expandedProperties.roleDefinition.displayName, "Contributor");
  assert.equal(eligibility.expandedProperties.scope.displayName, "Production");

  // validate evaluates the request without creating anything.
  const validateName = randomUUID();
  const validated = await arm.roleAssignmentScheduleRequests.validate(SCOPE, validateName, activation(eligibility, now));
  assert.equal(validated.requestType, "SelfActivate");
  assert.equal(validated.principalId, ids.ben);
  assert.equal((await p.check(benContributor)).allowed, false);
  assert.deepEqual(await collect(arm.roleAssignmentScheduleInstances.listForScope(SCOPE, { filter: "asTarget()" })), []);
  await rejectsArm(arm.roleAssignmentScheduleRequests.get(SCOPE, validateName), 404);

  const name = randomUUID();
  const body = activation(eligibility, now);
  const created = await arm.roleAssignmentScheduleRequests.create(SCOPE, name, body);
  assert.equal(created.name, name);
  assert.equal(created.id, `/${SCOPE}/providers/Microsoft.Authorization/RoleAssignmentScheduleRequests/${name}`);
  assert.equal(created.type, "Microsoft.Authorization/RoleAssignmentScheduleRequests");
  assert.equal(created.status, "Provisioned");
  assert.equal(created.requestType, "SelfActivate");
  assert.equal(created.principalId, ids.ben);
  assert.equal(created.principalType, "User");
  assert.equal(created.requestorId, ids.ben);
  assert.equal(created.roleDefinitionId, CONTRIBUTOR);
  assert.equal(created.scope, `/${SCOPE}`);
  assert.equal(created.justification, "Deploy hotfix 7");
  assert.ok(created.scheduleInfo.startDateTime instanceof Date);
  assert.equal(created.scheduleInfo.startDateTime.getTime(), now.getTime());
  assert.equal(created.scheduleInfo.expiration.type, "AfterDuration");
  assert.equal(created.scheduleInfo.expiration.duration, "PT1H");
  assert.equal(typeof created.targetRoleAssignmentScheduleId, "string");

  // Retrying the same PUT (same name, same body) answers the same request.
  const again = await arm.roleAssignmentScheduleRequests.create(SCOPE, name, body);
  assert.deepEqual(again, created);
  // Reusing the name for a different body is refused.
  await rejectsArm(arm.roleAssignmentScheduleRequests.create(SCOPE, name, { ...body, justification: "something else" }),
    409, "RoleAssignmentRequestExists");
  // A second activation of what is active.
  await rejectsArm(arm.roleAssignmentScheduleRequests.create(SCOPE, randomUUID(), body), 400, "RoleAssignmentExists");

  const got = await arm.roleAssignmentScheduleRequests.get(SCOPE, name);
  assert.equal(got.status, "Provisioned");
  const mine = await collect(arm.roleAssignmentScheduleRequests.listForScope(SCOPE, { filter: "asRequestor()" }));
  assert.deepEqual(mine.map((r) => r.name), [name]);

  const instances = await collect(arm.roleAssignmentScheduleInstances.listForScope(SCOPE, { filter: "asTarget()" }));
  assert.equal(instances.length, 1);
  assert.equal(instances[0].roleDefinitionId, CONTRIBUTOR);
  assert.equal(instances[0].assignmentType, "Activated");
  assert.equal(instances[0].memberType, "Direct");
  assert.equal(instances[0].startDateTime.getTime(), now.getTime());
  assert.equal(instances[0].endDateTime.getTime(), now.getTime() + HOUR);
  assert.equal(instances[0].type, "Microsoft.Authorization/RoleAssignmentScheduleInstances");
  const schedules = await collect(arm.roleAssignmentSchedules.listForScope(SCOPE, { filter: "asTarget()" }));
  assert.equal(schedules.length, 1);
  assert.equal(schedules[0].assignmentType, "Activated");

  const c = await p.check(benContributor);
  assert.equal(c.allowed, true);
  assert.equal(new Date(c.until).getTime(), now.getTime() + HOUR);
  // Access at the subscription applies below it.
  assert.equal((await p.check({ ...benContributor, scope: `/${RG_SCOPE}` })).allowed, true);

  // Policy failures are RestErrors with the ARM code.
  await p.advanceClock("PT1H");
  await rejectsArm(arm.roleAssignmentScheduleRequests.create(SCOPE, randomUUID(),
    activation(eligibility, await p.now(), { scheduleInfo: { startDateTime: await p.now(), expiration: { type: "AfterDuration", duration: "PT9H" } } })),
    400, "RoleAssignmentRequestPolicyValidationFailed", /ExpirationRule/);
});

test("12b. ARM: cancel a scheduled (not yet started) activation; deactivate an active one", async (t) => {
  const p = await freshPimd(t);
  const arm = p.armClient(p.tokens.ben);
  const now = await p.now();
  const eligibility = await benEligibility(arm);

  const name = randomUUID();
  const scheduled = await arm.roleAssignmentScheduleRequests.create(SCOPE, name, activation(eligibility, new Date(now.getTime() + HOUR)));
  assert.equal(scheduled.status, "Granted");
  await arm.roleAssignmentScheduleRequests.cancel(SCOPE, name); // 200, returns normally
  assert.equal((await arm.roleAssignmentScheduleRequests.get(SCOPE, name)).status, "Canceled");
  await rejectsArm(arm.roleAssignmentScheduleRequests.cancel(SCOPE, name), 400);
  await p.advanceClock("PT1H");
  assert.equal((await p.check(benContributor)).allowed, false);
  assert.deepEqual(await collect(arm.roleAssignmentScheduleInstances.listForScope(SCOPE, { filter: "asTarget()" })), []);

  await arm.roleAssignmentScheduleRequests.create(SCOPE, randomUUID(), activation(eligibility, await p.now()));
  const deactivate = { principalId: ids.ben, roleDefinitionId: CONTRIBUTOR, requestType: "SelfDeactivate" };
  await rejectsArm(arm.roleAssignmentScheduleRequests.create(SCOPE, randomUUID(), deactivate), 400, "ActiveDurationTooShort");
  await p.advanceClock("PT5M");
  const revoked = await arm.roleAssignmentScheduleRequests.create(SCOPE, randomUUID(), deactivate);
  assert.equal(revoked.status, "Revoked");
  assert.equal((await p.check(benContributor)).allowed, false);
});

// Dan becomes an active member of Prod Operators (Graph, approved by Cara): Owner on web-rg.
async function danBecomesOwnerOfWebRg(p) {
  const GROUP = "/identityGovernance/privilegedAccess/group";
  const dan = p.graphClient(p.tokens.dan);
  const cara = p.graphClient(p.tokens.cara);
  const req = await dan.api(`${GROUP}/assignmentScheduleRequests`).post({
    accessId: "member", principalId: ids.dan, groupId: ids.prodOperators, action: "selfActivate",
    justification: "Tune web-rg role settings", ticketInfo: { ticketNumber: "CHG-7", ticketSystem: "ServiceNow" },
    scheduleInfo: { startDateTime: (await p.now()).toISOString(), expiration: { type: "afterDuration", duration: "PT4H" } },
  });
  const approval = await cara.api(`${GROUP}/assignmentApprovals/${req.approvalId}`).get();
  await cara.api(`${GROUP}/assignmentApprovals/${req.approvalId}/stages/${approval.stages[0].id}`)
    .patch({ reviewResult: "Approve", justification: "ok" });
  const owner = await p.check({ principalId: ids.dan, roleDefinitionId: roles.owner, scope: `/${RG_SCOPE}` });
  assert.equal(owner.allowed, true);
}

test("12c. ARM: eligibleChildResources lists where Ben may activate at a reduced scope", async (t) => {
  const p = await freshPimd(t);
  const ben = p.armClient(p.tokens.ben);
  const groups = await collect(ben.eligibleChildResources.list(SCOPE, { filter: "resourceType eq 'resourcegroup'" }));
  assert.ok(groups.length >= 1);
  assert.ok(groups.every((c) => c.type === "resourcegroup"), JSON.stringify(groups));
  const web = groups.find((c) => c.id.toLowerCase() === `/${RG_SCOPE}`.toLowerCase());
  assert.ok(web, JSON.stringify(groups));
  assert.equal(web.name, ids.resourceGroup);
  // Eve holds no eligible assignment there: nothing to offer her.
  assert.deepEqual(await collect(p.armClient(p.tokens.eve).eligibleChildResources.list(SCOPE)), []);
});

test("13. ARM role management policies: list, get, partial update, policy assignments", async (t) => {
  const p = await freshPimd(t);
  const ben = p.armClient(p.tokens.ben);

  const assignments = await collect(ben.roleManagementPolicyAssignments.listForScope(SCOPE));
  const contributorAssignment = assignments.find((a) => a.roleDefinitionId === CONTRIBUTOR);
  assert.ok(contributorAssignment, "a policy assignment for Contributor at the subscription");
  assert.equal(contributorAssignment.scope, `/${SCOPE}`);
  const policyName = contributorAssignment.policyId.split("/").pop();
  assert.equal(contributorAssignment.name, `${policyName}_${roles.contributor}`);
  assert.match(contributorAssignment.policyId, new RegExp(`^/${SCOPE}/providers/Microsoft\\.Authorization/roleManagementPolicies/`));

  const policies = await collect(ben.roleManagementPolicies.listForScope(SCOPE));
  const listed = policies.find((x) => x.name === policyName);
  assert.ok(listed, "the assigned policy is listed");
  const policy = await ben.roleManagementPolicies.get(SCOPE, policyName);
  assert.equal(policy.id, contributorAssignment.policyId);
  assert.equal(policy.scope, `/${SCOPE}`);
  assert.equal(policy.rules.length, 17);
  const rule = policy.rules.find((r) => r.id === "Expiration_EndUser_Assignment");
  assert.equal(rule.ruleType, "RoleManagementPolicyExpirationRule");
  assert.equal(rule.maximumDuration, "PT8H");
  assert.equal(rule.target.caller, "EndUser");

  // Ben (Contributor-eligible, not Owner) may not change it.
  await rejectsArm(ben.roleManagementPolicies.update(SCOPE, policyName, { rules: [{ ...rule, maximumDuration: "PT1H" }] }),
    403, "AuthorizationFailed");

  // Dan, Owner on web-rg through Prod Operators, changes the Contributor policy at web-rg.
  await danBecomesOwnerOfWebRg(p);
  const dan = p.armClient(p.tokens.dan);
  const rgAssignments = await collect(dan.roleManagementPolicyAssignments.listForScope(RG_SCOPE));
  const rgContributor = rgAssignments.find((a) => a.roleDefinitionId === roleDef(RG_SCOPE, roles.contributor));
  assert.ok(rgContributor, "a Contributor policy assignment at web-rg");
  const rgPolicyName = rgContributor.policyId.split("/").pop();
  const rgPolicy = await dan.roleManagementPolicies.get(RG_SCOPE, rgPolicyName);
  const rgRule = rgPolicy.rules.find((r) => r.id === "Expiration_EndUser_Assignment");
  const updated = await dan.roleManagementPolicies.update(RG_SCOPE, rgPolicyName, { rules: [{ ...rgRule, maximumDuration: "PT1H" }] });
  assert.equal(updated.rules.length, 17, "PATCH answers the full policy");
  assert.equal(updated.rules.find((r) => r.id === "Expiration_EndUser_Assignment").maximumDuration, "PT1H");
  assert.equal(updated.lastModifiedBy.id, ids.dan);
  assert.equal(updated.rules.find((r) => r.id === "Enablement_EndUser_Assignment").enabledRules.includes("MultiFactorAuthentication"), true,
    "a partial update leaves the other rules alone");
  const reread = await dan.roleManagementPolicies.get(RG_SCOPE, rgPolicyName);
  assert.equal(reread.rules.find((r) => r.id === "Expiration_EndUser_Assignment").maximumDuration, "PT1H");
  // The subscription's own policy is untouched.
  assert.equal((await ben.roleManagementPolicies.get(SCOPE, policyName)).rules
    .find((r) => r.id === "Expiration_EndUser_Assignment").maximumDuration, "PT8H");

  // Ben activating Contributor on web-rg (reduced scope of his subscription eligibility) now
  // obeys the web-rg policy.
  const eligibility = await benEligibility(ben);
  const now = await p.now();
  const rgBody = (duration) => ({
    principalId: ids.ben, roleDefinitionId: roleDef(RG_SCOPE, roles.contributor), requestType: "SelfActivate",
    linkedRoleEligibilityScheduleId: eligibility.id, justification: "Scale web tier",
    scheduleInfo: { startDateTime: now, expiration: { type: "AfterDuration", duration } },
  });
  await rejectsArm(ben.roleAssignmentScheduleRequests.create(RG_SCOPE, randomUUID(), rgBody("PT2H")),
    400, "RoleAssignmentRequestPolicyValidationFailed", /ExpirationRule/);
  const ok = await ben.roleAssignmentScheduleRequests.create(RG_SCOPE, randomUUID(), rgBody("PT1H"));
  assert.equal(ok.status, "Provisioned");
  assert.equal(ok.scope, `/${RG_SCOPE}`);

  // Deleting web-rg's policy gives the role back what governs it without one (8 hours); Ben may
  // not delete the subscription's.
  await rejectsArm(ben.roleManagementPolicies.delete(SCOPE, policyName), 403, "AuthorizationFailed");
  await dan.roleManagementPolicies.delete(RG_SCOPE, rgPolicyName);
  assert.equal((await dan.roleManagementPolicies.get(RG_SCOPE, rgPolicyName)).rules
    .find((r) => r.id === "Expiration_EndUser_Assignment").maximumDuration, "PT8H");
});

test("13c. ARM: an Owner makes an eligible assignment through the SDK; the assignee reads it back", async (t) => {
  const p = await freshPimd(t);
  await danBecomesOwnerOfWebRg(p);
  const dan = p.armClient(p.tokens.dan);
  const now = await p.now();
  const name = randomUUID();
  const created = await dan.roleEligibilityScheduleRequests.create(RG_SCOPE, name, {
    principalId: ids.eve, roleDefinitionId: roleDef(RG_SCOPE, roles.contributor), requestType: "AdminAssign",
    justification: "On-call rota", scheduleInfo: { startDateTime: now, expiration: { type: "AfterDuration", duration: "P30D" } },
  });
  assert.equal(created.status, "Provisioned");
  assert.equal(created.name, name);
  assert.equal(created.type, "Microsoft.Authorization/RoleEligibilityScheduleRequests");
  assert.equal((await dan.roleEligibilityScheduleRequests.get(RG_SCOPE, name)).principalId, ids.eve);

  const eve = p.armClient(p.tokens.eve);
  const instances = await collect(eve.roleEligibilityScheduleInstances.listForScope(RG_SCOPE, { filter: "asTarget()" }));
  assert.equal(instances.length, 1);
  assert.equal(instances[0].roleDefinitionId, roleDef(RG_SCOPE, roles.contributor));
  const schedule = await eve.roleEligibilitySchedules.get(RG_SCOPE, created.targetRoleEligibilityScheduleId.split("/").pop());
  assert.equal(schedule.principalId, ids.eve);
  assert.equal(schedule.memberType, "Direct");
  // Eve may not make assignments herself.
  await rejectsArm(eve.roleEligibilityScheduleRequests.create(RG_SCOPE, randomUUID(), {
    principalId: ids.eve, roleDefinitionId: roleDef(RG_SCOPE, roles.owner), requestType: "AdminAssign",
    scheduleInfo: { startDateTime: now, expiration: { type: "AfterDuration", duration: "P30D" } },
  }), 403, "AuthorizationFailed");
});

// roleAssignmentApprovals (api-version 2021-01-01-preview). @azure/arm-authorization 9.0.0 has
// no operations for it, so these calls are plain fetch with the same bearer tokens.
const APPROVALS = "/providers/Microsoft.Authorization/roleAssignmentApprovals";
async function approvalsCall(p, identity, method, pathAndQuery, body) {
  const sep = pathAndQuery.includes("?") ? "&" : "?";
  const res = await fetch(`${p.base}${pathAndQuery}${sep}api-version=2021-01-01-preview`, {
    method,
    headers: { authorization: `Bearer ${await p.bearer(identity)}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

test("13b. ARM approvals: Cara approves Ben's Contributor activation on web-rg, then denies the next one", async (t) => {
  const p = await freshPimd(t);
  // Dan, Owner on web-rg, makes Contributor there need Cara's approval (with her reasons).
  await danBecomesOwnerOfWebRg(p);
  const dan = p.armClient(p.tokens.dan);
  const rgContributor = (await collect(dan.roleManagementPolicyAssignments.listForScope(RG_SCOPE)))
    .find((a) => a.roleDefinitionId === roleDef(RG_SCOPE, roles.contributor));
  const policyName = rgContributor.policyId.split("/").pop();
  const policy = await dan.roleManagementPolicies.get(RG_SCOPE, policyName);
  const rule = policy.rules.find((r) => r.id === "Approval_EndUser_Assignment");
  const stage = {
    approvalStageTimeOutInDays: 1, isApproverJustificationRequired: true, escalationTimeInMinutes: 0,
    isEscalationEnabled: false, escalationApprovers: [],
    primaryApprovers: [{ id: ids.cara, description: "Cara Approver", isBackup: false, userType: "User" }],
  };
  await dan.roleManagementPolicies.update(RG_SCOPE, policyName, {
    rules: [{ ...rule, setting: { ...rule.setting, isApprovalRequired: true, approvalMode: "SingleStage", approvalStages: [stage] } }],
  });

  // Ben asks for Contributor on web-rg through ARM: pending Cara's approval.
  const ben = p.armClient(p.tokens.ben);
  const eligibility = await benEligibility(ben);
  const benRg = { principalId: ids.ben, roleDefinitionId: roles.contributor, scope: `/${RG_SCOPE}` };
  const request = (justification, start) => ({
    principalId: ids.ben, roleDefinitionId: roleDef(RG_SCOPE, roles.contributor), requestType: "SelfActivate",
    linkedRoleEligibilityScheduleId: eligibility.id, justification,
    scheduleInfo: { startDateTime: start, expiration: { type: "AfterDuration", duration: "PT1H" } },
  });
  const name = randomUUID();
  const pending = await ben.roleAssignmentScheduleRequests.create(RG_SCOPE, name, request("Scale web tier", await p.now()));
  assert.equal(pending.status, "PendingApproval");
  assert.equal(pending.approvalId, name);
  assert.equal((await p.check(benRg)).allowed, false);

  // Ben sees no approval of his own, and cannot decide it.
  assert.deepEqual((await approvalsCall(p, p.tokens.ben, "GET", `${APPROVALS}?$filter=asApprover()`)).body,
    { value: [], nextLink: null });
  const own = await approvalsCall(p, p.tokens.ben, "PATCH", `${APPROVALS}/${name}/stages/${name}`,
    { properties: { reviewResult: "Approve", justification: "trust me" } });
  assert.equal(own.status, 403);
  assert.equal(own.body.error.code, "NotAnApprover");
  assert.equal((await ben.roleAssignmentScheduleRequests.get(RG_SCOPE, name)).status, "PendingApproval");

  // Cara lists what she is asked to decide, reads the stage and approves it.
  const listed = await approvalsCall(p, p.tokens.cara, "GET", `${APPROVALS}?$filter=asApprover()`);
  assert.equal(listed.status, 200);
  assert.equal(listed.body.nextLink, null);
  assert.equal(listed.body.value.length, 1);
  const approval = listed.body.value[0];
  assert.equal(approval.name, name);
  assert.equal(approval.type, "Microsoft.Authorization/roleAssignmentApprovals");
  assert.equal(approval.id, `${APPROVALS}/${name}`);
  const [first] = approval.properties.stages;
  assert.equal(first.type, "Microsoft.Authorization/roleAssignmentApprovals/stages");
  assert.deepEqual(first.properties, {
    displayName: "Stage 1", status: "InProgress", assignedToMe: true, reviewedBy: null,
    reviewedDateTime: null, reviewResult: "NotReviewed", justification: "",
  });
  const scoped = await approvalsCall(p, p.tokens.cara, "GET", `/${RG_SCOPE}${APPROVALS}/${name}/stages`);
  assert.equal(scoped.status, 200);
  assert.equal(scoped.body.value[0].id, `/${SCOPE}/resourceGroups/${ids.resourceGroup}${APPROVALS}/${name}/stages/${first.name}`);
  // The policy wants her reasons.
  const bare = await approvalsCall(p, p.tokens.cara, "PATCH", `${APPROVALS}/${name}/stages/${first.name}`,
    { properties: { reviewResult: "Approve" } });
  assert.equal(bare.status, 400);
  assert.equal(bare.body.error.code, "BadRequest");
  const approved = await approvalsCall(p, p.tokens.cara, "PATCH", `${APPROVALS}/${name}/stages/${first.name}`,
    { properties: { reviewResult: "Approve", justification: "Matches CHG-1001" } });
  assert.equal(approved.status, 200, JSON.stringify(approved.body));
  assert.equal(approved.body.properties.status, "Completed");
  assert.equal(approved.body.properties.reviewResult, "Approve");
  assert.equal(approved.body.properties.reviewedBy.principalId, ids.cara);
  assert.equal(approved.body.properties.reviewedBy.principalName, "Cara Approver");

  // Ben's role is active: the request is provisioned, an instance exists, check says yes.
  assert.equal((await ben.roleAssignmentScheduleRequests.get(RG_SCOPE, name)).status, "Provisioned");
  const instances = await collect(ben.roleAssignmentScheduleInstances.listForScope(RG_SCOPE, { filter: "asTarget()" }));
  assert.ok(instances.some((i) => i.scope === `/${RG_SCOPE}` && i.roleDefinitionId === roleDef(RG_SCOPE, roles.contributor)));
  assert.equal((await p.check(benRg)).allowed, true);
  // Deciding again is a conflict.
  const again = await approvalsCall(p, p.tokens.cara, "PUT", `${APPROVALS}/${name}/stages/${first.name}`,
    { reviewResult: "Deny", justification: "changed my mind" });
  assert.equal(again.status, 409);
  assert.equal(again.body.error.code, "ApprovalStageAlreadyDecided");
  assert.equal((await p.check(benRg)).allowed, true);

  // Ben deactivates after five minutes and asks again; Cara denies it, saying why (PUT, with
  // the swagger's flat body).
  await p.advanceClock("PT5M");
  await ben.roleAssignmentScheduleRequests.create(RG_SCOPE, randomUUID(),
    { principalId: ids.ben, roleDefinitionId: roleDef(RG_SCOPE, roles.contributor), requestType: "SelfDeactivate" });
  assert.equal((await p.check(benRg)).allowed, false);
  const second = randomUUID();
  assert.equal((await ben.roleAssignmentScheduleRequests.create(RG_SCOPE, second, request("Again", await p.now()))).status, "PendingApproval");
  const toDecide = (await approvalsCall(p, p.tokens.cara, "GET", `/${SCOPE}${APPROVALS}?$filter=asApprover()`)).body.value;
  assert.deepEqual(toDecide.map((a) => a.name), [second]);
  const denied = await approvalsCall(p, p.tokens.cara, "PUT", `/${RG_SCOPE}${APPROVALS}/${second}/stages/${second}`,
    { reviewResult: "Deny", justification: "No change ticket" });
  assert.equal(denied.status, 200, JSON.stringify(denied.body));
  assert.equal(denied.body.properties.reviewResult, "Deny");
  assert.equal(denied.body.properties.justification, "No change ticket");
  assert.equal((await ben.roleAssignmentScheduleRequests.get(RG_SCOPE, second)).status, "Denied");
  assert.equal((await p.check(benRg)).allowed, false);
  // Her record keeps both decisions; nothing is left to decide.
  const record = await approvalsCall(p, p.tokens.cara, "GET", APPROVALS);
  assert.deepEqual(record.body.value.map((a) => a.properties.stages[0].properties.reviewResult), ["Approve", "Deny"]);
  assert.deepEqual((await approvalsCall(p, p.tokens.cara, "GET", `${APPROVALS}?$filter=asApprover()`)).body.value, []);
  // api-version is required as on every ARM route.
  const res = await fetch(`${p.base}${APPROVALS}`, { headers: { authorization: `Bearer ${await p.bearer(p.tokens.cara)}` } });
  assert.equal(res.status, 400);
  assert.equal((await res.json()).error.code, "MissingApiVersionParameter");
});
