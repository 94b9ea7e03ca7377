#include "api/graph/directory_wire.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "api/common/json_body.h"
#include "api/graph/graph_wire.h"
#include "pim/domain/ids.h"
#include "pim/domain/status.h"

namespace pim::api::graph {
namespace json = boost::json;
namespace {

using json_body::A;
std::string_view Key(json::string_view s) { return {s.data(), s.size()}; }

constexpr std::size_t kMaxText = 256;  // the engine's limit for displayName and mail (bytes)
constexpr std::size_t kMaxPasswordCharacters = 256;
constexpr std::size_t kMaxBinds = 20;  // Graph's limit of references per request

std::size_t CodePoints(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

absl::Status UnknownProperty(std::string_view key) {
  return DirectoryBadRequest(absl::StrCat("Property ", json_body::Quote(key),
                                          " does not exist as a declared property or extension "
                                          "property."));
}

// Rejects every property that is not in `allowed`, `extra` or `binds` (exact case). Instance
// annotations ("@odata.type", "@odata.context") and property type annotations
// ("x@odata.type") are ignored, as Graph does.
absl::Status CheckKeys(const json::object& o, std::initializer_list<std::string_view> allowed,
                       std::initializer_list<std::string_view> extra,
                       std::initializer_list<std::string_view> binds) {
  for (const auto& kv : o) {
    const std::string_view key = Key(kv.key());
    if (key.starts_with('@') || IsIgnoredAnnotation(key)) continue;
    const auto is = [&](std::string_view k) { return k == key; };
    if (std::any_of(allowed.begin(), allowed.end(), is) ||
        std::any_of(extra.begin(), extra.end(), is) ||
        std::any_of(binds.begin(), binds.end(), is)) {
      continue;
    }
    return UnknownProperty(key);
  }
  return absl::OkStatus();
}

bool IsExplicitNull(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(json::string_view(key.data(), key.size()));
  return v != nullptr && v->is_null();
}

// A text property: required when creating (`required`), never null when changing.
absl::StatusOr<std::optional<std::string>> ReadText(const json::object& o, std::string_view key,
                                                    BodyMode mode, bool required) {
  PIM_ASSIGN_OR_RETURN(std::optional<std::string> value, ReadString(o, key, key));
  if (!value.has_value()) {
    if (mode == BodyMode::kCreate && required) {
      return DirectoryBadRequest(absl::StrCat("The property '", A(key), "' is required."));
    }
    if (mode == BodyMode::kUpdate && required && IsExplicitNull(o, key)) {
      return DirectoryBadRequest(absl::StrCat("The property '", A(key), "' cannot be null."));
    }
    return value;
  }
  if (value->empty() || value->size() > kMaxText) {
    return DirectoryBadRequest(absl::StrCat("Invalid value specified for property '", A(key),
                                            "': it must be 1 to 256 bytes of text."));
  }
  return value;
}

absl::StatusOr<std::optional<std::string>> ReadId(const json::object& o) {
  PIM_ASSIGN_OR_RETURN(std::optional<std::string> id, ReadString(o, "id", "id"));
  if (!id.has_value()) return id;
  if (!IsGuid(*id)) {
    return DirectoryBadRequest("Invalid value specified for property 'id': expected a GUID.");
  }
  return std::optional<std::string>(absl::AsciiStrToLower(*id));
}

// `local@domain`, printable ASCII without spaces or the characters RFC 5322 reserves.
bool IsUserPrincipalName(std::string_view upn) {
  const std::size_t at = upn.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 >= upn.size() ||
      upn.find('@', at + 1) != std::string_view::npos || at > 64) {
    return false;
  }
  if (upn.front() == '.' || upn[at - 1] == '.') return false;
  return std::all_of(upn.begin(), upn.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u > 0x20 && u < 0x7F &&
           std::string_view("\"(),:;<>[\\]").find(c) == std::string_view::npos;
  });
}

// A boolean that may only take `only` on this server (securityEnabled, mailEnabled).
absl::Status ReadFixedBool(const json::object& o, std::string_view key, bool only,
                           std::string_view why) {
  PIM_ASSIGN_OR_RETURN(const std::optional<bool> value, ReadBool(o, key, key));
  if (value.has_value() && *value != only) return DirectoryBadRequest(why);
  return absl::OkStatus();
}

absl::StatusOr<std::optional<PasswordInput>> ReadPasswordProfile(const json::object& o) {
  PIM_ASSIGN_OR_RETURN(const json::object* profile,
                       ReadObject(o, "passwordProfile", "passwordProfile"));
  if (profile == nullptr) return std::optional<PasswordInput>();
  PIM_RETURN_IF_ERROR(CheckKeys(
      *profile,
      {"password", "forceChangePasswordNextSignIn", "forceChangePasswordNextSignInWithMfa"}, {},
      {}));
  PIM_ASSIGN_OR_RETURN(std::optional<std::string> password,
                       ReadString(*profile, "password", "passwordProfile/password"));
  if (!password.has_value() || password->empty()) {
    return DirectoryBadRequest("The property 'passwordProfile/password' is required.");
  }
  if (CodePoints(*password) > kMaxPasswordCharacters) {
    return DirectoryBadRequest("A password is limited to 256 characters.");
  }
  PIM_ASSIGN_OR_RETURN(const std::optional<bool> force,
                       ReadBool(*profile, "forceChangePasswordNextSignIn",
                                "passwordProfile/forceChangePasswordNextSignIn"));
  PIM_RETURN_IF_ERROR(ReadFixedBool(*profile, "forceChangePasswordNextSignInWithMfa", false,
                                    "forceChangePasswordNextSignInWithMfa is not supported by "
                                    "this server."));
  PasswordInput in;
  in.password = std::move(*password);
  in.force_change = force.value_or(true);
  return std::optional<PasswordInput>(std::move(in));
}

absl::StatusOr<std::vector<std::string>> ReadBinds(const json::object& o, std::string_view key) {
  std::vector<std::string> ids;
  const json::value* v = o.if_contains(json::string_view(key.data(), key.size()));
  if (v == nullptr || v->is_null()) return ids;
  const json::array* items = v->if_array();
  if (items == nullptr) {
    return DirectoryBadRequest(absl::StrCat("The property '", A(key), "' must be an array."));
  }
  if (items->size() > kMaxBinds) {
    return DirectoryBadRequest(
        absl::StrCat("At most 20 references may be bound in one request ('", A(key), "')."));
  }
  for (const json::value& item : *items) {
    if (!item.is_string()) {
      return DirectoryBadRequest(
          absl::StrCat("The property '", A(key), "' must be an array of URLs."));
    }
    PIM_ASSIGN_OR_RETURN(std::string id, ReferencedId(Key(item.get_string()), key));
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(std::move(id));
  }
  return ids;
}

}  // namespace

