// OidcApi::Authorize: the authorization-code flow's sign-in page. Every step re-checks what it
// relies on; state between steps lives in PendingSignIns under an unguessable single-use
// handle, never in the browser.
#include <cctype>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "api/oidc/form.h"
#include "api/oidc/pending_sign_ins.h"
#include "api/oidc/sign_in_page.h"
#include "pim/api/oidc/oidc_api.h"
#include "pim/domain/status.h"

namespace pim::api {
namespace {

using oidc::AuthorizeForm;
using oidc::AuthorizeRequest;
using oidc::FormValue;
using oidc::Hidden;
using oidc::HtmlEscape;
using oidc::HtmlPage;
using oidc::PendingSignIn;

constexpr std::string_view kTitle = "Sign in";

bool IsBase64UrlChallenge(std::string_view s) {
  if (s.size() != 43) return false;  // BASE64URL(SHA-256) without padding
  for (const char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  }
  return true;
}

std::vector<Hidden> RequestFields(const AuthorizeRequest& r) {
  return {{"step", "credentials"},
          {"response_type", "code"},
          {"client_id", r.client_id},
          {"redirect_uri", r.redirect_uri},
          {"code_challenge", r.code_challenge},
          {"code_challenge_method", "S256"},
          {"state", r.state},
          {"scope", r.scope},
          {"nonce", r.nonce}};
}

HttpResponse CredentialsPage(const AuthorizeRequest& r, std::string_view username,
                             std::string_view error, int status = 200) {
  const std::string inputs = absl::StrCat(
      "<label for=\"username\">User name</label><input id=\"username\" name=\"username\" "
      "autocomplete=\"username\" required value=\"",
      HtmlEscape(username),
      "\"><label for=\"password\">Password</label><input id=\"password\" name=\"password\" "
      "type=\"password\" autocomplete=\"current-password\" required>"
      "<label for=\"otp\">Authenticator code (if you have enrolled one)</label>"
      "<input id=\"otp\" name=\"otp\" inputmode=\"numeric\" autocomplete=\"one-time-code\">");
  return HtmlPage(status, kTitle, error, AuthorizeForm(RequestFields(r), inputs, "Sign in"));
}

HttpResponse ChangePasswordPage(const std::string& flow, std::string_view error) {
  return HtmlPage(
      200, "Choose a new password", error,
      absl::StrCat("<p>Your password must be changed before you continue. Use at least 12 "
                   "characters; avoid your name and common passwords.</p>",
                   AuthorizeForm({{"step", "change"}, {"flow", flow}},
                                 "<label for=\"new\">New password</label><input id=\"new\" "
                                 "name=\"new_password\" type=\"password\" "
                                 "autocomplete=\"new-password\" required><label "
                                 "for=\"confirm\">Repeat it</label><input id=\"confirm\" "
                                 "name=\"confirm_password\" type=\"password\" "
                                 "autocomplete=\"new-password\" required>",
                                 "Change password")));
}

HttpResponse EnrolPage(const std::string& flow, const accounts::TotpEnrolment& e,
                       std::string_view error) {
  return HtmlPage(
      200, "Set up your authenticator", error,
      absl::StrCat("<p>Scan this code with an authenticator app, or enter the key by hand, then "
                   "type the six-digit code it shows.</p>",
                   e.qr_svg, "<p>Key: <code>", HtmlEscape(e.secret), "</code></p>",
                   AuthorizeForm({{"step", "enrol"}, {"flow", flow}},
                                 "<label for=\"otp\">Code</label><input id=\"otp\" name=\"otp\" "
                                 "inputmode=\"numeric\" autocomplete=\"one-time-code\" required>",
                                 "Confirm")));
}

HttpResponse RecoveryCodesPage(const std::string& flow, const std::vector<std::string>& codes) {
  std::string list = "<ul>";
  for (const auto& c : codes) absl::StrAppend(&list, "<li><code>", HtmlEscape(c), "</code></li>");
  list += "</ul>";
  return HtmlPage(200, "Save your recovery codes", "",
                  absl::StrCat("<p>Each code signs you in once if you lose your authenticator. "
                               "They are shown only now.</p>",
                               list,
                               AuthorizeForm({{"step", "done"}, {"flow", flow}}, "",
                                             "I have saved them — continue")));
}

HttpResponse ErrorPage(std::string_view message) {
  return HtmlPage(400, "Sign-in cannot continue", message,
                  "<p>Start again from the application that sent you here.</p>");
}

}  // namespace

HttpResponse OidcApi::Authorize(const HttpRequest& request, std::string_view raw_query) {
  const bool post = request.method == "POST";
  if (post && !oidc::HasPrefixIgnoreCase(request.Header("content-type"),
                                         "application/x-www-form-urlencoded")) {
    return ErrorPage("The form was not sent as a form.");
  }
  auto form = oidc::ParseForm(post ? std::string_view(request.body) : raw_query);
  if (!form.ok()) return ErrorPage(std::string(form.status().message()));
  const absl::Time now = clock_.Now();
  const std::string_view step = post ? FormValue(*form, "step") : "start";

  // Steps after the password: everything needed is in the flow.
  if (step == "change" || step == "enrol" || step == "done") {
    std::optional<PendingSignIn> entry = pending_->TakeFlow(FormValue(*form, "flow"), now);
    // A handle works once, and only for the page it was issued with.
    if (!entry || entry->next_step != step) return ErrorPage("This sign-in has expired.");
    if (step == "change") {
      const std::string_view pw = FormValue(*form, "new_password");
      absl::Status changed = pw != FormValue(*form, "confirm_password")
                                 ? absl::InvalidArgumentError("The two passwords differ.")
                                 : accounts_.ReplacePassword(entry->sign_in.principal, pw);
      if (!changed.ok()) {
        const std::string message(changed.message());
        entry->next_step = "change";
        return ChangePasswordPage(pending_->PutFlow(std::move(*entry), now), message);
      }
      entry->sign_in.must_change_password = false;
    } else if (step == "enrol") {
      auto codes =
          accounts_.ConfirmTotpEnrolment(entry->sign_in.principal, FormValue(*form, "otp"));
      if (!codes.ok()) {
        const accounts::TotpEnrolment e = *entry->enrolment;  // set with next_step "enrol"
        const std::string message(codes.status().message());
        return EnrolPage(pending_->PutFlow(std::move(*entry), now), e, message);
      }
      entry->sign_in.must_enrol_totp = false;
      entry->sign_in.amr = {"pwd", "mfa", "otp"};
      entry->sign_in.auth_time = now;
      entry->enrolment.reset();
      entry->next_step = "done";
      return RecoveryCodesPage(pending_->PutFlow(std::move(*entry), now), *codes);
    }
    return Continue(std::move(*entry), now);
  }

  AuthorizeRequest r;
  r.client_id = FormValue(*form, "client_id");
  r.redirect_uri = FormValue(*form, "redirect_uri");
  r.code_challenge = FormValue(*form, "code_challenge");
  r.state = FormValue(*form, "state");
  r.scope = FormValue(*form, "scope");
  r.nonce = FormValue(*form, "nonce");
  const OidcClient* client = FindClient(r.client_id);
  if (client == nullptr) return ErrorPage("The application is not registered with pim.");
  if (!RedirectAllowed(*client, r.redirect_uri)) {
    return ErrorPage("The application's redirect address is not registered.");
  }
  if (FormValue(*form, "response_type") != "code") {
    return ErrorPage("Only response_type=code is supported.");
  }
  if (FormValue(*form, "code_challenge_method") != "S256" ||
      !IsBase64UrlChallenge(r.code_challenge)) {
    return ErrorPage("PKCE with code_challenge_method=S256 is required.");
  }
  if (r.state.size() > 512 || r.nonce.size() > 512 || r.scope.size() > 512) {
    return ErrorPage("A parameter is too long.");
  }
  if (step == "start") return CredentialsPage(r, FormValue(*form, "login_hint"), "");
  if (step != "credentials") return ErrorPage("Unknown step.");

  const std::string_view username = FormValue(*form, "username");
  auto who = accounts_.SignIn(username, FormValue(*form, "password"), FormValue(*form, "otp"),
                              request.remote_address);
  if (!who.ok()) {
    const int status = who.status().code() == absl::StatusCode::kResourceExhausted ? 429 : 400;
    const std::string message = ErrorCodeOf(who.status()) == accounts::kSecondFactorRequired
                                    ? "Enter the code from your authenticator app."
                                    : std::string(who.status().message());
    return CredentialsPage(r, username, message, status);
  }
  return Continue(PendingSignIn{std::move(r), *who, std::nullopt, now, ""}, now);
}

HttpResponse OidcApi::Continue(oidc::PendingSignIn entry, absl::Time now) {
  if (entry.sign_in.must_change_password) {
    entry.expires = now + options_.sign_in_flow_lifetime;
    entry.next_step = "change";
    return ChangePasswordPage(pending_->PutFlow(std::move(entry), now), "");
  }
  if (entry.sign_in.must_enrol_totp) {
    auto e = accounts_.BeginTotpEnrolment(entry.sign_in.principal);
    if (!e.ok()) return ErrorPage(std::string(e.status().message()));
    entry.enrolment = *e;
    entry.expires = now + options_.sign_in_flow_lifetime;
    entry.next_step = "enrol";
    return EnrolPage(pending_->PutFlow(std::move(entry), now), *e, "");
  }
  const std::string redirect = entry.request.redirect_uri;
  const std::string state = entry.request.state;
  entry.expires = now + options_.code_lifetime;
  const std::string code = pending_->PutCode(std::move(entry), now);
  std::string location = absl::StrCat(redirect, absl::StrContains(redirect, "?") ? "&" : "?",
                                      "code=", oidc::FormEncode(code));
  if (!state.empty()) absl::StrAppend(&location, "&state=", oidc::FormEncode(state));
  HttpResponse r = HttpResponse::Empty(302);
  r.SetHeader("Location", location);
  r.SetHeader("Cache-Control", "no-store");
  return r;
}

}  // namespace pim::api
