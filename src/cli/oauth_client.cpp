#include "pim/cli/oauth_client.h"

#include "absl/strings/str_cat.h"
#include "boost/json/parse.hpp"
#include "boost/json/value.hpp"
#include "pim/cli/server_error.h"
#include "pim/cli/url_encoding.h"

namespace pim::cli {
namespace {

HttpRequest FormPost(const std::string& url,
                     const std::vector<std::pair<std::string, std::string>>& fields) {
  HttpRequest r;
  r.method = "POST";
  r.url = url;
  r.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
               {"Accept", "application/json"}};
  r.body = FormEncode(fields);
  return r;
}

}  // namespace

std::string OAuthClient::AuthorizeUrl(const std::string& redirect_uri,
                                      const std::string& code_challenge, const std::string& state,
                                      const std::string& login_hint) const {
  std::vector<std::pair<std::string, std::string>> q = {{"response_type", "code"},
                                                        {"client_id", kClientId},
                                                        {"redirect_uri", redirect_uri},
                                                        {"code_challenge", code_challenge},
                                                        {"code_challenge_method", "S256"},
                                                        {"scope", "openid offline_access"},
                                                        {"state", state}};
  if (!login_hint.empty()) q.emplace_back("login_hint", login_hint);
  return absl::StrCat(server_, "/oauth2/authorize?", FormEncode(q));
}

absl::StatusOr<TokenResponse> OAuthClient::Token(
    const std::vector<std::pair<std::string, std::string>>& fields) {
  auto response = http_.Send(FormPost(absl::StrCat(server_, "/oauth2/token"), fields));
  if (!response.ok()) return response.status();
  if (response->status != 200) {
    return ToStatus(
        ParseServerError(response->status, response->body, response->Header("request-id")));
  }
  boost::system::error_code ec;
  const boost::json::value v = boost::json::parse(response->body, ec);
  const boost::json::object* o = ec ? nullptr : v.if_object();
  const boost::json::value* access = o == nullptr ? nullptr : o->if_contains("access_token");
  if (access == nullptr || !access->is_string()) {
    return absl::UnavailableError("the token endpoint answered without an access token");
  }
  TokenResponse out;
  out.access_token = Secret(std::string(access->get_string()));
  if (const boost::json::value* r = o->if_contains("refresh_token");
      r != nullptr && r->is_string()) {
    out.refresh_token = Secret(std::string(r->get_string()));
  }
  if (const boost::json::value* e = o->if_contains("expires_in"); e != nullptr) {
    if (e->is_int64()) out.expires_in = absl::Seconds(e->get_int64());
    if (e->is_uint64()) out.expires_in = absl::Seconds(static_cast<int64_t>(e->get_uint64()));
  }
  return out;
}

absl::StatusOr<TokenResponse> OAuthClient::PasswordGrant(const std::string& username,
                                                         const Secret& password,
                                                         const std::optional<std::string>& otp) {
  std::vector<std::pair<std::string, std::string>> fields = {{"grant_type", "password"},
                                                             {"client_id", kClientId},
                                                             {"username", username},
                                                             {"password", password.reveal()}};
  if (otp.has_value()) fields.emplace_back("otp", *otp);
  return Token(fields);
}

absl::StatusOr<TokenResponse> OAuthClient::ExchangeCode(const std::string& code,
                                                        const std::string& redirect_uri,
                                                        const std::string& code_verifier) {
  return Token({{"grant_type", "authorization_code"},
                {"client_id", kClientId},
                {"code", code},
                {"redirect_uri", redirect_uri},
                {"code_verifier", code_verifier}});
}

absl::StatusOr<TokenResponse> OAuthClient::Refresh(const Secret& refresh_token) {
  return Token({{"grant_type", "refresh_token"},
                {"client_id", kClientId},
                {"refresh_token", refresh_token.reveal()}});
}

absl::Status OAuthClient::Revoke(const Secret& refresh_token) {
  auto response = http_.Send(
      FormPost(absl::StrCat(server_, "/oauth2/revoke"), {{"token", refresh_token.reveal()},
                                                         {"token_type_hint", "refresh_token"},
                                                         {"client_id", kClientId}}));
  if (!response.ok()) return response.status();
  if (response->status != 200 && response->status != 204) {
    return ToStatus(
        ParseServerError(response->status, response->body, response->Header("request-id")));
  }
  return absl::OkStatus();
}

}  // namespace pim::cli
