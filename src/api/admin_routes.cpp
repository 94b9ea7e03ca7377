// pim's administrative endpoints (docs/api.md): signing-key rotation, bulk directory import,
// and the credentials of service principals (client secrets, and public keys -- bare JWKs or
// X.509 certificates as Graph keyCredentials -- for signed client assertions). Who may change a
// service principal's credentials is who may change the service principal itself: the engine's
// directory rules decide (a no-op directory write authorises without changing anything).
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "api/common/json_body.h"
#include "api/graph/directory_import.h"
#include "api/graph/key_credential_routes.h"
#include "boost/json.hpp"
#include "pim/api/api_error.h"
#include "pim/api/api_service.h"
#include "pim/domain/iso8601.h"
#include "pim/domain/role_definition.h"
#include "pim/domain/status.h"

namespace pim::api {
namespace {

constexpr std::string_view kPrefix = "/pim/v1/servicePrincipals/";

using json_body::Bad;

absl::Status NotFound() {
  return Error(absl::StatusCode::kNotFound, code::kObjectNotFound, "No such service principal.");
}

// The caller may change `id`'s credentials exactly when it may change the service principal.
absl::Status AuthorizeCredentials(Engine& engine, const Caller& caller, const std::string& id) {
  std::optional<Principal> sp;
  engine.Read([&](const State& s) {
    if (const Principal* p = s.FindPrincipal(id);
        p != nullptr && p->kind == PrincipalKind::kServicePrincipal) {
      sp = *p;
    }
  });
  if (!sp) return NotFound();
  return engine.WriteDirectoryObject(caller, Engine::DirectoryWrite{*sp, *sp, {}}).status();
}

std::string Iso(absl::Time t) { return FormatDateTime(t); }

// A registered key as Graph's keyCredential (certificates) or its pim equivalent for a bare JWK;
// the key material itself is never returned ("key": null, as Graph answers reads).
boost::json::object KeyCredentialJson(const accounts::ClientKeyInfo& k) {
  const bool certificate = k.type == accounts::kCertificateCredentialType;
  const auto time_or_null = [](absl::Time t) -> boost::json::value {
    if (t == absl::InfinitePast() || t == absl::InfiniteFuture()) return nullptr;
    return boost::json::value(Iso(t));
  };
  boost::json::object o{{"keyId", k.key_id},
                        {"type", k.type},
                        {"usage", "Verify"},
                        {"displayName", k.display_name},
                        {"key", nullptr},
                        {"startDateTime", time_or_null(k.start)},
                        {"endDateTime", time_or_null(k.end)},
                        {"alg", k.alg}};
  if (certificate) {
    o["customKeyIdentifier"] = k.thumbprint;  // Graph: the SHA-1 thumbprint, uppercase hex
    o["thumbprint"] = k.thumbprint;
    o["thumbprintSha256"] = k.thumbprint_sha256;
    o["subject"] = k.subject;
  } else {
    o["customKeyIdentifier"] = nullptr;
  }
  return o;
}

}  // namespace

HttpResponse ApiService::RotateSigningKeys(const RequestContext& ctx) {
  if (ctx.http.method != "POST") return GraphError(Bad("rotate takes POST."), ctx);
  const bool global_admin =
      ctx.caller.is_system ||
      engine_.Check(ctx.caller.id.str(), DirectoryRoleTarget(role::kGlobalAdministrator)).allowed;
  if (!global_admin) {
    return GraphError(Error(absl::StatusCode::kPermissionDenied, code::kAuthorizationFailed,
                            "Only a Global Administrator can rotate the signing keys."),
                      ctx);
  }
  if (oidc_ == nullptr) return GraphError(NotFound(), ctx);
  if (auto s = oidc_->tokens().RotateKeys(); !s.ok()) return GraphError(s, ctx);
  return HttpResponse::Json(200, boost::json::serialize(boost::json::object{
                                     {"currentKeyId", oidc_->tokens().CurrentKeyId()}}));
}

HttpResponse ApiService::DirectoryImport(const RequestContext& ctx) {
  if (ctx.http.method != "POST") return GraphError(Bad("import takes POST."), ctx);
  auto report = ImportDirectory(engine_, accounts_, ctx.caller, ctx.http.body,
                                ctx.http.Header("content-type"));
  if (!report.ok()) return GraphError(report.status(), ctx);
  return HttpResponse::Json(200, boost::json::serialize(*report));
}

HttpResponse ApiService::ServicePrincipalCredentials(const RequestContext& ctx) {
  if (accounts_ == nullptr) return GraphError(NotFound(), ctx);
  // {id}/secrets, {id}/secrets/{keyId}, {id}/keys, {id}/keys/{keyId}
  const std::vector<std::string> parts =
      absl::StrSplit(std::string(ctx.path.substr(kPrefix.size())), '/');
  if (parts.size() < 2 || parts.size() > 3 || (parts[1] != "secrets" && parts[1] != "keys")) {
    return GraphError(
        Error(absl::StatusCode::kNotFound, code::kObjectNotFound, "No such resource."), ctx);
  }
  const std::string& id = parts[0];
  const bool secrets = parts[1] == "secrets";
  const std::string_view method = ctx.http.method;
  if (auto s = AuthorizeCredentials(engine_, ctx.caller, id); !s.ok()) return GraphError(s, ctx);
  const PrincipalId sp(id);

  if (parts.size() == 3) {
    if (method != "DELETE") return GraphError(Bad("Use DELETE to remove a credential."), ctx);
    const absl::Status removed = secrets ? accounts_->RemoveClientSecret(sp, parts[2])
                                         : accounts_->RemoveClientKey(sp, parts[2]);
    return removed.ok() ? HttpResponse::Empty(204) : GraphError(removed, ctx);
  }
  if (!secrets && method == "GET") {
    auto list = accounts_->ListClientKeys(sp);
    if (!list.ok()) return GraphError(list.status(), ctx);
    boost::json::array value;
    for (const auto& k : *list) value.push_back(KeyCredentialJson(k));
    return HttpResponse::Json(200, boost::json::serialize(boost::json::object{{"value", value}}));
  }
  if (secrets && method == "GET") {
    auto list = accounts_->ListClientSecrets(sp);
    if (!list.ok()) return GraphError(list.status(), ctx);
    boost::json::array value;
    for (const auto& s : *list) {
      value.push_back(boost::json::object{
          {"keyId", s.key_id}, {"hint", s.hint}, {"endDateTime", Iso(s.expires)}});
    }
    return HttpResponse::Json(200, boost::json::serialize(boost::json::object{{"value", value}}));
  }
  if (method != "POST") return GraphError(Bad("Use POST to add a credential."), ctx);
  boost::json::parse_options options;
  options.max_depth = 8;
  boost::system::error_code ec;
  const boost::json::value body = boost::json::parse(ctx.http.body, ec, {}, options);
  if (ec || !body.is_object()) return GraphError(Bad("The body must be a JSON object."), ctx);
  if (!secrets && body.as_object().contains("type")) {
    auto upload = graph::ReadKeyCredential(body.as_object());
    if (!upload.ok()) return GraphError(upload.status(), ctx);
    auto added = accounts_->AddClientCertificate(sp, upload->certificate, upload->display_name);
    if (!added.ok()) return GraphError(added.status(), ctx);
    return HttpResponse::Json(201, boost::json::serialize(KeyCredentialJson(*added)));
  }
  if (!secrets) {
    auto kid = accounts_->AddClientKey(sp, ctx.http.body);
    if (!kid.ok()) return GraphError(kid.status(), ctx);
    return HttpResponse::Json(201, boost::json::serialize(boost::json::object{{"keyId", *kid}}));
  }
  absl::Duration lifetime = absl::Hours(24 * 180);
  for (const auto& [key, value] : body.as_object()) {
    if (key != "lifetime") return GraphError(Bad("Only \"lifetime\" may be given."), ctx);
    if (!value.is_string()) return GraphError(Bad("\"lifetime\" is an ISO 8601 duration."), ctx);
    auto d = ParseIsoDuration(std::string(value.as_string()));
    if (!d.ok()) return GraphError(Bad("\"lifetime\" is an ISO 8601 duration."), ctx);
    lifetime = *d;
  }
  auto secret = accounts_->AddClientSecret(sp, lifetime);
  if (!secret.ok()) return GraphError(secret.status(), ctx);
  HttpResponse r = HttpResponse::Json(
      201, boost::json::serialize(boost::json::object{{"keyId", secret->key_id},
                                                      {"secretText", secret->secret_text},
                                                      {"hint", secret->hint},
                                                      {"endDateTime", Iso(secret->expires)}}));
  r.SetHeader("Cache-Control", "no-store");
  return r;
}

}  // namespace pim::api
