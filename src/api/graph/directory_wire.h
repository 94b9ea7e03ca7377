// Graph directory objects on the wire: the JSON forms of users, groups and service principals,
// lookups by id or userPrincipalName, the strict readers of the bodies that create and change
// them (POST/PATCH /users, /groups, /servicePrincipals, and bulk-import rows), and the errors
// Graph's directory answers with (`Request_BadRequest`, `Request_ResourceNotFound`,
// `Authorization_RequestDenied`).
//
// One field carries two Graph properties: a user's `userPrincipalName` and `mail` are both
// Principal::mail (the domain type has one field), so a body that sets both must set them equal.
// A group's `mailNickname` and `description` and a service principal's `appId` are checked and
// accepted but not stored (Principal has no field for them).
//
// Pure functions over their arguments (the lookups take one consistent read of the engine);
// thread-safe; nothing here throws.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "boost/json/object.hpp"
#include "pim/engine/engine.h"

namespace pim::api::graph {

// The machine codes of Graph's directory (Azure AD Graph) errors.
inline constexpr std::string_view kDirectoryBadRequest = "Request_BadRequest";
inline constexpr std::string_view kDirectoryNotFound = "Request_ResourceNotFound";
inline constexpr std::string_view kDirectoryDenied = "Authorization_RequestDenied";

// InvalidArgument, Request_BadRequest, `message`.
[[nodiscard]] absl::Status DirectoryBadRequest(std::string_view message);
// NotFound, Request_ResourceNotFound, "Resource '<id>' does not exist or one of its queried
// reference-property objects are not present."
[[nodiscard]] absl::Status DirectoryNotFound(std::string_view id);
// An engine or body-reader status as Graph's directory reports it: PermissionDenied becomes
// 403 Authorization_RequestDenied "Insufficient privileges to complete the operation.";
// NotFound becomes Request_ResourceNotFound; AlreadyExists becomes 400 Request_BadRequest (with
// `duplicate_message` when given); InvalidArgument with the generic BadRequest code becomes
// Request_BadRequest. Everything else (the last-administrator refusal, a password policy's own
// code, internal errors) is returned as it is.
[[nodiscard]] absl::Status ToDirectoryError(const absl::Status& status,
                                            std::string_view duplicate_message = {});

// ---- JSON forms ----

[[nodiscard]] boost::json::object UserToJson(const Principal& p);
[[nodiscard]] boost::json::object GroupToJson(const Principal& p);
[[nodiscard]] boost::json::object ServicePrincipalToJson(const Principal& p);
// The entity of its own kind.
[[nodiscard]] boost::json::object EntityOf(const Principal& p);
// A member of a `directoryObject` collection: the entity with its "@odata.type" first.
[[nodiscard]] boost::json::object DirectoryObjectToJson(const Principal& p);
// "users", "groups" or "servicePrincipals".
[[nodiscard]] std::string_view EntitySetOf(PrincipalKind kind);

// ---- Lookups ----

// Principal `key` of `kind`, by id (case-insensitive) or, for users, by userPrincipalName
// (case-insensitive).
[[nodiscard]] std::optional<Principal> FindPrincipal(const Engine& engine, PrincipalKind kind,
                                                     std::string_view key);
// Any principal with id `id` (case-insensitive).
[[nodiscard]] std::optional<Principal> FindAnyPrincipal(const Engine& engine, std::string_view id);

// ---- Request bodies ----

// Whether a body creates an object or changes an existing one: creating requires the
// properties Graph requires; changing forbids JSON null for them.
enum class BodyMode { kCreate, kUpdate };

struct PasswordInput {
  std::string password;
  bool force_change = true;  // forceChangePasswordNextSignIn; Graph's default for new users
};

// POST/PATCH /users: id, displayName, userPrincipalName, mail, accountEnabled, mailNickname
// (not stored), passwordProfile {password, forceChangePasswordNextSignIn,
// forceChangePasswordNextSignInWithMfa (false only)}.
struct UserInput {
  std::optional<std::string> id;  // lower-case GUID
  std::optional<std::string> display_name;
  std::optional<std::string> user_principal_name;  // from userPrincipalName and/or mail
  std::optional<bool> account_enabled;
  std::optional<PasswordInput> password;
};
// Errors: InvalidArgument (a property unknown, of the wrong type, missing when creating, null
// when changing, or out of shape: GUID id, `local@domain` userPrincipalName, displayName of
// 1-256 characters, mail different from userPrincipalName, empty password).
[[nodiscard]] absl::StatusOr<UserInput> ReadUserBody(const boost::json::object& o, BodyMode mode);
// Applies the properties `in` sets to `p` (displayName, mail, enabled).
void ApplyUser(const UserInput& in, Principal& p);

// POST/PATCH /groups: id, displayName, isAssignableToRole, mailNickname and description (not
// stored), securityEnabled (true only), mailEnabled (false only), groupTypes (empty only),
// members@odata.bind and owners@odata.bind (arrays of directory object URLs).
struct GroupInput {
  std::optional<std::string> id;
  std::optional<std::string> display_name;
  std::optional<bool> is_assignable_to_role;
  std::vector<std::string> member_ids;  // from members@odata.bind, lower-case
  std::vector<std::string> owner_ids;   // from owners@odata.bind, lower-case
};
// `extra_keys` are further properties the caller reads itself (bulk import's "members" and
// "owners"). Errors: as ReadUserBody.
[[nodiscard]] absl::StatusOr<GroupInput> ReadGroupBody(
    const boost::json::object& o, BodyMode mode,
    std::initializer_list<std::string_view> extra_keys = {});

// POST/PATCH /servicePrincipals: id, displayName, accountEnabled, appId (a GUID; not stored, and
// fixed once created).
struct ServicePrincipalInput {
  std::optional<std::string> id;
  std::optional<std::string> display_name;
  std::optional<bool> account_enabled;
};
[[nodiscard]] absl::StatusOr<ServicePrincipalInput> ReadServicePrincipalBody(
    const boost::json::object& o, BodyMode mode);

// The object id an OData reference names: the last path segment of `url`
// ("https://graph.microsoft.com/v1.0/directoryObjects/{id}", ".../users/{id}", any base URL;
// also "directoryObjects('{id}')"), which must be a GUID; returned lower-case. Errors:
// InvalidArgument naming `property`.
[[nodiscard]] absl::StatusOr<std::string> ReferencedId(std::string_view url,
                                                       std::string_view property);

}  // namespace pim::api::graph
