// Certificate credentials of service principals in Graph's shape: the keyCredential body both
// pim's POST /pim/v1/servicePrincipals/{id}/keys and Graph's addKey take, and Graph's
//
//   POST /servicePrincipals/{id}/addKey     {"keyCredential": {...}, "passwordCredential": null,
//                                            "proof": "..."}   200 + the keyCredential
//   POST /servicePrincipals/{id}/removeKey  {"keyId": "...", "proof": "..."}   204
//
// Entra demands `proof` (a JWT signed with an existing key) only because an application may
// roll its own keys there. pim is the authority: the caller must be allowed to change the
// service principal (the engine's directory rules, as for PATCH), and `proof` is not checked.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "api/graph/graph_routes.h"
#include "boost/json/object.hpp"
#include "pim/api/account_admin.h"
#include "pim/api/http.h"

namespace pim::api::graph {

// What a keyCredential body registers.
struct KeyCredentialUpload {
  std::string certificate;  // base64 DER or PEM, as sent
  std::string display_name;
};

// Reads a Graph keyCredential {"type": "AsymmetricX509Cert", "usage": "Verify", "key": "...",
// "displayName"?}. Members Graph derives from the certificate (keyId, customKeyIdentifier,
// startDateTime, endDateTime) may only be null. Errors: InvalidArgument with code BadRequest
// naming the member at fault.
[[nodiscard]] absl::StatusOr<KeyCredentialUpload> ReadKeyCredential(
    const boost::json::object& body);

// Graph's keyCredential for a registered certificate ("key" is null, as Graph answers).
[[nodiscard]] boost::json::object KeyCredentialToJson(const KeyCredentialInfo& credential);

// Serves POST /servicePrincipals/{sp_key}/{action} for action "addKey" or "removeKey". Errors
// are statuses for the directory's GraphError: Request_BadRequest, Request_ResourceNotFound,
// Authorization_RequestDenied; CertificateExpired (400) for an expired certificate.
[[nodiscard]] absl::StatusOr<HttpResponse> HandleKeyAction(const Route& route,
                                                           std::string_view sp_key,
                                                           std::string_view action);

}  // namespace pim::api::graph