absl::Status DirectoryBadRequest(std::string_view message) {
  return Error(absl::StatusCode::kInvalidArgument, kDirectoryBadRequest, message);
}

absl::Status DirectoryNotFound(std::string_view id) {
  return Error(absl::StatusCode::kNotFound, kDirectoryNotFound,
               absl::StrCat("Resource '", A(id.substr(0, 200)),
                            "' does not exist or one of its queried reference-property objects "
                            "are not present."));
}

absl::Status ToDirectoryError(const absl::Status& status, std::string_view duplicate_message) {
  const std::string code = ErrorCodeOf(status);
  const std::string_view message(status.message().data(), status.message().size());
  switch (status.code()) {
    case absl::StatusCode::kPermissionDenied:
      return Error(absl::StatusCode::kPermissionDenied, kDirectoryDenied,
                   "Insufficient privileges to complete the operation.");
    case absl::StatusCode::kNotFound:
      return Error(absl::StatusCode::kNotFound, kDirectoryNotFound, message);
    case absl::StatusCode::kAlreadyExists:
      return DirectoryBadRequest(duplicate_message.empty() ? message : duplicate_message);
    case absl::StatusCode::kInvalidArgument:
      if (code == code::kBadRequest) return DirectoryBadRequest(message);
      return status;
    default:
      return status;
  }
}

// ---- JSON forms ----

json::object UserToJson(const Principal& p) {
  return json::object{{"id", p.id.str()},
                      {"displayName", StringOrNull(p.display_name)},
                      {"userPrincipalName", StringOrNull(p.mail)},
                      {"mail", StringOrNull(p.mail)},
                      {"accountEnabled", p.enabled}};
}

json::object GroupToJson(const Principal& p) {
  return json::object{{"id", p.id.str()},
                      {"displayName", StringOrNull(p.display_name)},
                      {"mail", StringOrNull(p.mail)},
                      {"mailEnabled", !p.mail.empty()},
                      {"securityEnabled", true},
                      {"isAssignableToRole", p.is_assignable_to_role},
                      {"groupTypes", json::array{}}};
}

json::object ServicePrincipalToJson(const Principal& p) {
  return json::object{{"id", p.id.str()},
                      {"displayName", StringOrNull(p.display_name)},
                      {"accountEnabled", p.enabled},
                      {"servicePrincipalType", "Application"}};
}

