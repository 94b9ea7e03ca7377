#include "api/graph/key_credential_routes.h"

#include "absl/strings/str_cat.h"
#include "api/common/json_body.h"
#include "api/graph/directory_wire.h"
#include "api/graph/graph_wire.h"
#include "boost/json/serialize.hpp"
#include "pim/domain/iso8601.h"
#include "pim/domain/status.h"

namespace pim::api::graph {
namespace json = boost::json;
namespace {

constexpr std::string_view kCertificateType = "AsymmetricX509Cert";

using json_body::A;
std::string_view View(const json::string& s) { return {s.data(), s.size()}; }

// Only members a Graph client may send besides the request's own.
absl::Status OnlyMembers(const json::object& body, std::initializer_list<std::string_view> known) {
  for (const auto& kv : body) {
    const std::string_view key(kv.key().data(), kv.key().size());
    bool ok = key == "@odata.type";
    for (const std::string_view k : known) ok = ok || key == k;
    if (!ok) {
      return DirectoryBadRequest(
          absl::StrCat("Property '", A(key.substr(0, 64)),
                       "' does not exist as a declared property or extension property."));
    }
  }
  return absl::OkStatus();
}

// The caller may change `sp`'s credentials exactly when it may change the service principal: a
// no-op directory write asks the engine's rules without changing anything.
absl::StatusOr<Principal> AuthorizedServicePrincipal(const Route& route, std::string_view key) {
  const std::optional<Principal> sp =
      FindPrincipal(route.engine, PrincipalKind::kServicePrincipal, key);
  if (!sp.has_value()) return DirectoryNotFound(key);
  PIM_RETURN_IF_ERROR(
      route.engine.WriteDirectoryObject(route.ctx.caller, Engine::DirectoryWrite{*sp, *sp, {}})
          .status());
  return *sp;
}

absl::StatusOr<HttpResponse> AddKey(const Route& route, const Principal& sp,
                                    const json::object& body) {
  PIM_RETURN_IF_ERROR(OnlyMembers(body, {"keyCredential", "passwordCredential", "proof"}));
  const json::value* credential = body.if_contains("keyCredential");
  if (credential == nullptr || !credential->is_object()) {
    return DirectoryBadRequest("addKey needs a keyCredential object.");
  }
  if (const json::value* password = body.if_contains("passwordCredential");
      password != nullptr && !password->is_null()) {
    return DirectoryBadRequest(
        "Password credentials of service principals are client secrets: use POST "
        "/pim/v1/servicePrincipals/{id}/secrets.");
  }
  PIM_ASSIGN_OR_RETURN(const KeyCredentialUpload upload,
                       ReadKeyCredential(credential->get_object()));
  PIM_ASSIGN_OR_RETURN(
      const KeyCredentialInfo added,
      route.accounts->AddCertificateCredential(sp.id, upload.certificate, upload.display_name));
  json::object out{{"@odata.context", absl::StrCat(route.ctx.http.base_url, "/", A(route.version),
                                                   "/$metadata#microsoft.graph.keyCredential")}};
  for (auto& kv : KeyCredentialToJson(added)) out.emplace(kv.key(), std::move(kv.value()));
  return HttpResponse::Json(200, json::serialize(out));
}

absl::StatusOr<HttpResponse> RemoveKey(const Route& route, const Principal& sp,
                                       const json::object& body) {
  PIM_RETURN_IF_ERROR(OnlyMembers(body, {"keyId", "proof"}));
  const json::value* key_id = body.if_contains("keyId");
  if (key_id == nullptr || !key_id->is_string() || key_id->get_string().empty()) {
    return DirectoryBadRequest("removeKey needs the keyId of the key to remove.");
  }
  const absl::Status removed =
      route.accounts->RemoveKeyCredential(sp.id, View(key_id->get_string()));
  if (removed.code() == absl::StatusCode::kNotFound) {
    return DirectoryBadRequest("No key credential of this service principal has that keyId.");
  }
  PIM_RETURN_IF_ERROR(removed);
  return HttpResponse::Empty(204);
}

}  // namespace

absl::StatusOr<KeyCredentialUpload> ReadKeyCredential(const json::object& body) {
  KeyCredentialUpload out;
  for (const auto& kv : body) {
    const std::string_view name(kv.key().data(), kv.key().size());
    const json::value& value = kv.value();
    if (name == "type") {
      if (!value.is_string() || View(value.get_string()) != kCertificateType) {
        return json_body::Bad("Only keyCredentials of type \"AsymmetricX509Cert\" are supported.");
      }
    } else if (name == "usage") {
      if (!value.is_string() || View(value.get_string()) != "Verify") {
        return json_body::Bad("A certificate credential has usage \"Verify\".");
      }
    } else if (name == "key") {
      if (!value.is_string()) {
        return json_body::Bad("\"key\" is the certificate in base64 DER or PEM.");
      }
      out.certificate = std::string(View(value.get_string()));
    } else if (name == "displayName") {
      if (!value.is_string() && !value.is_null()) {
        return json_body::Bad("\"displayName\" is a string.");
      }
      if (value.is_string()) out.display_name = std::string(View(value.get_string()));
    } else if (name == "@odata.type") {
      continue;
    } else if (name == "keyId" || name == "customKeyIdentifier" || name == "startDateTime" ||
               name == "endDateTime") {
      if (!value.is_null()) {
        return json_body::Bad(
            absl::StrCat("\"", A(name), "\" is taken from the certificate; leave it out."));
      }
    } else {
      return json_body::Bad(
          absl::StrCat("Unknown keyCredential member ", json_body::Quote(name), "."));
    }
  }
  if (!body.contains("type")) return json_body::Bad("\"type\" (AsymmetricX509Cert) is required.");
  if (!body.contains("usage"))
    return json_body::Bad("A certificate credential has usage \"Verify\".");
  if (out.certificate.empty()) return json_body::Bad("\"key\" (the certificate) is required.");
  return out;
}

json::object KeyCredentialToJson(const KeyCredentialInfo& credential) {
  return json::object{{"customKeyIdentifier", credential.custom_key_identifier},
                      {"displayName", StringOrNull(credential.display_name)},
                      {"endDateTime", FormatDateTime(credential.end)},
                      {"key", nullptr},
                      {"keyId", credential.key_id},
                      {"startDateTime", FormatDateTime(credential.start)},
                      {"type", kCertificateType},
                      {"usage", "Verify"}};
}

absl::StatusOr<HttpResponse> HandleKeyAction(const Route& route, std::string_view sp_key,
                                             std::string_view action) {
  if (route.accounts == nullptr) {
    return DirectoryBadRequest("Key credentials are not managed by this server.");
  }
  PIM_ASSIGN_OR_RETURN(const Principal sp, AuthorizedServicePrincipal(route, sp_key));
  PIM_ASSIGN_OR_RETURN(const json::object body, ParseObjectBody(route.ctx.http.body));
  return action == "addKey" ? AddKey(route, sp, body) : RemoveKey(route, sp, body);
}

}  // namespace pim::api::graph
