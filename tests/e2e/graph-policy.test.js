// Role settings through Graph /policies (flow 10).
"use strict";

const { test } = require("node:test");
const assert = require("node:assert/strict");
const { ids, roles } = require("./pimd");
const { freshPimd, rejectsGraph } = require("./helpers");

const UA = roles.userAdministrator;

function activation(now, duration) {
  return {
    action: "selfActivate", principalId: ids.ben, roleDefinitionId: UA, directoryScopeId: "/",
    justification: "Helpdesk escalation",
    scheduleInfo: { startDateTime: now.toISOString(), expiration: { type: "afterDuration", duration } },
  };
}

test("10. Ada lowers the User Administrator activation maximum to PT1H; Ben may not", async (t) => {
  const p = await freshPimd(t);
  const ada = p.graphClient(p.tokens.ada);
  const ben = p.graphClient(p.tokens.ben);

  const list = await ada.api("/policies/roleManagementPolicyAssignments")
    .filter(`scopeId eq '/' and scopeType eq 'DirectoryRole' and roleDefinitionId eq '${UA}'`)
    .expand("policy($expand=rules)")
    .get();
  assert.match(list["@odata.context"], /#policies\/roleManagementPolicyAssignments/);
  assert.equal(list.value.length, 1);
  const assignment = list.value[0];
  assert.equal(assignment.scopeId, "/");
  assert.equal(assignment.scopeType, "DirectoryRole");
  assert.equal(assignment.roleDefinitionId, UA);
  assert.equal(assignment.policy.id, assignment.policyId);
  assert.equal(assignment.policy.rules.length, 17);
  const rule = assignment.policy.rules.find((r) => r.id === "Expiration_EndUser_Assignment");
  assert.ok(rule, "Expiration_EndUser_Assignment is among the rules");
  assert.equal(rule["@odata.type"], "#microsoft.graph.unifiedRoleManagementPolicyExpirationRule");
  assert.equal(rule.isExpirationRequired, true);
  assert.equal(rule.maximumDuration, "PT8H");
  assert.equal(rule.target.caller, "EndUser");
  assert.equal(rule.target.level, "Assignment");

  const rulePath = `/policies/roleManagementPolicies/${assignment.policyId}/rules/Expiration_EndUser_Assignment`;
  const body = {
    "@odata.type": "#microsoft.graph.unifiedRoleManagementPolicyExpirationRule",
    id: "Expiration_EndUser_Assignment",
    isExpirationRequired: true,
    maximumDuration: "PT1H",
    target: {
      "@odata.type": "microsoft.graph.unifiedRoleManagementPolicyRuleTarget",
      caller: "EndUser", operations: ["All"], level: "Assignment", inheritableSettings: [], enforcedSettings: [],
    },
  };

  // A non-administrator cannot change role settings. Ben reads the policy of the role he is
  // eligible for (he needs its rules to activate), not that of a role he has nothing to do with.
  await rejectsGraph(ben.api(rulePath).patch(body), 403);
  assert.equal((await ben.api(rulePath).get()).maximumDuration, "PT8H");
  const gaAssignments = await ada.api("/policies/roleManagementPolicyAssignments")
    .filter(`scopeId eq '/' and scopeType eq 'DirectoryRole' and roleDefinitionId eq '${roles.globalAdministrator}'`)
    .get();
  await rejectsGraph(ben.api(`/policies/roleManagementPolicies/${gaAssignments.value[0].policyId}`).get(),
    403, "AuthorizationFailed");
  const bensView = await ben.api("/policies/roleManagementPolicyAssignments")
    .filter("scopeId eq '/' and scopeType eq 'DirectoryRole'").get();
  assert.ok(bensView.value.some((a) => a.roleDefinitionId === UA));
  assert.ok(!bensView.value.some((a) => a.roleDefinitionId === roles.globalAdministrator));

  assert.equal(await ada.api(rulePath).patch(body), undefined); // 204
  const reread = await ada.api(rulePath).get();
  assert.equal(reread.maximumDuration, "PT1H");
  const policy = await ada.api(`/policies/roleManagementPolicies/${assignment.policyId}`).expand("rules").get();
  assert.equal(policy.rules.find((r) => r.id === "Expiration_EndUser_Assignment").maximumDuration, "PT1H");
  assert.equal(policy.lastModifiedBy.id, ids.ada);

  const now = await p.now();
  await rejectsGraph(ben.api("/roleManagement/directory/roleAssignmentScheduleRequests").post(activation(now, "PT2H")),
    400, "RoleAssignmentRequestPolicyValidationFailed", /ExpirationRule/);
  const ok = await ben.api("/roleManagement/directory/roleAssignmentScheduleRequests").post(activation(now, "PT1H"));
  assert.equal(ok.status, "Provisioned");
});
