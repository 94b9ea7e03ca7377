// pim's own API (docs/api.md): batched access checks, the change feed, and the test clock;
// the administrative endpoints are in admin_routes.cpp.
#include <algorithm>
#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "api/common/json_body.h"
#include "boost/json/monotonic_resource.hpp"
#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "boost/json/serializer.hpp"
#include "boost/json/value.hpp"
#include "pim/api/api_error.h"
#include "pim/api/api_service.h"
#include "pim/domain/iso8601.h"
#include "pim/domain/scope.h"
#include "pim/domain/status.h"

namespace pim::api {
namespace {

using json_body::Bad;

constexpr std::size_t kMaxChecksPerRequest = 1000;

absl::StatusOr<boost::json::object> ParseObject(std::string_view body) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(body, ec);
  if (ec || !v.is_object()) return Bad("The request body must be a JSON object.");
  return std::move(v.as_object());
}

// A string member, "" when absent; an error when present but not a string. The view borrows
// from `o`.
absl::StatusOr<std::string_view> StringMember(const boost::json::object& o, const char* name,
                                              std::size_t index) {
  const auto* v = o.if_contains(name);
  if (v == nullptr || v->is_null()) return std::string_view();
  if (!v->is_string()) return Bad(absl::StrCat("checks[", index, "].", name, " must be a string."));
  return std::string_view(v->as_string());
}

// The last path segment of a role definition id given in full ARM form, or the id itself.
std::string RoleGuid(std::string_view id) {
  const std::size_t slash = id.rfind('/');
  return std::string(slash == std::string_view::npos ? id : id.substr(slash + 1));
}

// One check item: {principalId, groupId + accessId} | {principalId, roleDefinitionId +
// directoryScopeId} | {principalId, roleDefinitionId + scope}.
absl::StatusOr<std::pair<std::string_view, Target>> ParseCheck(const boost::json::value& item,
                                                               std::size_t i) {
  if (!item.is_object()) return Bad(absl::StrCat("checks[", i, "] must be an object."));
  const auto& o = item.as_object();
  PIM_ASSIGN_OR_RETURN(const std::string_view principal, StringMember(o, "principalId", i));
  PIM_ASSIGN_OR_RETURN(const std::string_view group, StringMember(o, "groupId", i));
  PIM_ASSIGN_OR_RETURN(const std::string_view access, StringMember(o, "accessId", i));
  PIM_ASSIGN_OR_RETURN(const std::string_view role, StringMember(o, "roleDefinitionId", i));
  PIM_ASSIGN_OR_RETURN(const std::string_view directory_scope,
                       StringMember(o, "directoryScopeId", i));
  PIM_ASSIGN_OR_RETURN(const std::string_view scope, StringMember(o, "scope", i));
  if (principal.empty()) return Bad(absl::StrCat("checks[", i, "].principalId is required."));
  const int kinds = static_cast<int>(!group.empty()) + static_cast<int>(!role.empty());
  if (kinds != 1) {
    return Bad(absl::StrCat("checks[", i, "] needs exactly one of groupId or roleDefinitionId."));
  }
  if (!group.empty()) {
    const auto parsed = kGroupAccessNames.Parse(access.empty() ? "member" : access);
    if (!parsed) return Bad(absl::StrCat("checks[", i, "].accessId must be member or owner."));
    return std::pair{principal, GroupTarget(PrincipalId(std::string(group)), *parsed)};
  }
  if (!directory_scope.empty() && !scope.empty()) {
    return Bad(absl::StrCat("checks[", i, "] takes directoryScopeId or scope, not both."));
  }
  if (!scope.empty()) {
    PIM_RETURN_IF_ERROR(ClassifyScope(scope).status());
    return std::pair{principal, ResourceRoleTarget(RoleGuid(role), CanonicalScope(scope))};
  }
  return std::pair{principal,
                   DirectoryRoleTarget(role, directory_scope.empty() ? "/" : directory_scope)};
}

HttpResponse JsonResponse(int status, const boost::json::object& body) {
  return HttpResponse::Json(status, boost::json::serialize(body));
}

}  // namespace

