// The demo tenant `pimd --demo` starts with on an empty database: a few users, groups, scopes,
// eligibilities and policies that exercise approval, MFA, tickets, groups, resource roles and a
// scheduled activation, and a random password per user. No demo user has TOTP enrolled:
// each may enrol one (then MFA-requiring activations work).
// Fixed ids so that docs and tests can name them.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "pim/accounts/account_service.h"
#include "pim/engine/clock.h"
#include "pim/engine/engine.h"

namespace pim::server::demo {

inline constexpr char kAda[] = "d0000000-0000-4000-8000-00000000000a";   // GA
inline constexpr char kBen[] = "d0000000-0000-4000-8000-00000000000b";   // engineer
inline constexpr char kCara[] = "d0000000-0000-4000-8000-00000000000c";  // approver
inline constexpr char kDan[] = "d0000000-0000-4000-8000-00000000000d";   // operator
inline constexpr char kEve[] = "d0000000-0000-4000-8000-00000000000e";   // helpdesk
inline constexpr char kProdOperators[] = "d0000000-0000-4000-8000-0000000000a1";
inline constexpr char kApprovers[] = "d0000000-0000-4000-8000-0000000000a2";
inline constexpr char kSubscription[] = "0d0d0d0d-0000-4000-8000-00000000d001";
inline constexpr char kResourceGroup[] = "web-rg";
inline constexpr char kManagementGroup[] = "contoso";

// Whether the demo tenant was already seeded in this store.
[[nodiscard]] bool IsSeeded(const Engine& engine);

// Seeds the tenant (idempotent per store: call only when !IsSeeded). Errors: the engine's.
[[nodiscard]] absl::Status Seed(Engine& engine, const Clock& clock);

struct DemoLogin {
  std::string name;       // "ben"
  std::string user_name;  // "ben@demo.pim"
  std::string password;
};

// Gives every demo user a fresh random password (no forced change) and returns them.
[[nodiscard]] absl::StatusOr<std::vector<DemoLogin>> SetPasswords(
    accounts::AccountService& accounts);

// A short description of who is who, printed at start-up.
[[nodiscard]] std::string Describe();

}  // namespace pim::server::demo