json::object EntityOf(const Principal& p) {
  switch (p.kind) {
    case PrincipalKind::kUser:
      return UserToJson(p);
    case PrincipalKind::kGroup:
      return GroupToJson(p);
    case PrincipalKind::kServicePrincipal:
      return ServicePrincipalToJson(p);
  }
  return {};
}

json::object DirectoryObjectToJson(const Principal& p) {
  json::object out;
  switch (p.kind) {
    case PrincipalKind::kUser:
      out["@odata.type"] = "#microsoft.graph.user";
      break;
    case PrincipalKind::kGroup:
      out["@odata.type"] = "#microsoft.graph.group";
      break;
    case PrincipalKind::kServicePrincipal:
      out["@odata.type"] = "#microsoft.graph.servicePrincipal";
      break;
  }
  for (auto& kv : EntityOf(p)) out[kv.key()] = kv.value();
  return out;
}

std::string_view EntitySetOf(PrincipalKind kind) {
  switch (kind) {
    case PrincipalKind::kUser:
      return "users";
    case PrincipalKind::kGroup:
      return "groups";
    case PrincipalKind::kServicePrincipal:
      return "servicePrincipals";
  }
  return {};
}

// ---- Lookups ----

std::optional<Principal> FindPrincipal(const Engine& engine, PrincipalKind kind,
                                       std::string_view key) {
  std::optional<Principal> found;
  engine.Read([&](const State& state) {
    for (const std::string& id : {std::string(key), absl::AsciiStrToLower(A(key))}) {
      const Principal* p = state.FindPrincipal(id);
      if (p != nullptr && p->kind == kind) {
        found = *p;
        return;
      }
    }
    if (kind != PrincipalKind::kUser || key.find('@') == std::string_view::npos) return;
    for (const auto& [id, p] : state.principals()) {
      if (p.kind == kind && !p.mail.empty() && absl::EqualsIgnoreCase(A(p.mail), A(key))) {
        found = p;
        return;
      }
    }
  });
  return found;
}

std::optional<Principal> FindAnyPrincipal(const Engine& engine, std::string_view id) {
  std::optional<Principal> found;
  engine.Read([&](const State& state) {
    if (const Principal* p = state.FindPrincipal(absl::AsciiStrToLower(A(id)))) found = *p;
  });
  return found;
}

// ---- Request bodies ----

absl::StatusOr<UserInput> ReadUserBody(const json::object& o, BodyMode mode) {
  PIM_RETURN_IF_ERROR(CheckKeys(o,
                                {"id", "displayName", "userPrincipalName", "mail", "accountEnabled",
                                 "mailNickname", "passwordProfile"},
                                {}, {}));
  UserInput in;
  PIM_ASSIGN_OR_RETURN(in.id, ReadId(o));
  PIM_ASSIGN_OR_RETURN(in.display_name, ReadText(o, "displayName", mode, /*required=*/true));
  PIM_ASSIGN_OR_RETURN(in.user_principal_name,
                       ReadText(o, "userPrincipalName", mode, /*required=*/true));
  // mail is the same field as userPrincipalName here (see the file comment).
  PIM_ASSIGN_OR_RETURN(const std::optional<std::string> mail,
                       ReadText(o, "mail", mode, /*required=*/mode == BodyMode::kUpdate));
  if (mail.has_value()) {
    if (in.user_principal_name.has_value() &&
        !absl::EqualsIgnoreCase(A(*mail), A(*in.user_principal_name))) {
      return DirectoryBadRequest(
          "This server keeps one address per user: 'mail' must equal 'userPrincipalName'.");
    }
    if (!in.user_principal_name.has_value()) in.user_principal_name = mail;
  }
  if (in.user_principal_name.has_value() && !IsUserPrincipalName(*in.user_principal_name)) {
    return DirectoryBadRequest(
        "Invalid value specified for property 'userPrincipalName' of resource 'User'.");
  }
  PIM_ASSIGN_OR_RETURN(in.account_enabled, ReadBool(o, "accountEnabled", "accountEnabled"));
  PIM_ASSIGN_OR_RETURN(const std::optional<std::string> nickname,
                       ReadString(o, "mailNickname", "mailNickname"));
  if (nickname.has_value() && (nickname->empty() || nickname->size() > 64)) {
    return DirectoryBadRequest("Invalid value specified for property 'mailNickname'.");
  }
  PIM_ASSIGN_OR_RETURN(in.password, ReadPasswordProfile(o));
  return in;
}

void ApplyUser(const UserInput& in, Principal& p) {
  if (in.display_name.has_value()) p.display_name = *in.display_name;
  if (in.user_principal_name.has_value()) p.mail = *in.user_principal_name;
  if (in.account_enabled.has_value()) p.enabled = *in.account_enabled;
}

