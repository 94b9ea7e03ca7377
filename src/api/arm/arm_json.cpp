#include "api/arm/arm_json.h"

#include <cstddef>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "api/common/json_body.h"
#include "boost/json/parse.hpp"
#include "pim/domain/ids.h"
#include "pim/domain/iso8601.h"
#include "pim/domain/principal.h"
#include "pim/domain/role_definition.h"
#include "pim/domain/scope.h"
#include "pim/domain/status.h"

namespace pim::api::arm {
namespace {

using json_body::A;

constexpr std::string_view kRoleDefinitionsMarker =
    "/providers/microsoft.authorization/roledefinitions/";

}  // namespace

std::string DisplayScope(const State& state, std::string_view canonical_scope) {
  if (const ScopeNode* node = state.FindScope(std::string(canonical_scope));
      node != nullptr && !node->spelling.empty()) {
    return node->spelling;
  }
  return GuessScopeSpelling(canonical_scope);
}

std::string ArmId(const State& state, std::string_view canonical_scope, std::string_view type,
                  std::string_view name) {
  std::string scope = DisplayScope(state, canonical_scope);
  if (scope == "/") scope.clear();
  return absl::StrCat(scope, "/providers/Microsoft.Authorization/", A(type), "/", A(name));
}

std::string RoleDefinitionArmId(const State& state, std::string_view canonical_scope,
                                std::string_view role_guid) {
  return ArmId(state, canonical_scope, "roleDefinitions", role_guid);
}

std::optional<std::string> RoleGuidOf(std::string_view role_definition_id) {
  std::string lower = absl::AsciiStrToLower(A(role_definition_id));
  if (IsGuid(lower)) return lower;
  const std::size_t at = lower.rfind(kRoleDefinitionsMarker);
  if (at == std::string::npos) return std::nullopt;
  std::string guid = lower.substr(at + kRoleDefinitionsMarker.size());
  if (!IsGuid(guid)) return std::nullopt;
  return guid;
}

std::string LastSegment(std::string_view id) {
  const std::size_t slash = id.rfind('/');
  return std::string(slash == std::string_view::npos ? id : id.substr(slash + 1));
}

boost::json::value PrincipalType(const State& state, const std::string& principal) {
  const Principal* p = state.FindPrincipal(principal);
  if (p == nullptr) return nullptr;
  return boost::json::value(std::string(kPrincipalKindNames.Name(p->kind)));
}

boost::json::object ExpandedProperties(const State& state, const Target& target,
                                       const std::string& principal) {
  boost::json::object scope{{"id", DisplayScope(state, target.scope)}};
  if (const ScopeNode* node = state.FindScope(target.scope)) {
    scope["displayName"] = node->display_name;
    scope["type"] = std::string(kScopeKindNames.Name(node->kind));
  } else {
    scope["displayName"] = nullptr;
    scope["type"] = nullptr;
  }
  boost::json::object role{{"id", RoleDefinitionArmId(state, target.scope, target.object_id)}};
  if (const RoleDefinition* r = state.FindRole(target.object_id)) {
    role["displayName"] = r->display_name;
    role["type"] = r->is_built_in ? "BuiltInRole" : "CustomRole";
  } else {
    role["displayName"] = nullptr;
    role["type"] = nullptr;
  }
  boost::json::object who{{"id", principal}};
  if (const Principal* p = state.FindPrincipal(principal)) {
    who["displayName"] = p->display_name;
    who["email"] = StringOrNull(p->mail);
    who["type"] = std::string(kPrincipalKindNames.Name(p->kind));
  } else {
    who["displayName"] = nullptr;
    who["email"] = nullptr;
    who["type"] = nullptr;
  }
  return boost::json::object{{"scope", std::move(scope)},
                             {"roleDefinition", std::move(role)},
                             {"principal", std::move(who)}};
}

boost::json::value TimeOrNull(const std::optional<absl::Time>& t) {
  if (!t) return nullptr;
  return boost::json::value(FormatDateTime(*t));
}

boost::json::value StringOrNull(std::string_view s) {
  if (s.empty()) return nullptr;
  return boost::json::value(boost::json::string_view(s.data(), s.size()));
}

std::string Pascal(std::string_view camel) {
  std::string out(camel);
  if (!out.empty()) out[0] = absl::ascii_toupper(static_cast<unsigned char>(out[0]));
  return out;
}

absl::Status BadProperty(std::string_view where, std::string_view why) {
  return Error(absl::StatusCode::kInvalidArgument, code::kBadRequest,
               absl::StrCat("The property '", A(where), "' ", A(why)));
}

absl::StatusOr<boost::json::object> ParseObjectBody(std::string_view body) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(boost::json::string_view(body.data(), body.size()), ec);
  if (ec) {
    return Error(absl::StatusCode::kInvalidArgument, code::kBadRequest,
                 "The request body is not valid JSON.");
  }
  boost::json::object* obj = v.if_object();
  if (obj == nullptr) {
    return Error(absl::StatusCode::kInvalidArgument, code::kBadRequest,
                 "The request body must be a JSON object.");
  }
  return std::move(*obj);
}

absl::StatusOr<std::optional<std::string>> OptString(const boost::json::object& obj,
                                                     std::string_view key, std::string_view where) {
  return json_body::OptionalString(obj, key,
                                   [&] { return BadProperty(where, "must be a string."); });
}

absl::StatusOr<const boost::json::object*> OptObject(const boost::json::object& obj,
                                                     std::string_view key, std::string_view where) {
  return json_body::OptionalObject(obj, key,
                                   [&] { return BadProperty(where, "must be an object."); });
}

}  // namespace pim::api::arm
