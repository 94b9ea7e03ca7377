#include "pim/cli/session.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "boost/url/parse.hpp"
#include "pim/cli/exit_code.h"
#include "pim/cli/oauth_client.h"
#include "pim/cli/server_error.h"
#include "pim/domain/status.h"

namespace pim::cli {
namespace {

// Refresh a little before the end, so a token does not expire on its way.
constexpr absl::Duration kExpirySlack = absl::Seconds(30);

absl::Status NotSignedIn(const std::string& server, std::string_view why) {
  return WithExitCode(
      absl::UnauthenticatedError(absl::StrCat("not signed in to ", server, " (",
                                              absl::string_view(why.data(), why.size()),
                                              "); run: pimctl login --server ", server)),
      ExitCode::kAuth);
}

}  // namespace

absl::Status Session::EnsureSignIn() {
  if (!sign_in_.has_value()) {
    auto loaded = cache_.Load(server_);
    if (!loaded.ok()) {
      if (absl::IsNotFound(loaded.status())) return NotSignedIn(server_, "no sign-in cached");
      return loaded.status();
    }
    sign_in_ = *std::move(loaded);
  }
  if (clock_.Now() + kExpirySlack >= sign_in_->access_expires) return RefreshNow();
  return absl::OkStatus();
}

absl::Status Session::RefreshNow() {
  // Refresh tokens rotate and the server ends the whole session when a spent one comes back, so
  // concurrent pimctl processes take turns: under the lock, the file says whether another one
  // refreshed while this one waited (or since it loaded the sign-in).
  PIM_ASSIGN_OR_RETURN(SignInLock lock, cache_.Lock(server_));
  auto stored = cache_.Load(server_);
  if (!stored.ok()) {
    if (absl::IsNotFound(stored.status())) return NotSignedIn(server_, "signed out");
    return stored.status();
  }
  if (!stored->refresh_token.Equals(sign_in_->refresh_token) ||
      !stored->access_token.Equals(sign_in_->access_token)) {
    sign_in_ = *std::move(stored);
    if (clock_.Now() + kExpirySlack < sign_in_->access_expires) return absl::OkStatus();
  }
  if (sign_in_->refresh_token.empty()) return NotSignedIn(server_, "the sign-in has expired");
  OAuthClient oauth(http_, server_);
  auto tokens = oauth.Refresh(sign_in_->refresh_token);
  if (!tokens.ok()) {
    const std::optional<ServerError> e = ServerErrorOf(tokens.status());
    if (e.has_value() && (e->http_status == 400 || e->http_status == 401) &&
        e->code == "invalid_grant") {
      // The session ended (expired, revoked, replayed): forget it.
      static_cast<void>(cache_.Remove(server_));
      return NotSignedIn(server_, absl::StrCat("refresh refused: ", RenderError(tokens.status())));
    }
    // Anything else (5xx, 429, no answer) may pass: the sign-in stays for the next command.
    return tokens.status();
  }
  sign_in_->access_token = tokens->access_token;
  // The refresh token rotates: the old one is spent now, so the new one must reach the disk.
  if (!tokens->refresh_token.empty()) sign_in_->refresh_token = tokens->refresh_token;
  sign_in_->access_expires = clock_.Now() + tokens->expires_in;
  return cache_.Save(*sign_in_);
}

absl::StatusOr<ApiResult> Session::Call(const ApiCall& call) {
  if (absl::Status s = EnsureSignIn(); !s.ok()) return s;
  HttpRequest request;
  request.method = call.method;
  request.url = absl::StartsWith(call.path, "https://") || absl::StartsWith(call.path, "http://")
                    ? call.path
                    : absl::StrCat(server_, call.path);
  if (call.body.has_value()) {
    request.body = boost::json::serialize(*call.body);
  } else {
    request.body = call.raw_body;
  }
  for (int attempt = 0;; ++attempt) {
    request.headers = {{"Authorization", absl::StrCat("Bearer ", sign_in_->access_token.reveal())},
                       {"Accept", "application/json"}};
    if (!request.body.empty() || call.method == "POST" || call.method == "PATCH" ||
        call.method == "PUT") {
      request.headers.emplace_back("Content-Type", call.content_type);
    }
    for (const auto& h : call.headers) request.headers.push_back(h);
    auto response = http_.Send(request);
    if (!response.ok()) return response.status();
    if (response->status == 401 && attempt == 0 && !sign_in_->refresh_token.empty()) {
      // An access token the server no longer takes (expired by its clock): refresh once.
      const ServerError e = ParseServerError(401, response->body);
      if (e.code == "InvalidAuthenticationToken" || e.code.empty()) {
        if (absl::Status s = RefreshNow(); !s.ok()) return s;
        continue;
      }
    }
    if (response->status < 200 || response->status >= 300) {
      ServerError error =
          ParseServerError(response->status, response->body, response->Header("request-id"));
      error.retry_after = response->Header("retry-after");
      return ToStatus(error);
    }
    ApiResult result;
    result.status = response->status;
    result.revision = response->Header("x-pim-revision");
    if (!response->body.empty()) {
      boost::system::error_code ec;
      result.json = boost::json::parse(response->body, ec);
      if (ec)
        return absl::DataLossError(
            absl::StrCat("the server's answer to ", call.path, " is not JSON"));
    }
    return result;
  }
}

namespace {

// The path and query of `link` when it is on the same origin (scheme, host, port; case and
// default ports aside) as `server`, which may carry a path prefix that `link` must keep.
std::optional<std::string> SameOriginPath(const std::string& server, const std::string& link) {
  if (absl::StartsWith(link, "/")) return link;
  const auto a = boost::urls::parse_absolute_uri(server);
  const auto b = boost::urls::parse_absolute_uri(link);
  if (!a || !b || !a->has_authority() || !b->has_authority()) return std::nullopt;
  const auto port = [](const boost::urls::url_view& u) -> std::string {
    if (u.has_port()) return std::string(u.port());
    return absl::AsciiStrToLower(std::string(u.scheme())) == "http" ? "80" : "443";
  };
  const auto lower = [](boost::core::string_view v) {
    return absl::AsciiStrToLower(std::string(v.data(), v.size()));
  };
  if (lower(a->scheme()) != lower(b->scheme()) ||
      lower(a->encoded_host()) != lower(b->encoded_host()) || port(*a) != port(*b)) {
    return std::nullopt;
  }
  std::string prefix(a->encoded_path().data(), a->encoded_path().size());
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  std::string rest(b->encoded_path().data(), b->encoded_path().size());
  if (!absl::StartsWith(rest, prefix + "/")) return std::nullopt;
  rest = rest.substr(prefix.size());
  if (b->has_query()) rest.append("?").append(b->encoded_query().data(), b->encoded_query().size());
  return rest;
}

}  // namespace

absl::StatusOr<boost::json::array> Session::ListAll(const std::string& path) {
  boost::json::array out;
  std::string next = path;
  for (int page = 0; !next.empty() && page < 1000; ++page) {
    ApiCall call;
    call.path = next;
    auto result = Call(call);
    if (!result.ok()) return result.status();
    next.clear();
    const boost::json::object* o = result->json.if_object();
    if (o == nullptr) break;
    if (const boost::json::value* v = o->if_contains("value"); v != nullptr && v->is_array()) {
      for (const boost::json::value& item : v->get_array()) out.push_back(item);
    }
    for (const char* key : {"@odata.nextLink", "nextLink"}) {
      if (const boost::json::value* n = o->if_contains(key); n != nullptr && n->is_string()) {
        next = std::string(n->get_string());
      }
    }
    // The token goes only to this server: a next page elsewhere is not followed. Its link may
    // spell this server's origin differently (case, a default port): the page is then asked of
    // server_ itself.
    if (!next.empty()) {
      std::optional<std::string> here = SameOriginPath(server_, next);
      if (!here) {
        return absl::DataLossError(
            absl::StrCat("the server's next page link leaves ", server_, "; not following it"));
      }
      next = *std::move(here);
    }
  }
  return out;
}

absl::StatusOr<std::string> Session::UserId() {
  if (absl::Status s = EnsureSignIn(); !s.ok()) return s;
  return sign_in_->user_id;
}

absl::StatusOr<std::string> Session::UserName() {
  if (absl::Status s = EnsureSignIn(); !s.ok()) return s;
  return sign_in_->user_name;
}

}  // namespace pim::cli
