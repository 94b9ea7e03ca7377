// End to end through the dispatcher: any method, request-target and body, sent with a valid
// token of a Global Administrator to an ApiService over a small directory (in-memory store,
// manual test clock), is answered without a crash or exception: a status in [200, 599] other
// than 500, the X-Pim-Revision header, valid JSON whenever the Content-Type says so, and for
// every 4xx/5xx a JSON body whose error.code is a non-empty string.
//
// Input: method, '\n', request-target, '\n', body. The world is rebuilt every kRounds inputs
// so that what earlier inputs created stays bounded.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "boost/json/parse.hpp"
#include "boost/json/value.hpp"
#include "fuzz_check.h"
#include "fuzz_harness.h"
#include "pim/api/api_service.h"
#include "pim/api/authenticator.h"
#include "pim/domain/role_definition.h"
#include "pim/domain/scope.h"
#include "pim/domain/status.h"
#include "pim/engine/engine.h"
#include "pim/engine/id_generator.h"
#include "pim/engine/manual_clock.h"
#include "pim/store/memory_store.h"

namespace {

constexpr char kToken[] = "fuzz-admin-token-0123456789abcdef0123456789";
constexpr char kAdmin[] = "5b2e7c10-0000-4000-8000-00000000b001";
constexpr char kUser[] = "5b2e7c10-0000-4000-8000-00000000b002";
constexpr char kGroup[] = "9a1c2d3e-0000-4000-8000-00000000a001";
constexpr char kSub[] = "/subscriptions/0d0d0d0d-0000-4000-8000-00000000d001";
constexpr int kRounds = 512;

// Aborts (outside any input) when building the world fails.
void Require(bool ok, const char* what) {
  if (!ok) pim::fuzz::Fail(what, "", __FILE__, __LINE__);
}

// One engine and service over a fresh store: an admin holding Global Administrator and Owner at
// a subscription, a user, a role-assignable group with the user as member.
// The admin's bearer string, with MFA performed now; anything else is unauthenticated.
class OneTokenAuthenticator final : public pim::api::Authenticator {
 public:
  explicit OneTokenAuthenticator(const pim::Clock& clock) : clock_(clock) {}
  absl::StatusOr<pim::Caller> Authenticate(const pim::api::HttpRequest& request) const override {
    if (request.Header("authorization") != std::string("Bearer ") + kToken) {
      return pim::Error(absl::StatusCode::kUnauthenticated, pim::api::kInvalidAuthenticationToken,
                        "Access token is invalid.");
    }
    return pim::Caller::User(kAdmin).WithMfa(clock_.Now());
  }

 private:
  const pim::Clock& clock_;
};

class World {
 public:
  World() {
    auto engine = pim::Engine::Open(store_, clock_, ids_);
    Require(engine.ok(), "Engine::Open");
    engine_ = std::move(*engine);
    listener_ = clock_.AddListener([this](absl::Time) { (void)engine_->RunDue(); });
    const pim::Caller system = pim::Caller::System();
    AddPrincipal(kAdmin, pim::PrincipalKind::kUser, "Ada Admin");
    AddPrincipal(kUser, pim::PrincipalKind::kUser, "Uma User");
    AddPrincipal(kGroup, pim::PrincipalKind::kGroup, "Ops");
    Require(engine_
                ->AddMembership(
                    system, pim::DirectMembership{pim::PrincipalId(kGroup), pim::PrincipalId(kUser),
                                                  pim::GroupAccess::kMember})
                .ok(),
            "AddMembership");
    pim::ScopeNode sub;
    sub.path = kSub;
    sub.kind = pim::ScopeKind::kSubscription;
    sub.parent = "/";
    sub.display_name = "Dev subscription";
    Require(engine_->RegisterScope(system, sub).ok(), "RegisterScope");
    Assign(pim::DirectoryRoleTarget(pim::role::kGlobalAdministrator, "/"));
    Assign(pim::ResourceRoleTarget(pim::role::kOwner, kSub));
    auth_ = std::make_unique<OneTokenAuthenticator>(clock_);
    service_ = std::make_unique<pim::api::ApiService>(*engine_, store_, clock_, *auth_,
                                                      pim::api::ApiOptions{}, &clock_);
  }
  ~World() { clock_.RemoveListener(listener_); }
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  pim::api::ApiService& service() { return *service_; }

 private:
  void AddPrincipal(const char* id, pim::PrincipalKind kind, const char* name) {
    pim::Principal p;
    p.id = pim::PrincipalId(id);
    p.kind = kind;
    p.display_name = name;
    p.is_assignable_to_role = kind == pim::PrincipalKind::kGroup;
    Require(engine_->PutPrincipal(pim::Caller::System(), p).ok(), "PutPrincipal");
  }
  void Assign(const pim::Target& target) {
    pim::RequestInput in;
    in.kind = pim::ScheduleKind::kAssignment;
    in.action = pim::RequestAction::kAdminAssign;
    in.principal = pim::PrincipalId(kAdmin);
    in.target = target;
    in.schedule_info.expiration.type = pim::ExpirationType::kNoExpiration;
    in.justification = "bootstrap";
    Require(engine_->Submit(pim::Caller::System(), in).ok(), "Submit");
  }

  pim::ManualClock clock_{
      absl::FromCivil(absl::CivilSecond(2026, 1, 5, 9, 0, 0), absl::UTCTimeZone())};
  pim::SequentialIdGenerator ids_{1000};
  pim::MemoryStore store_;
  std::unique_ptr<pim::Engine> engine_;
  int listener_ = -1;
  std::unique_ptr<OneTokenAuthenticator> auth_;
  std::unique_ptr<pim::api::ApiService> service_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  World& world = pim::fuzz::WorldRebuiltEvery<World>(kRounds);
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string_view rest = input;
  pim::api::HttpRequest request = pim::fuzz::RequestFromLines(rest);
  request.body = std::string(rest);
  request.base_url = "https://pim.test:8443";
  request.request_id = "fuzz-1";
  request.remote_address = "127.0.0.1";
  request.headers.emplace_back("authorization", std::string("Bearer ") + kToken);
  if (!request.body.empty()) request.headers.emplace_back("content-type", "application/json");

  const pim::api::HttpResponse response = world.service().Handle(request);
  PIM_FUZZ_CHECK(response.status >= 200 && response.status <= 599, input);
  PIM_FUZZ_CHECK(response.status != 500, input);  // an exception or a broken invariant
  PIM_FUZZ_CHECK(!response.Header("X-Pim-Revision").empty(), input);
  const std::string_view content_type = response.Header("Content-Type");
  const bool is_json = content_type.find("application/json") != std::string_view::npos;
  boost::json::value body;
  if (is_json) {
    boost::system::error_code ec;
    body = boost::json::parse(response.body, ec);
    PIM_FUZZ_CHECK(!ec, input);
  }
  if (response.status >= 400) {
    PIM_FUZZ_CHECK(is_json && body.is_object(), input);
    const boost::json::value* error = body.as_object().if_contains("error");
    PIM_FUZZ_CHECK(error != nullptr && error->is_object(), input);
    const boost::json::value* code = error->as_object().if_contains("code");
    PIM_FUZZ_CHECK(code != nullptr && code->is_string() && !code->as_string().empty(), input);
  }
  if (response.status == 204) PIM_FUZZ_CHECK(response.body.empty(), input);
  return 0;
}
