// The front door of pimd's API: frames the path, assigns the request context, authenticates
// the caller and dispatches to the surface that owns the path — Graph (/v1.0, /beta), ARM
// (/.../providers/Microsoft.Authorization/..., /pim/v1/resources) or pim's own API
// (/pim/v1/check, /pim/v1/watch, and /pim/v1/test/clock in test-clock mode). Errors are
// answered in the format of the surface the path belongs to.
//
// Every response carries `X-Pim-Revision`: the engine revision after the request was served,
// so a client can demand an answer at least that fresh later (check's minRevision).
//
// Thread-safe; Handle never throws.
#pragma once

#include <memory>

#include "pim/accounts/account_service.h"
#include "pim/api/api_options.h"
#include "pim/api/arm/arm_api.h"
#include "pim/api/authenticator.h"
#include "pim/api/graph/graph_api.h"
#include "pim/api/http.h"
#include "pim/api/oidc/oidc_api.h"
#include "pim/api/watch_feed.h"
#include "pim/audit/audit_log.h"
#include "pim/engine/clock.h"
#include "pim/engine/engine.h"
#include "pim/engine/manual_clock.h"
#include "pim/engine/store.h"
#include "pim/notify/delivery_store.h"

namespace pim::api {

class ApiService {
 public:
  // `test_clock`, when given, is the engine's clock and enables /pim/v1/test/clock. `oidc`,
  // when given, serves the sign-in and token endpoints (OidcApi::Owns); `accounts`, when given,
  // manages passwords of users created through Graph and service-principal credentials;
  // `audit`, when given, serves /pim/v1/audit/entries and /pim/v1/audit/keys; `notifications`,
  // when given, serves /pim/v1/notifications/deadLetters. All references must outlive the
  // service.
  ApiService(Engine& engine, Store& store, const Clock& clock, const Authenticator& authenticator,
             ApiOptions options, ManualClock* test_clock = nullptr, OidcApi* oidc = nullptr,
             accounts::AccountService* accounts = nullptr, audit::AuditLog* audit = nullptr,
             notify::DeliveryStore* notifications = nullptr);

  [[nodiscard]] HttpResponse Handle(const HttpRequest& request);

  [[nodiscard]] const WatchFeed& watch_feed() const { return watch_; }

 private:
  HttpResponse HandlePim(const RequestContext& ctx);
  HttpResponse Check(const RequestContext& ctx);
  // POST /pim/v1/signingKeys/rotate (Global Administrators): a new key signs from now on.
  HttpResponse RotateSigningKeys(const RequestContext& ctx);
  // POST /pim/v1/directory/import: users and groups from JSON or CSV, row by row.
  HttpResponse DirectoryImport(const RequestContext& ctx);
  // /pim/v1/servicePrincipals/{id}/secrets[/{keyId}] and /keys[/{keyId}].
  HttpResponse ServicePrincipalCredentials(const RequestContext& ctx);
  // Whether `caller` may see anyone's access and the change feed: an active Global
  // Administrator, Privileged Role Administrator, Security Administrator, Security Reader or
  // Global Reader.
  [[nodiscard]] bool MayReadAllAccess(const Caller& caller) const;
  HttpResponse TestClock(const RequestContext& ctx);
  // GET /pim/v1/audit/entries (audit readers) and /pim/v1/audit/keys (anyone signed in):
  // audit_routes.cpp.
  HttpResponse AuditEntries(const RequestContext& ctx);
  HttpResponse AuditKeys(const RequestContext& ctx);
  // /pim/v1/notifications/deadLetters[/{id}/replay]: notification_routes.cpp.
  HttpResponse Notifications(const RequestContext& ctx);
  HttpResponse Watch(const RequestContext& ctx);

  Engine& engine_;
  const Clock& clock_;
  const Authenticator& authenticator_;
  const ApiOptions options_;
  ManualClock* const test_clock_;
  OidcApi* const oidc_;
  accounts::AccountService* const accounts_;
  audit::AuditLog* const audit_;
  notify::DeliveryStore* const notifications_;
  GraphApi graph_;
  ArmApi arm_;
  WatchFeed watch_;
};

}  // namespace pim::api
