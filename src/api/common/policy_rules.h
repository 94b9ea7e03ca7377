// The 17 rules of a role management policy as both API surfaces present them (Graph reference
// 3.4, ARM reference 4.7): the catalogue (rule id -> rule kind, target caller and level, and the
// pim::Policy field the rule reads and writes), and the rendering and applying of rule bodies
// that both surfaces share. What differs between the surfaces (the type discriminator, the
// target's spelling, approver shapes) comes in as a `Dialect`.
//
// Pure functions, thread-safe. Nothing here throws: JSON is only read through checked accessors.
#pragma once

#include <array>
#include <span>
#include <string_view>

#include "absl/status/status.h"
#include "boost/json/array.hpp"
#include "boost/json/object.hpp"
#include "pim/domain/policy.h"

namespace pim::api::rules {

enum class Kind { kExpiration, kEnablement, kApproval, kAuthenticationContext, kNotification };
inline constexpr std::size_t kKindCount = 5;

// Which of the three expiration / enablement rules of a Policy a rule id backs.
enum class Slot { kActivation, kEligibility, kAssignment, kNone };

// One entry of the catalogue.
struct Spec {
  std::string_view id;
  Kind kind;
  std::string_view caller;  // target.caller
  std::string_view level;   // target.level
  Slot slot = Slot::kNone;
  NotificationRecipient recipient = NotificationRecipient::kAdmin;  // notifications only
  NotificationEvent event = NotificationEvent::kAdminEligibility;   // notifications only
};

// The 17 rules, in reference 3.4's order (the order both surfaces list them in).
[[nodiscard]] std::span<const Spec> Catalogue();
// Their ids, in the same order.
[[nodiscard]] std::span<const std::string_view> Ids();
// The rule whose id matches `id` case-insensitively, or nullptr.
[[nodiscard]] const Spec* Find(std::string_view id);

// How one API surface spells rules. Every member is fixed data or a pure function.
struct Dialect {
  // The property that carries a rule's type ("@odata.type" / "ruleType") and the type's name for
  // each Kind, indexed by Kind.
  std::string_view discriminator;
  std::array<std::string_view, kKindCount> type_names;
  // Whether a rendered rule opens with the discriminator and id (Graph) or closes with them,
  // before its target (ARM).
  bool discriminator_first = false;
  // Checks a body's discriminator against `expected` (a type_names entry); `where` names the rule.
  absl::Status (*check_type)(const boost::json::object& rule, std::string_view expected,
                             std::string_view where) = nullptr;
  // Properties every rule body may carry beyond its own, and those an expiration rule may carry.
  std::span<const std::string_view> rule_keys;
  std::span<const std::string_view> expiration_keys;

  // The rendered target: operations [all_operations]; the setting lists as null with a null
  // targetObjects (ARM) or as empty arrays without it (Graph).
  std::string_view all_operations;
  bool null_target_lists = false;

  // One approver as rendered, and as read from one element of an approver array (`at` names the
  // array for messages). `approvers_shape` names the element type in messages ("subject sets").
  boost::json::object (*approver_to_json)(const ApproverRef& approver) = nullptr;
  absl::Status (*read_approver)(const boost::json::object& item, std::string_view at,
                                ApproverRef& out) = nullptr;
  std::string_view approvers_shape;
};

// Rule `spec` of `policy` as `dialect` renders it: discriminator, id, the kind's own properties
// and target.
[[nodiscard]] boost::json::object ToJson(const Policy& policy, const Spec& spec,
                                         const Dialect& dialect);
// All 17 rules, in Catalogue() order.
[[nodiscard]] boost::json::array AllToJson(const Policy& policy, const Dialect& dialect);

// Applies the rule body `rule` for rule `rule_id` (matched case-insensitively) onto `policy`.
// Properties the body omits keep their value. The body must carry the rule's discriminator;
// `id`, when given, must name the same rule; `target`, when given, must agree with the rule's
// caller and level. Errors: InvalidArgument / BadRequest naming the first problem (unknown rule
// id, wrong type, unknown property, unknown enum value, bad duration...); Internal when the
// policy lacks the notification entry. `policy` may then be partly written, so callers apply
// onto a copy.
[[nodiscard]] absl::Status Apply(const boost::json::object& rule, std::string_view rule_id,
                                 const Dialect& dialect, Policy& policy);

}  // namespace pim::api::rules
