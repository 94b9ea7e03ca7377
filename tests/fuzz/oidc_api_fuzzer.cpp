// The endpoints served without a bearer token (OidcApi: discovery, keys, token, authorize and the
// sign-in page, revoke, the account endpoints): any method, request-target, content type,
// Authorization header and body is answered without a crash or exception, and:
//   - a status in [200, 599] other than 500;
//   - a JSON Content-Type only on a valid JSON body, and an error status with a JSON body names
//     its error (RFC 6749 `error`, or pim's `error.code`);
//   - a body carrying a token is `Cache-Control: no-store`;
//   - no header value holds a control character (no header splitting through a redirect);
//   - a redirect goes only to a registered redirect URI, a loopback one, or this server.
//
// Input: method, '\n', request-target, '\n', Content-Type, '\n', Authorization, '\n', body.
// The world (a user with a password, the pimctl client and one web client) is rebuilt every
// kRounds inputs so that sign-in lockouts and issued tokens stay bounded.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "boost/json/parse.hpp"
#include "boost/json/value.hpp"
#include "fuzz_check.h"
#include "fuzz_harness.h"
#include "pim/accounts/account_service.h"
#include "pim/accounts/sealed_credential_store.h"
#include "pim/accounts/token_service.h"
#include "pim/api/oidc/oidc_api.h"
#include "pim/engine/engine.h"
#include "pim/engine/id_generator.h"
#include "pim/engine/manual_clock.h"
#include "pim/identity/password_policy.h"
#include "pim/identity/secret_box.h"
#include "pim/identity/signing_key_ring.h"
#include "pim/store/memory_store.h"
#include "pim/store/sqlite_credential_store.h"

namespace {

constexpr char kUser[] = "5b2e7c10-0000-4000-8000-00000000c001";
constexpr char kWebRedirect[] = "https://app.contoso.test/cb";
constexpr int kRounds = 256;

void Require(bool ok, const char* what) {
  if (!ok) pim::fuzz::Fail(what, "", __FILE__, __LINE__);
}

absl::Time Start() {
  return absl::FromCivil(absl::CivilSecond(2026, 1, 5, 9, 0, 0), absl::UTCTimeZone());
}

// One signing key ring for the process, in a directory of its own.
pim::identity::SigningKeyRing& Keys() {
  static pim::identity::SigningKeyRing* keys = [] {
    char dir[] = "/tmp/pim-oidc-fuzzer.XXXXXX";
    Require(mkdtemp(dir) != nullptr, "mkdtemp");
    auto ring = pim::identity::SigningKeyRing::Open(std::filesystem::path(dir) / "keys", Start());
    Require(ring.ok(), "SigningKeyRing::Open");
    return new pim::identity::SigningKeyRing(std::move(*ring));
  }();
  return *keys;
}

class World {
 public:
  World() {
    auto engine = pim::Engine::Open(store_, clock_, ids_);
    Require(engine.ok(), "Engine::Open");
    engine_ = std::move(*engine);
    pim::Principal p;
    p.id = pim::PrincipalId(kUser);
    p.kind = pim::PrincipalKind::kUser;
    p.display_name = "Ada Lovelace";
    p.mail = "ada@contoso.test";
    Require(engine_->PutPrincipal(pim::Caller::System(), p).ok(), "PutPrincipal");

    auto raw = pim::SqliteCredentialStore::Open(":memory:");
    Require(raw.ok(), "SqliteCredentialStore::Open");
    raw_credentials_ = std::move(*raw);
    credentials_ = std::make_unique<pim::accounts::SealedCredentialStore>(
        *raw_credentials_, pim::identity::SecretBox::Generate(),
        pim::accounts::SealedCredentialKinds());
    Require(credentials_->Prepare().ok(), "Prepare");
    pim::accounts::AccountOptions account_options;
    account_options.hash_params = pim::identity::PasswordHashParams::ForTests();
    accounts_ = std::make_unique<pim::accounts::AccountService>(*credentials_, *engine_, clock_,
                                                                account_options);
    Require(accounts_->SetPassword(p.id, "correct horse battery staple", false).ok(),
            "SetPassword");
    pim::accounts::TokenOptions token_options;
    token_options.issuer = "https://pim.test";
    token_options.tenant_id = "11111111-1111-4111-8111-111111111111";
    tokens_ = std::make_unique<pim::accounts::TokenService>(Keys(), *credentials_, *engine_, clock_,
                                                            token_options);
    pim::api::OidcOptions oidc_options;
    oidc_options.clients.push_back({"web-app", {kWebRedirect}, false});
    oidc_ = std::make_unique<pim::api::OidcApi>(*accounts_, *tokens_, clock_, oidc_options);
  }