absl::StatusOr<GroupInput> ReadGroupBody(const json::object& o, BodyMode mode,
                                         std::initializer_list<std::string_view> extra_keys) {
  PIM_RETURN_IF_ERROR(CheckKeys(o,
                                {"id", "displayName", "isAssignableToRole", "mailNickname",
                                 "description", "securityEnabled", "mailEnabled", "groupTypes"},
                                extra_keys, {"members@odata.bind", "owners@odata.bind"}));
  GroupInput in;
  PIM_ASSIGN_OR_RETURN(in.id, ReadId(o));
  PIM_ASSIGN_OR_RETURN(in.display_name, ReadText(o, "displayName", mode, /*required=*/true));
  PIM_ASSIGN_OR_RETURN(in.is_assignable_to_role,
                       ReadBool(o, "isAssignableToRole", "isAssignableToRole"));
  PIM_ASSIGN_OR_RETURN(const std::optional<std::string> nickname,
                       ReadString(o, "mailNickname", "mailNickname"));
  if (nickname.has_value() && (nickname->empty() || nickname->size() > 64 ||
                               nickname->find_first_of(" @()\\[]\";:<>,") != std::string::npos)) {
    return DirectoryBadRequest("Invalid value specified for property 'mailNickname'.");
  }
  PIM_ASSIGN_OR_RETURN(const std::optional<std::string> description,
                       ReadString(o, "description", "description"));
  if (description.has_value() && description->size() > 1024) {
    return DirectoryBadRequest("A group's description is limited to 1024 bytes.");
  }
  PIM_RETURN_IF_ERROR(ReadFixedBool(o, "securityEnabled", true,
                                    "Only security groups (securityEnabled: true) are supported."));
  PIM_RETURN_IF_ERROR(ReadFixedBool(o, "mailEnabled", false,
                                    "Mail-enabled groups (mailEnabled: true) are not supported."));
  if (const json::value* types = o.if_contains("groupTypes"); types != nullptr) {
    if (!types->is_null() && !(types->is_array() && types->get_array().empty())) {
      return DirectoryBadRequest(
          "Only security groups with assigned membership (groupTypes: []) are supported.");
    }
  }
  PIM_ASSIGN_OR_RETURN(in.member_ids, ReadBinds(o, "members@odata.bind"));
  PIM_ASSIGN_OR_RETURN(in.owner_ids, ReadBinds(o, "owners@odata.bind"));
  return in;
}

absl::StatusOr<ServicePrincipalInput> ReadServicePrincipalBody(const json::object& o,
                                                               BodyMode mode) {
  PIM_RETURN_IF_ERROR(CheckKeys(o, {"id", "displayName", "accountEnabled", "appId"}, {}, {}));
  ServicePrincipalInput in;
  PIM_ASSIGN_OR_RETURN(in.id, ReadId(o));
  PIM_ASSIGN_OR_RETURN(in.display_name, ReadText(o, "displayName", mode, /*required=*/true));
  PIM_ASSIGN_OR_RETURN(in.account_enabled, ReadBool(o, "accountEnabled", "accountEnabled"));
  PIM_ASSIGN_OR_RETURN(const std::optional<std::string> app_id, ReadString(o, "appId", "appId"));
  if (app_id.has_value()) {
    if (mode == BodyMode::kUpdate) {
      return DirectoryBadRequest("The property 'appId' cannot be changed.");
    }
    if (!IsGuid(*app_id)) {
      return DirectoryBadRequest("Invalid value specified for property 'appId': expected a GUID.");
    }
  }
  return in;
}

absl::StatusOr<std::string> ReferencedId(std::string_view url, std::string_view property) {
  const auto bad = [&] {
    return DirectoryBadRequest(
        absl::StrCat("Invalid value for '", A(property),
                     "': expected a directory object URL such as "
                     "'https://graph.microsoft.com/v1.0/directoryObjects/{id}'."));
  };
  std::string_view rest = url.substr(0, std::min(url.find('?'), url.find('#')));
  while (rest.ends_with('/')) rest.remove_suffix(1);
  std::string_view id =
      rest.substr(rest.rfind('/') == std::string_view::npos ? 0 : rest.rfind('/') + 1);
  // OData key syntax: directoryObjects('{id}') or directoryObjects({id}).
  if (const std::size_t open = id.find('('); open != std::string_view::npos && id.ends_with(')')) {
    id = id.substr(open + 1, id.size() - open - 2);
    if (id.size() >= 2 && id.front() == '\'' && id.back() == '\'') id = id.substr(1, id.size() - 2);
  }
  if (!IsGuid(id)) return bad();
  return absl::AsciiStrToLower(A(id));
}

}  // namespace pim::api::graph
