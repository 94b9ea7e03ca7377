// Sign-in commands: login (browser with PKCE through a loopback redirect, or the password
// grant for scripts), logout and whoami.
#include <memory>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "boost/json/parse.hpp"
#include "cli/command_context.h"
#include "pim/cli/loopback_redirect.h"
#include "pim/cli/oauth_client.h"
#include "pim/cli/pkce.h"
#include "pim/cli/secret.h"
#include "pim/cli/server_error.h"

namespace pim::cli {
namespace {

constexpr absl::Duration kSignInTimeout = absl::Minutes(5);

struct LoginOptions {
  std::string username;
  bool password_stdin = false;
  std::string otp;
  bool no_browser = false;
};

absl::Status FinishSignIn(Context& ctx, const std::string& server, const TokenResponse& tokens) {
  // Who signed in: the token is for pimd, not for us to parse, so ask the server.
  HttpRequest me;
  me.url = absl::StrCat(server, "/v1.0/me");
  me.headers = {{"Authorization", absl::StrCat("Bearer ", tokens.access_token.reveal())},
                {"Accept", "application/json"}};
  PIM_ASSIGN_OR_RETURN(HttpResponse answer, ctx.Http().Send(me));
  if (answer.status != 200) {
    return ToStatus(ParseServerError(answer.status, answer.body, answer.Header("request-id")));
  }
  boost::system::error_code ec;
  const boost::json::value v = boost::json::parse(answer.body, ec);
  CachedSignIn sign_in;
  sign_in.server = server;
  sign_in.access_token = tokens.access_token;
  sign_in.refresh_token = tokens.refresh_token;
  sign_in.access_expires = ctx.env().clock->Now() + tokens.expires_in;
  if (!ec && v.is_object()) {
    const boost::json::object& o = v.get_object();
    if (const auto* id = o.if_contains("id"); id != nullptr && id->is_string()) {
      sign_in.user_id = std::string(id->get_string());
    }
    for (const char* key : {"userPrincipalName", "mail", "displayName"}) {
      const auto* n = o.if_contains(key);
      if (sign_in.user_name.empty() && n != nullptr && n->is_string()) {
        sign_in.user_name = std::string(n->get_string());
      }
    }
  }
  PIM_ASSIGN_OR_RETURN(TokenCache * cache, ctx.Cache());
  {
    // Not in the middle of another process's refresh, which would save the old sign-in last.
    PIM_ASSIGN_OR_RETURN(SignInLock lock, cache->Lock(server));
    PIM_RETURN_IF_ERROR(cache->Save(sign_in));
  }
  // Only a sign-in chooses the default server (a refresh saves the sign-in too).
  PIM_RETURN_IF_ERROR(cache->SetDefaultServer(server));
  if (ctx.json()) {
    ctx.PrintJson(boost::json::object{
        {"server", server}, {"userId", sign_in.user_id}, {"userName", sign_in.user_name}});
  } else {
    ctx.out() << "Signed in to " << server << " as " << sign_in.user_name << "\n";
  }
  return absl::OkStatus();
}

absl::Status SignInHint(absl::Status status) {
  auto e = ServerErrorOf(status);
  if (!e.has_value()) return status;
  if (e->suberror == "PasswordChangeRequired" || e->suberror == "TotpEnrolmentRequired") {
    return WithExitCode(
        absl::UnauthenticatedError(absl::StrCat(
            RenderError(status),
            "; finish the first sign-in in a browser (pimctl login without --username)")),
        ExitCode::kAuth);
  }
  if (e->http_status == 400 || e->http_status == 401 || e->http_status == 429) {
    return WithExitCode(status, ExitCode::kAuth);
  }
  return status;
}

absl::Status Login(Context& ctx, const LoginOptions& o) {
  PIM_ASSIGN_OR_RETURN(const std::string server, ctx.Server());
  OAuthClient oauth(ctx.Http(), server);
  if (!o.username.empty()) {
    if (!o.password_stdin) {
      return absl::InvalidArgumentError(
          "--username needs --password-stdin (the password is "
          "never taken from the command line)");
    }
    const Secret password(ctx.ReadLine());
    if (password.empty()) return absl::InvalidArgumentError("no password on standard input");
    std::optional<std::string> otp;
    if (!o.otp.empty()) otp = o.otp;
    auto tokens = oauth.PasswordGrant(o.username, password, otp);
    if (!tokens.ok()) return SignInHint(tokens.status());
    return FinishSignIn(ctx, server, *tokens);
  }
  if (o.password_stdin) return absl::InvalidArgumentError("--password-stdin needs --username");
  // Authorization code with PKCE through a loopback redirect (RFC 8252).
  PIM_ASSIGN_OR_RETURN(std::unique_ptr<LoopbackRedirect> redirect, LoopbackRedirect::Listen());
  const std::string verifier = NewCodeVerifier();
  const std::string state = NewState();
  const std::string url =
      oauth.AuthorizeUrl(redirect->redirect_uri(), CodeChallengeS256(verifier), state, "");
  ctx.err() << "Open this URL in a browser to sign in:\n\n  " << url << "\n\n"
            << "Waiting for the sign-in (" << absl::FormatDuration(kSignInTimeout) << ")...\n"
            << std::flush;
  const char* display = ctx.env().getenv("DISPLAY");
  const char* wayland = ctx.env().getenv("WAYLAND_DISPLAY");
  const bool has_display =
      (display != nullptr && display[0] != '\0') || (wayland != nullptr && wayland[0] != '\0');
  if (!o.no_browser && has_display && ctx.env().open_browser) ctx.env().open_browser(url);
  auto code = redirect->AwaitCode(state, kSignInTimeout);
  if (!code.ok()) return WithExitCode(code.status(), ExitCode::kAuth);
  auto tokens = oauth.ExchangeCode(*code, redirect->redirect_uri(), verifier);
  if (!tokens.ok()) return SignInHint(tokens.status());
  return FinishSignIn(ctx, server, *tokens);
}

absl::Status Logout(Context& ctx) {
  PIM_ASSIGN_OR_RETURN(const std::string server, ctx.Server());
  PIM_ASSIGN_OR_RETURN(TokenCache * cache, ctx.Cache());
  // The sign-in as it is after any refresh under way in another process.
  PIM_ASSIGN_OR_RETURN(SignInLock lock, cache->Lock(server));
  auto sign_in = cache->Load(server);
  if (absl::IsNotFound(sign_in.status())) {
    if (ctx.json()) {
      ctx.PrintJson(boost::json::object{{"server", server}, {"signedOut", false}});
    } else {
      ctx.out() << "Not signed in to " << server << "\n";
    }
    return absl::OkStatus();
  }
  absl::Status revoked = absl::OkStatus();
  if (sign_in.ok() && !sign_in->refresh_token.empty()) {
    OAuthClient oauth(ctx.Http(), server);
    revoked = oauth.Revoke(sign_in->refresh_token);
  }
  // The local copy goes whatever the server said: a session we cannot end is still not ours.
  PIM_RETURN_IF_ERROR(cache->Remove(server));
  if (!revoked.ok()) {
    ctx.err() << "pimctl: warning: the server did not confirm the sign-out: "
              << RenderError(revoked) << "\n";
  }
  if (ctx.json()) {
    ctx.PrintJson(boost::json::object{{"server", server}, {"signedOut", true}});
  } else {
    ctx.out() << "Signed out of " << server << "\n";
  }
  return absl::OkStatus();
}

absl::Status WhoAmI(Context& ctx) {
  PIM_ASSIGN_OR_RETURN(Session * session, ctx.GetSession());
  ApiCall call;
  call.path = "/v1.0/me";
  PIM_ASSIGN_OR_RETURN(ApiResult me, session->Call(call));
  PIM_ASSIGN_OR_RETURN(std::string id, session->UserId());
  PIM_ASSIGN_OR_RETURN(std::string name, session->UserName());
  if (ctx.json()) {
    ctx.PrintJson(
        boost::json::object{{"server", session->server()}, {"userId", id}, {"userName", name}});
  } else {
    ctx.out() << name << " (" << id << ") on " << session->server() << "\n";
  }
  return absl::OkStatus();
}

}  // namespace

void RegisterSignInCommands(CLI::App& app, Context& ctx, Actions& actions) {
  auto o = std::make_shared<LoginOptions>();
  CLI::App* login = app.add_subcommand("login", "Sign in (browser with PKCE, or --username)");
  login->add_option("--username", o->username, "Sign in with a password (scripts)");
  login->add_flag("--password-stdin", o->password_stdin,
                  "Read the password from the first line of standard input");
  login->add_option("--otp", o->otp, "Authenticator (TOTP) or recovery code");
  login->add_flag("--no-browser", o->no_browser, "Print the sign-in URL only");
  actions[login] = [&ctx, o] { return Login(ctx, *o); };

  CLI::App* logout = app.add_subcommand("logout", "Sign out: revoke the session, delete tokens");
  actions[logout] = [&ctx] { return Logout(ctx); };

  CLI::App* whoami = app.add_subcommand("whoami", "Show who is signed in, and where");
  actions[whoami] = [&ctx] { return WhoAmI(ctx); };
}

}  // namespace pim::cli
