#include "api/graph/directory_write_routes.h"

#include <functional>
#include <optional>
#include <string_view>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "api/common/json_body.h"
#include "api/graph/directory_wire.h"
#include "api/graph/graph_wire.h"
#include "api/graph/key_credential_routes.h"
#include "pim/api/api_error.h"
#include "pim/domain/ids.h"
#include "pim/domain/status.h"

namespace pim::api::graph {
namespace json = boost::json;
namespace {

// How often a PATCH re-reads and retries when the object changed between its read and its
// write (the engine's compare-and-set answered Aborted).
constexpr int kPatchAttempts = 3;

constexpr std::string_view kDuplicateReference =
    "One or more added object references already exist for the following modified properties: "
    "'{}'.";

using json_body::A;

HttpResponse MethodNotAllowed(const Route& route, std::string_view allow) {
  HttpResponse r = GraphError(BadRequest(absl::StrCat("The HTTP method '", A(route.ctx.http.method),
                                                      "' is not supported on this resource.")),
                              route.ctx);
  r.status = 405;
  r.SetHeader("Allow", std::string(allow));
  return r;
}

absl::Status NoPasswordsHere() {
  return DirectoryBadRequest("Passwords are not managed by this server.");
}

PrincipalKind KindOfSet(std::string_view set) {
  if (set == "users") return PrincipalKind::kUser;
  if (set == "groups") return PrincipalKind::kGroup;
  return PrincipalKind::kServicePrincipal;
}

HttpResponse Created(const Route& route, const Principal& p) {
  const std::string_view set = EntitySetOf(p.kind);
  HttpResponse r = EntityResponse(201, route.ctx, route.version, set, odata::Query{}, EntityOf(p));
  r.SetHeader("Location", absl::StrCat(route.ctx.http.base_url, "/", A(route.version), "/", A(set),
                                       "/", p.id.str()));
  return r;
}

absl::Status CheckSameId(const std::optional<std::string>& body_id, const Principal& p) {
  if (body_id.has_value() && *body_id != p.id.str()) {
    return DirectoryBadRequest("The property 'id' cannot be changed.");
  }
  return absl::OkStatus();
}

std::vector<DirectMembership> Binds(const PrincipalId& group, const GroupInput& in) {
  std::vector<DirectMembership> out;
  for (const std::string& id : in.member_ids) {
    out.push_back(DirectMembership{group, PrincipalId(id), GroupAccess::kMember});
  }
  for (const std::string& id : in.owner_ids) {
    out.push_back(DirectMembership{group, PrincipalId(id), GroupAccess::kOwner});
  }
  return out;
}

// Reads principal `key` of `kind`, lets `build` turn it into the write to make, and makes it;
// when the object changed in between, reads it again (kPatchAttempts in all). Returns the
// principal as written.
absl::StatusOr<Principal> WriteExisting(
    const Route& route, PrincipalKind kind, std::string_view key,
    const std::function<absl::Status(Engine::DirectoryWrite&)>& build) {
  for (int attempt = 1;; ++attempt) {
    const std::optional<Principal> current = FindPrincipal(route.engine, kind, key);
    if (!current.has_value()) return DirectoryNotFound(key);
    Engine::DirectoryWrite write{*current, *current, {}};
    PIM_RETURN_IF_ERROR(build(write));
    const auto outcome = route.engine.WriteDirectoryObject(route.ctx.caller, write);
    if (outcome.ok()) return write.principal;
    if (outcome.status().code() != absl::StatusCode::kAborted || attempt == kPatchAttempts) {
      return outcome.status();
    }
  }
}

// ---- Users ----

absl::StatusOr<HttpResponse> CreateUser(const Route& route, const json::object& body) {
  PIM_ASSIGN_OR_RETURN(const UserInput in, ReadUserBody(body, BodyMode::kCreate));
  if (in.password.has_value() && route.accounts == nullptr) return NoPasswordsHere();
  Principal p;
  p.id = in.id.has_value() ? PrincipalId(*in.id) : route.engine.NewPrincipalId();
  p.kind = PrincipalKind::kUser;
  ApplyUser(in, p);
  if (in.password.has_value()) {
    PIM_RETURN_IF_ERROR(route.accounts->CheckNewPassword(p, in.password->password));
  }
  PIM_RETURN_IF_ERROR(
      route.engine.WriteDirectoryObject(route.ctx.caller, {p, std::nullopt, {}}).status());
  if (in.password.has_value()) {
    const absl::Status set =
        route.accounts->SetPassword(p.id, in.password->password, in.password->force_change);
    if (!set.ok()) {
      // No account without the password its creator chose: undo the creation.
      route.engine.DeletePrincipal(route.ctx.caller, p.id).IgnoreError();
      return set;
    }
  }
  return Created(route, p);
}

absl::StatusOr<HttpResponse> UpdateUser(const Route& route, std::string_view key,
                                        const json::object& body) {
  PIM_ASSIGN_OR_RETURN(const UserInput in, ReadUserBody(body, BodyMode::kUpdate));
  if (in.password.has_value() && route.accounts == nullptr) return NoPasswordsHere();
  // A password-only PATCH still writes (an unchanged principal): that is what authorises it.
  PIM_ASSIGN_OR_RETURN(
      const Principal p,
      WriteExisting(route, PrincipalKind::kUser, key, [&](Engine::DirectoryWrite& write) {
        PIM_RETURN_IF_ERROR(CheckSameId(in.id, write.principal));
        ApplyUser(in, write.principal);
        if (!in.password.has_value()) return absl::OkStatus();
        return route.accounts->CheckNewPassword(write.principal, in.password->password);
      }));
  if (in.password.has_value()) {
    PIM_RETURN_IF_ERROR(
        route.accounts->SetPassword(p.id, in.password->password, in.password->force_change));
  }
  return HttpResponse::Empty(204);
}

// ---- Groups ----

absl::StatusOr<HttpResponse> CreateGroup(const Route& route, const json::object& body) {
  PIM_ASSIGN_OR_RETURN(const GroupInput in, ReadGroupBody(body, BodyMode::kCreate));
  Principal p;
  p.id = in.id.has_value() ? PrincipalId(*in.id) : route.engine.NewPrincipalId();
  p.kind = PrincipalKind::kGroup;
  p.display_name = in.display_name.value_or("");
  p.is_assignable_to_role = in.is_assignable_to_role.value_or(false);
  PIM_RETURN_IF_ERROR(
      route.engine.WriteDirectoryObject(route.ctx.caller, {p, std::nullopt, Binds(p.id, in)})
          .status());
  return Created(route, p);
}

absl::StatusOr<HttpResponse> UpdateGroup(const Route& route, std::string_view key,
                                         const json::object& body) {
  PIM_ASSIGN_OR_RETURN(const GroupInput in, ReadGroupBody(body, BodyMode::kUpdate));
  const absl::StatusOr<Principal> written =
      WriteExisting(route, PrincipalKind::kGroup, key, [&](Engine::DirectoryWrite& write) {
        PIM_RETURN_IF_ERROR(CheckSameId(in.id, write.principal));
        if (in.is_assignable_to_role.has_value() &&
            *in.is_assignable_to_role != write.principal.is_assignable_to_role) {
          return DirectoryBadRequest(
              "The property 'isAssignableToRole' can only be set when the group is created.");
        }
        if (in.display_name.has_value()) write.principal.display_name = *in.display_name;
        write.memberships = Binds(write.principal.id, in);
        return absl::OkStatus();
      });
  if (!written.ok()) return written.status();
  return HttpResponse::Empty(204);
}

// ---- Service principals ----

absl::StatusOr<HttpResponse> CreateServicePrincipal(const Route& route, const json::object& body) {
  PIM_ASSIGN_OR_RETURN(const ServicePrincipalInput in,
                       ReadServicePrincipalBody(body, BodyMode::kCreate));
  Principal p;
  p.id = in.id.has_value() ? PrincipalId(*in.id) : route.engine.NewPrincipalId();
  p.kind = PrincipalKind::kServicePrincipal;
  p.display_name = in.display_name.value_or("");
  p.enabled = in.account_enabled.value_or(true);
  PIM_RETURN_IF_ERROR(
      route.engine.WriteDirectoryObject(route.ctx.caller, {p, std::nullopt, {}}).status());
  return Created(route, p);
}

absl::StatusOr<HttpResponse> UpdateServicePrincipal(const Route& route, std::string_view key,
                                                    const json::object& body) {
  PIM_ASSIGN_OR_RETURN(const ServicePrincipalInput in,
                       ReadServicePrincipalBody(body, BodyMode::kUpdate));
  const absl::StatusOr<Principal> written = WriteExisting(
      route, PrincipalKind::kServicePrincipal, key, [&](Engine::DirectoryWrite& write) {
        PIM_RETURN_IF_ERROR(CheckSameId(in.id, write.principal));
        if (in.display_name.has_value()) write.principal.display_name = *in.display_name;
        if (in.account_enabled.has_value()) write.principal.enabled = *in.account_enabled;
        return absl::OkStatus();
      });
  if (!written.ok()) return written.status();
  return HttpResponse::Empty(204);
}

// ---- Any kind ----

absl::StatusOr<HttpResponse> Create(const Route& route, PrincipalKind kind) {
  PIM_ASSIGN_OR_RETURN(const json::object body, ParseObjectBody(route.ctx.http.body));
  switch (kind) {
    case PrincipalKind::kUser:
      return CreateUser(route, body);
    case PrincipalKind::kGroup:
      return CreateGroup(route, body);
    case PrincipalKind::kServicePrincipal:
      return CreateServicePrincipal(route, body);
  }
  return DirectoryBadRequest("Unknown kind of directory object.");
}

absl::StatusOr<HttpResponse> Update(const Route& route, PrincipalKind kind, std::string_view key) {
  PIM_ASSIGN_OR_RETURN(const json::object body, ParseObjectBody(route.ctx.http.body));
  switch (kind) {
    case PrincipalKind::kUser:
      return UpdateUser(route, key, body);
    case PrincipalKind::kGroup:
      return UpdateGroup(route, key, body);
    case PrincipalKind::kServicePrincipal:
      return UpdateServicePrincipal(route, key, body);
  }
  return DirectoryBadRequest("Unknown kind of directory object.");
}

absl::StatusOr<HttpResponse> Delete(const Route& route, PrincipalKind kind, std::string_view key) {
  const std::optional<Principal> current = FindPrincipal(route.engine, kind, key);
  if (!current.has_value()) return DirectoryNotFound(key);
  PIM_RETURN_IF_ERROR(route.engine.DeletePrincipal(route.ctx.caller, current->id));
  if (route.accounts != nullptr && kind != PrincipalKind::kGroup) {
    PIM_RETURN_IF_ERROR(route.accounts->ForgetPrincipal(current->id));
  }
  return HttpResponse::Empty(204);
}

// ---- Members and owners ----

absl::StatusOr<HttpResponse> AddReference(const Route& route, std::string_view group_key,
                                          GroupAccess access) {
  const std::optional<Principal> group =
      FindPrincipal(route.engine, PrincipalKind::kGroup, group_key);
  if (!group.has_value()) return DirectoryNotFound(group_key);
  PIM_ASSIGN_OR_RETURN(const json::object body, ParseObjectBody(route.ctx.http.body));
  for (const auto& kv : body) {
    const std::string_view key(kv.key().data(), kv.key().size());
    if (key != "@odata.id" && key != "@odata.type" && key != "@odata.context") {
      return DirectoryBadRequest(
          absl::StrCat("Property '", A(key.substr(0, 64)),
                       "' does not exist as a declared property or extension property."));
    }
  }
  PIM_ASSIGN_OR_RETURN(const std::optional<std::string> url,
                       ReadString(body, "@odata.id", "@odata.id"));
  if (!url.has_value()) return DirectoryBadRequest("The property '@odata.id' is required.");
  PIM_ASSIGN_OR_RETURN(const std::string id, ReferencedId(*url, "@odata.id"));
  if (!FindAnyPrincipal(route.engine, id).has_value()) return DirectoryNotFound(id);
  const std::string property(kGroupAccessNames.Name(access));
  const absl::Status added = route.engine.AddMembership(
      route.ctx.caller, DirectMembership{group->id, PrincipalId(id), access});
  if (!added.ok()) {
    std::string duplicate(kDuplicateReference);
    duplicate.replace(duplicate.find("{}"), 2, property + "s");
    return ToDirectoryError(added, duplicate);
  }
  return HttpResponse::Empty(204);
}

absl::StatusOr<HttpResponse> RemoveReference(const Route& route, std::string_view group_key,
                                             GroupAccess access, std::string_view member_key) {
  const std::optional<Principal> group =
      FindPrincipal(route.engine, PrincipalKind::kGroup, group_key);
  if (!group.has_value()) return DirectoryNotFound(group_key);
  if (!IsGuid(member_key)) return DirectoryNotFound(member_key);
  const std::string member = absl::AsciiStrToLower(A(member_key));
  // As in Entra, the Groups API overrides PIM: the standing membership and an active PIM
  // assignment of it are ended together (EndMembership).
  const absl::Status removed = route.engine.EndMembership(
      route.ctx.caller, DirectMembership{group->id, PrincipalId(member), access});
  if (removed.code() == absl::StatusCode::kNotFound &&
      ErrorCodeOf(removed) == code::kObjectNotFound) {
    return DirectoryNotFound(member_key);
  }
  PIM_RETURN_IF_ERROR(removed);
  return HttpResponse::Empty(204);
}

absl::StatusOr<HttpResponse> DispatchDirectoryWrite(const Route& route,
                                                    const std::vector<std::string>& seg) {
  const std::string& method = route.ctx.http.method;
  const PrincipalKind kind = KindOfSet(seg[0]);
  if (seg.size() == 1) {
    if (method == "POST") return Create(route, kind);
    return MethodNotAllowed(route, "GET, POST");
  }
  if (seg.size() == 2) {
    if (method == "PATCH") return Update(route, kind, seg[1]);
    if (method == "DELETE") return Delete(route, kind, seg[1]);
    return MethodNotAllowed(route, "GET, PATCH, DELETE");
  }
  if (kind == PrincipalKind::kServicePrincipal && seg.size() == 3 &&
      (seg[2] == "addKey" || seg[2] == "removeKey")) {
    if (method == "POST") return HandleKeyAction(route, seg[1], seg[2]);
    return MethodNotAllowed(route, "POST");
  }
  if (kind != PrincipalKind::kGroup || (seg[2] != "members" && seg[2] != "owners")) {
    return UnknownSegment(seg[2]);
  }
  const GroupAccess access = seg[2] == "members" ? GroupAccess::kMember : GroupAccess::kOwner;
  if (seg.size() == 3) return MethodNotAllowed(route, "GET");
  if (seg.size() == 4 && seg[3] == "$ref") {
    if (method == "POST") return AddReference(route, seg[1], access);
    return MethodNotAllowed(route, "POST");
  }
  if (seg.size() == 5 && seg[4] == "$ref") {
    if (method == "DELETE") return RemoveReference(route, seg[1], access, seg[3]);
    return MethodNotAllowed(route, "DELETE");
  }
  return UnknownSegment(seg.size() > 4 ? seg[4] : seg[3]);
}

}  // namespace

absl::StatusOr<HttpResponse> HandleDirectoryWrite(const Route& route,
                                                  const std::vector<std::string>& seg) {
  absl::StatusOr<HttpResponse> response = DispatchDirectoryWrite(route, seg);
  if (!response.ok()) return ToDirectoryError(response.status());
  return response;
}

}  // namespace pim::api::graph
