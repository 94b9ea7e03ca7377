// The command-line side of a schedule request, shared by the end-user and the administrator
// commands: which role a command names (TargetOptions), the request options (duration, start,
// reason, ticket, MFA code, --wait), the RequestSpec they make, submitting with the MFA
// step-up, and printing requests. Internal to pim_cli; thread-compatible.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "cli/command_context.h"
#include "pim/cli/pim_client.h"

namespace pim::cli {

// Checks a --scope: it must begin with "/" (a directory or ARM scope); trailing slashes go.
[[nodiscard]] CLI::Validator ScopeOption();

// The role, group or resource role a command names.
struct TargetOptions {
  std::string role;
  std::string scope;
  bool group = false;
  std::string access;
};

struct RequestOptions {
  TargetOptions target;
  std::string duration;
  std::string start;
  std::string until;
  std::string reason;
  std::string ticket_system;
  std::string ticket_number;
  std::string otp;
  bool wait = false;
  std::string timeout = "1h";
  // extend and renew: the eligibility, or the active assignment, of the role (AddKindOptions).
  bool eligible = false;
  bool active = false;
};

// Adds ROLE, --scope, --group and --access to `cmd`.
void AddTargetOptions(CLI::App* cmd, TargetOptions& t);

// Adds the target options, --reason, the ticket and --otp; with `schedule` --duration and
// --start; with `wait` --wait and --timeout.
void AddRequestOptions(CLI::App* cmd, RequestOptions& o, bool schedule, bool wait);

// Adds --eligible and --active (each excludes the other) to `cmd`: which of the caller's
// assignments of the role an extension or renewal is for.
void AddKindOptions(CLI::App* cmd, RequestOptions& o);

// The area a scope names: a group with --group, an Azure resource role at an ARM scope, else a
// directory role (at "/" or an administrative unit).
[[nodiscard]] Area AreaOf(const TargetOptions& t);

// The spec of `o` for `action`. Errors: InvalidArgument (exit 2) for a bad duration or
// date-time, or both --duration and --until.
[[nodiscard]] absl::StatusOr<RequestSpec> SpecOf(const RequestOptions& o, std::string action);

// True when `status` is the server refusing a request for its MFA rule.
[[nodiscard]] bool IsMfaFailure(const absl::Status& status);

// Submits, and on the MFA rule's failure asks for a TOTP code (`otp`, or a prompt on a
// terminal) and submits once more with it in X-Pim-Mfa-Code. Errors: the server's.
[[nodiscard]] absl::StatusOr<RequestEntry> SubmitWithMfa(Context& ctx, PimClient& client,
                                                         const RoleEntry& target, RequestSpec spec,
                                                         const std::string& otp);

// "/subscriptions/… (Production)", or the access of a group.
[[nodiscard]] std::string ScopeText(const RoleEntry& r);

// One request as a line, or {"request": Request} with --output json.
void PrintRequest(Context& ctx, const RequestEntry& r);

// Requests as a table, or {key: [Request…]} with --output json.
void PrintRequests(Context& ctx, const std::vector<RequestEntry>& requests, const char* key);

}  // namespace pim::cli