  pim::api::OidcApi& oidc() { return *oidc_; }

 private:
  pim::ManualClock clock_{Start()};
  pim::SequentialIdGenerator ids_{1000};
  pim::MemoryStore store_;
  std::unique_ptr<pim::Engine> engine_;
  std::unique_ptr<pim::SqliteCredentialStore> raw_credentials_;
  std::unique_ptr<pim::accounts::SealedCredentialStore> credentials_;
  std::unique_ptr<pim::accounts::AccountService> accounts_;
  std::unique_ptr<pim::accounts::TokenService> tokens_;
  std::unique_ptr<pim::api::OidcApi> oidc_;
};

bool RedirectAllowed(std::string_view location) {
  for (const std::string_view allowed :
       {std::string_view(kWebRedirect), std::string_view("http://127.0.0.1:"),
        std::string_view("http://127.0.0.1/"), std::string_view("http://[::1]:"),
        std::string_view("http://[::1]/"), std::string_view("http://localhost:"),
        std::string_view("http://localhost/")}) {
    if (location.starts_with(allowed)) {
      // Nothing may follow the registered URI but its query.
      const std::string_view rest = location.substr(allowed.size());
      return allowed != kWebRedirect || rest.empty() || rest.front() == '?';
    }
  }
  // Within this server: an absolute path, never a scheme-relative "//host".
  return location.starts_with("/") && !location.starts_with("//");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  World& world = pim::fuzz::WorldRebuiltEvery<World>(kRounds);
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string_view rest = input;
  pim::api::HttpRequest request = pim::fuzz::RequestFromLines(rest);
  const std::string_view content_type = pim::fuzz::NextLine(rest);
  const std::string_view authorization = pim::fuzz::NextLine(rest);
  request.body = std::string(rest);
  request.remote_address = "10.1.1.1";
  request.base_url = "https://pim.test";
  if (!content_type.empty()) request.headers.emplace_back("content-type", content_type);
  if (!authorization.empty()) request.headers.emplace_back("authorization", authorization);

  const std::size_t q = request.target.find('?');
  const std::string path = request.target.substr(0, q);
  if (!pim::api::OidcApi::Owns(path)) return 0;
  const pim::api::HttpResponse response = world.oidc().Handle(
      request, path, q == std::string::npos ? "" : request.target.substr(q + 1));

  PIM_FUZZ_CHECK(response.status >= 200 && response.status <= 599, input);
  PIM_FUZZ_CHECK(response.status != 500, input);
  for (const auto& [name, value] : response.headers) {
    for (const char c : name + value) {
      PIM_FUZZ_CHECK(static_cast<unsigned char>(c) >= 0x20 && c != 0x7f, input);
    }
  }
  if (response.Header("Content-Type").starts_with("application/json")) {
    boost::system::error_code ec;
    const boost::json::value body = boost::json::parse(response.body, ec);
    PIM_FUZZ_CHECK(!ec, input);
    if (response.status >= 400) {
      PIM_FUZZ_CHECK(body.is_object(), input);
      const auto& object = body.as_object();
      const auto* oauth = object.if_contains("error");
      const bool named = oauth != nullptr && ((oauth->is_string() && !oauth->as_string().empty()) ||
                                              (oauth->is_object() &&
                                               oauth->as_object().if_contains("code") != nullptr &&
                                               oauth->as_object().at("code").is_string() &&
                                               !oauth->as_object().at("code").as_string().empty()));
      PIM_FUZZ_CHECK(named, input);
    }
    if (body.is_object() &&
        (body.as_object().contains("access_token") || body.as_object().contains("refresh_token"))) {
      PIM_FUZZ_CHECK(response.Header("Cache-Control") == "no-store", input);
    }
  }
  if (const std::string_view location = response.Header("Location"); !location.empty()) {
    PIM_FUZZ_CHECK(RedirectAllowed(location), input);
  }
  return 0;
}