HttpResponse ApiService::HandlePim(const RequestContext& ctx) {
  const std::string_view method = ctx.http.method;
  if (ctx.path == "/pim/v1/check") {
    if (method != "POST") {
      return GraphError(
          Error(absl::StatusCode::kInvalidArgument, code::kBadRequest, "check takes POST."), ctx);
    }
    return Check(ctx);
  }
  if (ctx.path == "/pim/v1/watch") {
    if (method != "GET") {
      return GraphError(
          Error(absl::StatusCode::kInvalidArgument, code::kBadRequest, "watch takes GET."), ctx);
    }
    return Watch(ctx);
  }
  if (ctx.path == "/pim/v1/test/clock" && test_clock_ != nullptr) return TestClock(ctx);
  if (ctx.path == "/pim/v1/audit/entries" && audit_ != nullptr) return AuditEntries(ctx);
  if (ctx.path == "/pim/v1/audit/keys" && audit_ != nullptr) return AuditKeys(ctx);
  if (ctx.path.starts_with("/pim/v1/notifications/") && notifications_ != nullptr) {
    return Notifications(ctx);
  }
  if (ctx.path == "/pim/v1/directory/import") return DirectoryImport(ctx);
  if (ctx.path == "/pim/v1/signingKeys/rotate") return RotateSigningKeys(ctx);
  if (ctx.path.starts_with("/pim/v1/servicePrincipals/")) return ServicePrincipalCredentials(ctx);
  return GraphError(Error(absl::StatusCode::kNotFound, code::kObjectNotFound, "No such resource."),
                    ctx);
}

HttpResponse ApiService::Check(const RequestContext& ctx) {
  // The request's JSON and the answer's live in one arena, freed at once when this returns;
  // a few checks fit in its first block, on the stack.
  std::array<unsigned char, 4096> first_block;
  boost::json::monotonic_resource arena(first_block.data(), first_block.size());
  boost::system::error_code ec;
  const boost::json::value doc = boost::json::parse(ctx.http.body, ec, &arena);
  if (ec || !doc.is_object())
    return GraphError(Bad("The request body must be a JSON object."), ctx);
  const boost::json::object& body = doc.as_object();
  const auto* checks = body.if_contains("checks");
  if (checks == nullptr || !checks->is_array() || checks->as_array().empty()) {
    return GraphError(Bad("\"checks\" must be a non-empty array."), ctx);
  }
  if (checks->as_array().size() > kMaxChecksPerRequest) {
    return GraphError(Bad(absl::StrCat("At most ", kMaxChecksPerRequest, " checks per request.")),
                      ctx);
  }
  if (const auto* min = body.if_contains("minRevision"); min != nullptr && !min->is_null()) {
    if (!min->is_int64() || min->as_int64() < 0) {
      return GraphError(Bad("\"minRevision\" must be a non-negative integer."), ctx);
    }
    // Never waits: a worker thread must not be held by a client. A write answered by this
    // server is already applied, so only a revision from elsewhere (another instance, later)
    // can be ahead; the client retries.
    if (engine_.revision() < min->as_int64()) {
      HttpResponse r =
          GraphError(Error(absl::StatusCode::kUnavailable, code::kUnavailable,
                           "This server has not reached the requested revision yet; retry."),
                     ctx);
      r.SetHeader("Retry-After", "1");
      return r;
    }
  }
  std::vector<std::pair<std::string_view, Target>> items;
  items.reserve(checks->as_array().size());
  for (std::size_t i = 0; i < checks->as_array().size(); ++i) {
    auto item = ParseCheck(checks->as_array()[i], i);
    if (!item.ok()) return GraphError(item.status(), ctx);
    items.push_back(*std::move(item));
  }
  // Anyone may ask about themselves; asking about others is for access readers.
  const std::string self = ctx.caller.id.str();
  const bool only_self =
      std::all_of(items.begin(), items.end(), [&](const auto& item) { return item.first == self; });
  if (!only_self && !MayReadAllAccess(ctx.caller)) {
    return GraphError(Error(absl::StatusCode::kPermissionDenied, code::kAuthorizationFailed,
                            "Checking another principal's access needs the Global "
                            "Administrator, Privileged Role Administrator, Security "
                            "Administrator, Security Reader or Global Reader role."),
                      ctx);
  }
  std::vector<CheckQuery> queries;
  queries.reserve(items.size());
  for (const auto& [principal, target] : items) queries.push_back(CheckQuery{principal, &target});
  // One snapshot: every answer is at the same revision and instant.
  const std::vector<CheckAnswer> answers = engine_.CheckAll(queries);
  // The answer is written straight into its text (no JSON tree per answer: a batch of 1,000
  // builds none); strings go through Boost.JSON's serializer, which escapes them.
  std::string text;
  text.reserve(48 + answers.size() * 128);
  absl::StrAppend(&text, R"({"revision":)",
                  answers.empty() ? engine_.revision() : answers.front().revision,
                  R"(,"results":[)");
  boost::json::serializer strings;
  std::array<char, 128> chunk;
  auto string_or_null = [&](std::string_view value) {
    if (value.empty()) {
      text += "null";
      return;
    }
    strings.reset(boost::json::string_view(value.data(), value.size()));
    while (!strings.done()) {
      const std::string_view part = strings.read(chunk.data(), chunk.size());
      text.append(part.data(), part.size());
    }
  };
  for (std::size_t i = 0; i < answers.size(); ++i) {
    const CheckAnswer& a = answers[i];
    text += i == 0 ? R"({"allowed":)" : R"(,{"allowed":)";
    text += a.allowed ? "true" : "false";
    text += R"(,"grantedBy":)";
    string_or_null(a.granted_by.str());
    text += R"(,"viaGroupId":)";
    string_or_null(a.via_group.str());
    text += R"(,"until":)";
    string_or_null(a.until ? FormatDateTime(*a.until) : std::string());
    text += '}';
  }
  text += "]}";
  return HttpResponse::Json(200, std::move(text));
}

