// pim's notification endpoints (docs/notifications.md): the dead letters every channel set
// aside, and putting one back at the end of its channel's outbox.
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "api/common/json_body.h"
#include "boost/json/array.hpp"
#include "boost/json/object.hpp"
#include "boost/json/serialize.hpp"
#include "pim/api/api_error.h"
#include "pim/api/api_service.h"
#include "pim/domain/iso8601.h"
#include "pim/domain/role_definition.h"
#include "pim/domain/status.h"
#include "pim/domain/target.h"

namespace pim::api {
namespace {

constexpr std::string_view kDeadLetters = "/pim/v1/notifications/deadLetters";

using json_body::Bad;

}  // namespace

HttpResponse ApiService::Notifications(const RequestContext& ctx) {
  const std::string_view path = ctx.path;
  if (path == kDeadLetters) {
    if (ctx.http.method != "GET") return GraphError(Bad("Dead letters are listed with GET."), ctx);
    // Messages name people and their access: for those who may read every request.
    if (!engine_.MayReadAll(ctx.caller)) {
      return GraphError(Error(absl::StatusCode::kPermissionDenied, code::kAuthorizationFailed,
                              "Reading dead letters needs a role that may read all requests."),
                        ctx);
    }
    auto dead = notifications_->DeadLetters();
    if (!dead.ok()) return GraphError(dead.status(), ctx);
    boost::json::array value;
    for (const notify::DeadLetter& d : *dead) {
      value.push_back(boost::json::object{{"id", d.id},
                                          {"channel", d.channel},
                                          {"key", d.message.key},
                                          {"recipient", d.message.recipient},
                                          {"attempts", d.attempts},
                                          {"error", d.error},
                                          {"at", FormatDateTime(d.at)}});
    }
    return HttpResponse::Json(200, boost::json::serialize(boost::json::object{{"value", value}}));
  }
  const std::string prefix = absl::StrCat(std::string(kDeadLetters), "/");
  constexpr std::string_view kReplay = "/replay";
  if (path.starts_with(prefix) && path.ends_with(kReplay) &&
      path.size() > prefix.size() + kReplay.size()) {
    if (ctx.http.method != "POST") return GraphError(Bad("Replay takes POST."), ctx);
    // Replaying sends mail again: for those who may manage the most privileged role.
    if (!engine_.CanManage(ctx.caller, DirectoryRoleTarget(role::kGlobalAdministrator))) {
      return GraphError(Error(absl::StatusCode::kPermissionDenied, code::kAuthorizationFailed,
                              "Replaying a dead letter needs the Global Administrator or "
                              "Privileged Role Administrator role."),
                        ctx);
    }
    const std::string id_text(
        path.substr(prefix.size(), path.size() - prefix.size() - kReplay.size()));
    std::int64_t id = 0;
    if (!absl::SimpleAtoi(id_text, &id) || id <= 0) {
      return GraphError(Bad("A dead letter's id is a positive integer."), ctx);
    }
    if (auto status = notifications_->Replay(id); !status.ok()) {
      if (status.code() == absl::StatusCode::kNotFound) {
        return GraphError(Error(absl::StatusCode::kNotFound, code::kObjectNotFound,
                                "There is no such dead letter."),
                          ctx);
      }
      return GraphError(status, ctx);
    }
    HttpResponse response;
    response.status = 204;
    return response;
  }
  return GraphError(Error(absl::StatusCode::kNotFound, code::kObjectNotFound, "No such resource."),
                    ctx);
}

}  // namespace pim::api