// The engine's one tenant-wide read predicate, shared with the Graph and ARM read paths.
bool ApiService::MayReadAllAccess(const Caller& caller) const { return engine_.MayReadAll(caller); }

HttpResponse ApiService::Watch(const RequestContext& ctx) {
  if (!MayReadAllAccess(ctx.caller)) {
    return GraphError(Error(absl::StatusCode::kPermissionDenied, code::kAuthorizationFailed,
                            "The change feed needs the Global Administrator, Privileged Role "
                            "Administrator, Security Administrator, Security Reader or Global "
                            "Reader role."),
                      ctx);
  }
  auto start = watch_.StartRevision(ctx);
  if (!start.ok()) return GraphError(start.status(), ctx);
  HttpResponse response;
  response.status = 200;
  response.SetHeader("Content-Type", "text/event-stream");
  response.SetHeader("Cache-Control", "no-store");
  response.stream_after = *start;
  return response;
}

HttpResponse ApiService::TestClock(const RequestContext& ctx) {
  if (ctx.http.method == "POST") {
    auto body = ParseObject(ctx.http.body);
    if (!body.ok()) return GraphError(body.status(), ctx);
    const auto* now = body->if_contains("now");
    const auto* advance = body->if_contains("advance");
    if ((now == nullptr) == (advance == nullptr)) {
      return GraphError(Bad("Send exactly one of \"now\" (date-time) or \"advance\" (duration)."),
                        ctx);
    }
    const auto* text = now != nullptr ? now : advance;
    if (!text->is_string()) return GraphError(Bad("The value must be a string."), ctx);
    const std::string_view value = text->as_string();
    if (now != nullptr) {
      auto t = ParseDateTime(value);
      if (!t.ok()) return GraphError(t.status(), ctx);
      if (*t < test_clock_->Now()) return GraphError(Bad("The test clock never moves back."), ctx);
      test_clock_->SetTime(*t);
    } else {
      auto d = ParseIsoDuration(value);
      if (!d.ok()) return GraphError(d.status(), ctx);
      if (*d < absl::ZeroDuration())
        return GraphError(Bad("The test clock never moves back."), ctx);
      test_clock_->Advance(*d);
    }
    // Fire what fell due before answering, so the caller sees its effects at once.
    if (auto fired = engine_.RunDue(); !fired.ok()) return GraphError(fired, ctx);
  } else if (ctx.http.method != "GET") {
    return GraphError(Bad("The test clock takes GET or POST."), ctx);
  }
  return JsonResponse(200, {{"now", FormatDateTime(test_clock_->Now())}});
}

}  // namespace pim::api
