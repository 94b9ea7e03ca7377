// The command tree and the commands. Each command is a function of its options that returns
// a status; Run turns the status into a message on stderr and an exit code.
#include "pim/cli/app.h"

#include <CLI/CLI.hpp>
#include <fstream>
#include <functional>
#include <istream>
#include <iterator>
#include <map>
#include <ostream>
#include <tuple>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "pim/cli/audit_commands.h"
#include "pim/cli/exit_code.h"
#include "pim/cli/loopback_redirect.h"
#include "pim/cli/oauth_client.h"
#include "pim/cli/output.h"
#include "pim/cli/pim_client.h"
#include "pim/cli/pkce.h"
#include "pim/cli/policy_as_code.h"
#include "pim/cli/server_error.h"
#include "pim/cli/session.h"
#include "pim/cli/token_cache.h"
#include "pim/cli/user_duration.h"
#include "pim/domain/iso8601.h"
#include "pim/domain/outbound_url.h"
#include "pim/domain/status.h"

namespace pim::cli {
namespace {

constexpr absl::Duration kSignInTimeout = absl::Minutes(5);
constexpr absl::Duration kPollInterval = absl::Seconds(1);

// Options shared by every command.
struct Globals {
  std::string server;
  std::string ca_file;
  std::string output = "table";
  double http_timeout_seconds = 60;
};

// What a command runs with, once the command line is parsed.
class Context {
 public:
  Context(Environment& env, const Globals& globals) : env_(env), globals_(globals) {}

  std::ostream& out() { return *env_.out; }
  std::ostream& err() { return *env_.err; }
  Environment& env() { return env_; }
  bool json() const { return globals_.output == "json"; }
  bool colour() const {
    return !json() &&
           ShouldUseColour(env_.stdout_tty, env_.getenv("NO_COLOR"), env_.getenv("TERM"));
  }

  absl::StatusOr<TokenCache*> Cache() {
    if (!cache_) {
      PIM_ASSIGN_OR_RETURN(std::string dir,
                           ConfigDirectory(env_.getenv("PIMCTL_CONFIG_DIR"),
                                           env_.getenv("XDG_CONFIG_HOME"), env_.getenv("HOME")));
      cache_ = std::make_unique<TokenCache>(std::move(dir));
    }
    return cache_.get();
  }

  // --server, else PIMCTL_SERVER, else the server of the last sign-in.
  absl::StatusOr<std::string> Server() {
    std::string s = globals_.server;
    if (s.empty()) {
      const char* env = env_.getenv("PIMCTL_SERVER");
      if (env != nullptr) s = env;
    }
    if (s.empty()) {
      PIM_ASSIGN_OR_RETURN(TokenCache * cache, Cache());
      s = cache->DefaultServer().value_or("");
    }
    if (s.empty()) {
      return WithExitCode(
          absl::UnauthenticatedError(
              "no server: run pimctl login --server https://…, or set PIMCTL_SERVER"),
          ExitCode::kAuth);
    }
    while (absl::EndsWith(s, "/")) s.pop_back();
    // Tokens never travel in the clear, except to a pimd on this machine (a test without TLS).
    auto url = ParseOutboundUrl(s, "--server");
    if (!url.ok() || s.find('?') != std::string::npos) {
      return absl::InvalidArgumentError(absl::StrCat("--server is not a URL: ", s));
    }
    if (url->scheme != "https" && !(url->scheme == "http" && url->loopback)) {
      return absl::InvalidArgumentError(absl::StrCat("--server must be an https:// URL: ", s));
    }
    return s;
  }

  HttpClient& Http() {
    if (!http_) {
      CurlOptions o;
      o.ca_file = globals_.ca_file;
      if (o.ca_file.empty()) {
        const char* env = env_.getenv("PIMCTL_CA_FILE");
        if (env != nullptr) o.ca_file = env;
      }
      o.timeout = absl::Seconds(globals_.http_timeout_seconds);
      http_ = env_.make_http(o);
    }
    return *http_;
  }

  absl::StatusOr<Session*> GetSession() {
    if (!session_) {
      PIM_ASSIGN_OR_RETURN(std::string server, Server());
      PIM_ASSIGN_OR_RETURN(TokenCache * cache, Cache());
      session_ = std::make_unique<Session>(Http(), *cache, *env_.clock, std::move(server));
    }
    return session_.get();
  }

  void PrintJson(const boost::json::value& v) { out() << boost::json::serialize(v) << "\n"; }

  // Reads one line from standard input (a code or a password), without its line end.
  std::string ReadLine() {
    std::string line;
    if (env_.in != nullptr) std::getline(*env_.in, line);
    while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.pop_back();
    return line;
  }

 private:
  Environment& env_;
  const Globals& globals_;
  std::unique_ptr<TokenCache> cache_;
  std::unique_ptr<HttpClient> http_;
  std::unique_ptr<Session> session_;
};

// ---- sign-in ----

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
  PIM_RETURN_IF_ERROR(cache->Save(sign_in));
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
  auto sign_in = cache->Load(server);
  if (absl::IsNotFound(sign_in.status())) {
    ctx.out() << "Not signed in to " << server << "\n";
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
  if (!ctx.json()) ctx.out() << "Signed out of " << server << "\n";
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

// ---- roles and requests ----

std::string ScopeText(const RoleEntry& r) {
  if (r.area == Area::kGroup) return r.access;
  if (!r.scope_name.empty()) return absl::StrCat(r.scope, " (", r.scope_name, ")");
  return r.scope;
}

struct RolesOptions {
  bool eligible = false;
  bool active = false;
};

absl::Status Roles(Context& ctx, const RolesOptions& o) {
  PIM_ASSIGN_OR_RETURN(Session * session, ctx.GetSession());
  PimClient client(*session);
  PIM_ASSIGN_OR_RETURN(std::vector<RoleEntry> roles, client.Roles());
  std::vector<RoleEntry> shown;
  for (RoleEntry& r : roles) {
    if (o.eligible && r.state != "eligible") continue;
    if (o.active && r.state == "eligible") continue;
    shown.push_back(std::move(r));
  }
  if (ctx.json()) {
    boost::json::array items;
    for (const RoleEntry& r : shown) items.emplace_back(ToJson(r));
    ctx.PrintJson(boost::json::object{{"roles", std::move(items)}});
    return absl::OkStatus();
  }
  if (shown.empty()) {
    ctx.out() << "No eligible or active roles.\n";
    return absl::OkStatus();
  }
  Table table({"STATE", "KIND", "NAME", "SCOPE/ACCESS", "TYPE", "START", "END"});
  for (const RoleEntry& r : shown) {
    std::string type = r.assignment_type;
    if (r.member_type == "Group" || r.member_type == "Inherited") {
      if (!type.empty()) type += ", ";
      absl::StrAppend(&type, "via ", absl::AsciiStrToLower(r.member_type));
    }
    table.AddRow({r.state, std::string(AreaName(r.area)), r.name, ScopeText(r), type,
                  r.start == absl::InfinitePast() ? "-" : ShortTime(r.start),
                  r.end == absl::InfiniteFuture() ? "permanent" : ShortTime(r.end)});
    table.SetRowTones({ToneOfStatus(r.state)});
  }
  ctx.out() << table.Render(ctx.colour());
  return absl::OkStatus();
}

void PrintRequests(Context& ctx, const std::vector<RequestEntry>& requests, const char* key) {
  if (ctx.json()) {
    boost::json::array items;
    for (const RequestEntry& r : requests) items.emplace_back(ToJson(r));
    ctx.PrintJson(boost::json::object{{key, std::move(items)}});
    return;
  }
  if (requests.empty()) {
    ctx.out() << "Nothing to show.\n";
    return;
  }
  Table table(
      {"ID", "KIND", "ACTION", "STATUS", "NAME", "SCOPE/ACCESS", "CREATED", "JUSTIFICATION"});
  for (const RequestEntry& r : requests) {
    table.AddRow({r.id, std::string(AreaName(r.area)), r.action, r.status,
                  r.name.empty() ? r.target_id : r.name,
                  r.area == Area::kGroup ? r.access : r.scope,
                  r.created == absl::InfinitePast() ? "-" : ShortTime(r.created), r.justification});
    table.SetRowTones({Tone::kDim, Tone::kPlain, Tone::kPlain, ToneOfStatus(r.status)});
  }
  ctx.out() << table.Render(ctx.colour());
}

void PrintRequest(Context& ctx, const RequestEntry& r) {
  if (ctx.json()) {
    ctx.PrintJson(boost::json::object{{"request", ToJson(r)}});
    return;
  }
  ctx.out() << r.action << " " << (r.name.empty() ? r.target_id : r.name) << ": "
            << Paint(r.status, ToneOfStatus(r.status), ctx.colour()) << " (request " << r.id
            << ")\n";
}

struct TargetOptions {
  std::string role;
  std::string scope;
  bool group = false;
  std::string access;
};

// The one entry of `roles` that `o` names. Errors: NotFound (exit 4) for none; InvalidArgument
// (exit 2) listing the choices when several match.
absl::StatusOr<RoleEntry> PickTarget(const std::vector<RoleEntry>& roles, const TargetOptions& o,
                                     const std::function<bool(const RoleEntry&)>& wanted,
                                     std::string_view what) {
  std::vector<RoleEntry> matches;
  for (const RoleEntry& r : roles) {
    if (!wanted(r)) continue;
    if (o.group && r.area != Area::kGroup) continue;
    if (!o.access.empty() && r.area == Area::kGroup &&
        !absl::EqualsIgnoreCase(r.access, o.access)) {
      continue;
    }
    if (!absl::EqualsIgnoreCase(r.name, o.role) && !absl::EqualsIgnoreCase(r.target_id, o.role) &&
        !absl::EqualsIgnoreCase(r.schedule_id, o.role)) {
      continue;
    }
    if (!o.scope.empty() && r.area != Area::kGroup) {
      // At the scope, or a reduced scope below an eligibility held above it.
      const std::string base = r.scope == "/" ? "" : absl::AsciiStrToLower(r.scope);
      const std::string want = absl::AsciiStrToLower(o.scope);
      if (want != base && !absl::StartsWith(want, base + "/") && !(r.scope == "/" && want == "/")) {
        continue;
      }
    }
    matches.push_back(r);
  }
  if (matches.empty()) {
    return WithExitCode(
        absl::NotFoundError(
            absl::StrCat("you have no ", absl::string_view(what.data(), what.size()), " '", o.role,
                         "'", o.scope.empty() ? "" : " at " + o.scope, "; see pimctl roles")),
        ExitCode::kNotFound);
  }
  // A group may be held as member and as owner; member is the default.
  if (matches.size() > 1 && o.access.empty()) {
    std::vector<RoleEntry> members;
    for (const RoleEntry& r : matches) {
      if (r.area != Area::kGroup || r.access == "member") members.push_back(r);
    }
    if (!members.empty()) matches = members;
  }
  if (matches.size() > 1) {
    std::vector<std::string> choices;
    choices.reserve(matches.size());
    for (const RoleEntry& r : matches) {
      choices.push_back(absl::StrCat(AreaName(r.area), " ", r.name, " ", ScopeText(r)));
    }
    return absl::InvalidArgumentError(absl::StrCat("'", o.role,
                                                   "' is ambiguous; add --scope, "
                                                   "--group or --access. Matches: ",
                                                   absl::StrJoin(choices, "; ")));
  }
  RoleEntry picked = matches.front();
  if (!o.scope.empty() && picked.area != Area::kGroup) picked.scope = o.scope;
  if (picked.area == Area::kGroup && !o.access.empty()) picked.access = o.access;
  return picked;
}

struct RequestOptions {
  TargetOptions target;
  std::string duration;
  std::string start;
  std::string until;
  std::string reason;
  std::string ticket_system;
  std::string ticket_number;
  std::string otp;
  bool wait = false;
  std::string timeout = "1h";
};

absl::StatusOr<RequestSpec> SpecOf(const RequestOptions& o, std::string action) {
  RequestSpec spec;
  spec.action = std::move(action);
  if (!o.duration.empty()) {
    PIM_ASSIGN_OR_RETURN(absl::Duration d, ParseUserDuration(o.duration));
    spec.duration = d;
  }
  if (!o.start.empty()) {
    PIM_ASSIGN_OR_RETURN(absl::Time t, ParseUserTime(o.start));
    spec.start = t;
  }
  if (!o.until.empty()) {
    PIM_ASSIGN_OR_RETURN(absl::Time t, ParseUserTime(o.until));
    spec.until = t;
  }
  if (spec.duration.has_value() && spec.until.has_value()) {
    return absl::InvalidArgumentError("give --duration or --until, not both");
  }
  spec.justification = o.reason;
  spec.ticket_system = o.ticket_system;
  spec.ticket_number = o.ticket_number;
  return spec;
}

bool IsMfaFailure(const absl::Status& status) {
  auto e = ServerErrorOf(status);
  return e.has_value() && e->code == "RoleAssignmentRequestPolicyValidationFailed" &&
         absl::StrContains(e->message, "MfaRule");
}

// Submits, and on the MFA rule's failure asks for a TOTP code (--otp, or a prompt on a
// terminal) and submits once more with it in X-Pim-Mfa-Code.
absl::StatusOr<RequestEntry> SubmitWithMfa(Context& ctx, PimClient& client, const RoleEntry& target,
                                           RequestSpec spec, const std::string& otp) {
  auto first = client.Submit(target, spec);
  if (first.ok() || !IsMfaFailure(first.status())) return first;
  std::string code = otp;
  if (code.empty() && ctx.env().stdin_tty) {
    ctx.err() << "This role requires MFA. Authenticator code: " << std::flush;
    code = std::string(absl::StripAsciiWhitespace(ctx.ReadLine()));
  }
  if (code.empty()) {
    ctx.err() << "pimctl: this role requires MFA: pass --otp CODE with a code from your "
                 "authenticator\n";
    return first.status();
  }
  spec.mfa_code = code;
  return client.Submit(target, spec);
}

// Waits until `request` is provisioned (OK), ends otherwise (exit 6), or `timeout` passes
// (exit 5). A live status line on a terminal (stderr).
absl::StatusOr<RequestEntry> WaitFor(Context& ctx, PimClient& client, RequestEntry request,
                                     absl::Duration timeout) {
  const absl::Time begin = ctx.env().clock->Now();
  const bool live = ctx.env().stderr_tty && !ctx.json();
  std::string last_status;
  auto show = [&](const RequestEntry& r, bool final) {
    if (live) {
      const absl::Duration waited = absl::Trunc(ctx.env().clock->Now() - begin, absl::Seconds(1));
      ctx.err() << "\r\x1b[2K"
                << "waiting for " << (r.name.empty() ? r.target_id : r.name) << ": " << r.status
                << " (" << absl::FormatDuration(waited) << ")";
      if (final) ctx.err() << "\n";
      ctx.err() << std::flush;
    } else if (r.status != last_status) {
      ctx.err() << "request " << r.id << ": " << r.status << "\n" << std::flush;
    }
    last_status = r.status;
  };
  while (request.status != "Provisioned") {
    if (IsFinalStatus(request.status)) {
      show(request, true);
      return WithExitCode(
          absl::AbortedError(absl::StrCat("request ", request.id, " ended ", request.status)),
          ExitCode::kDenied);
    }
    show(request, false);
    if (ctx.env().clock->Now() - begin >= timeout) {
      if (live) ctx.err() << "\n";
      return WithExitCode(absl::DeadlineExceededError(
                              absl::StrCat("gave up waiting after ", absl::FormatDuration(timeout),
                                           "; request ", request.id, " is still ", request.status)),
                          ExitCode::kTimedOut);
    }
    ctx.env().sleep(kPollInterval);
    const std::string name = request.name;
    PIM_ASSIGN_OR_RETURN(request, client.GetRequest(request.area, request.id, request.scope));
    if (request.name.empty()) request.name = name;
  }
  show(request, true);
  return request;
}

absl::Status SubmitAndReport(Context& ctx, PimClient& client, const RoleEntry& target,
                             const RequestOptions& o, RequestSpec spec) {
  absl::Duration timeout;
  if (o.wait) {
    PIM_ASSIGN_OR_RETURN(timeout, ParseUserDuration(o.timeout));
  }
  PIM_ASSIGN_OR_RETURN(RequestEntry request,
                       SubmitWithMfa(ctx, client, target, std::move(spec), o.otp));
  if (o.wait && request.status != "Provisioned") {
    PIM_ASSIGN_OR_RETURN(request, WaitFor(ctx, client, std::move(request), timeout));
  }
  PrintRequest(ctx, request);
  return absl::OkStatus();
}

absl::Status Activate(Context& ctx, const RequestOptions& o) {
  PIM_ASSIGN_OR_RETURN(RequestSpec spec, SpecOf(o, "selfActivate"));
  if (!spec.duration.has_value() && !spec.until.has_value()) spec.duration = absl::Hours(1);
  PIM_ASSIGN_OR_RETURN(Session * session, ctx.GetSession());
  PimClient client(*session);
  PIM_ASSIGN_OR_RETURN(std::vector<RoleEntry> roles, client.Roles());
  PIM_ASSIGN_OR_RETURN(
      RoleEntry target,
      PickTarget(
          roles, o.target, [](const RoleEntry& r) { return r.state == "eligible"; },
          "eligible role"));
  return SubmitAndReport(ctx, client, target, o, std::move(spec));
}

absl::Status Deactivate(Context& ctx, const RequestOptions& o) {
  PIM_ASSIGN_OR_RETURN(RequestSpec spec, SpecOf(o, "selfDeactivate"));
  PIM_ASSIGN_OR_RETURN(Session * session, ctx.GetSession());
  PimClient client(*session);
  PIM_ASSIGN_OR_RETURN(std::vector<RoleEntry> roles, client.Roles());
  PIM_ASSIGN_OR_RETURN(RoleEntry target, PickTarget(
                                             roles, o.target,
                                             [](const RoleEntry& r) {
                                               return r.state == "active" &&
                                                      r.assignment_type == "Activated" &&
                                                      r.member_type != "Group";
                                             },
                                             "activated role"));
  return SubmitAndReport(ctx, client, target, o, std::move(spec));
}

absl::Status ExtendOrRenew(Context& ctx, const RequestOptions& o, bool extend) {
  PIM_ASSIGN_OR_RETURN(RequestSpec spec, SpecOf(o, extend ? "selfExtend" : "selfRenew"));
  if (!spec.duration.has_value() && !spec.until.has_value()) {
    return absl::InvalidArgumentError("give the new length with --duration or --until");
  }
  PIM_ASSIGN_OR_RETURN(Session * session, ctx.GetSession());
  PimClient client(*session);
  RoleEntry target;
  if (extend) {
    PIM_ASSIGN_OR_RETURN(std::vector<RoleEntry> roles, client.Roles());
    PIM_ASSIGN_OR_RETURN(target, PickTarget(
                                     roles, o.target,
                                     [](const RoleEntry& r) {
                                       return r.state != "eligible" ||
                                              r.end != absl::InfiniteFuture();
                                     },
                                     "time-bound assignment"));
  } else {
    // Expired access is no longer listed: name the role (or group) itself.
    Area area = Area::kDirectoryRole;
    if (o.target.group) {
      area = Area::kGroup;
    } else if (!o.target.scope.empty() && o.target.scope != "/" &&
               !absl::StartsWith(o.target.scope, "/administrativeUnits")) {
      area = Area::kAzureResource;
    }
    PIM_ASSIGN_OR_RETURN(
        target, client.ResolveDefinition(area, o.target.role, o.target.scope,
                                         o.target.access.empty() ? "member" : o.target.access));
  }
  return SubmitAndReport(ctx, client, target, o, std::move(spec));
}

struct RequestsOptions {
  bool pending = false;
};

absl::Status Requests(Context& ctx, const RequestsOptions& o) {
  PIM_ASSIGN_OR_RETURN(Session * session, ctx.GetSession());
  PimClient client(*session);
  PIM_ASSIGN_OR_RETURN(std::vector<RequestEntry> all, client.Requests());
  std::vector<RequestEntry> shown;
  for (RequestEntry& r : all) {
    if (o.pending && !absl::StartsWith(r.status, "Pending") && r.status != "Granted") continue;
    shown.push_back(std::move(r));
  }
  PrintRequests(ctx, shown, "requests");
  return absl::OkStatus();
}

absl::Status Cancel(Context& ctx, const std::string& id) {
  PIM_ASSIGN_OR_RETURN(Session * session, ctx.GetSession());
  PimClient client(*session);
  PIM_ASSIGN_OR_RETURN(RequestEntry request, client.FindOwnRequest(id));
  PIM_RETURN_IF_ERROR(client.Cancel(request));
  PIM_ASSIGN_OR_RETURN(RequestEntry after,
                       client.GetRequest(request.area, request.id, request.scope));
  if (after.name.empty()) after.name = request.name;
  PrintRequest(ctx, after);
  return absl::OkStatus();
}

absl::Status Approvals(Context& ctx) {
  PIM_ASSIGN_OR_RETURN(Session * session, ctx.GetSession());
  PimClient client(*session);
  PIM_ASSIGN_OR_RETURN(std::vector<RequestEntry> pending, client.PendingApprovals());
  if (ctx.json()) {
    PrintRequests(ctx, pending, "approvals");
    return absl::OkStatus();
  }
  if (pending.empty()) {
    ctx.out() << "No approvals are waiting for you.\n";
    return absl::OkStatus();
  }
  Table table(
      {"ID", "KIND", "REQUESTER", "ACTION", "NAME", "SCOPE/ACCESS", "FOR", "JUSTIFICATION"});
  for (const RequestEntry& r : pending) {
    table.AddRow({r.approval_id.empty() ? r.id : r.approval_id, std::string(AreaName(r.area)),
                  r.principal_id, r.action, r.name.empty() ? r.target_id : r.name,
                  r.area == Area::kGroup ? r.access : r.scope, r.expiration, r.justification});
  }
  ctx.out() << table.Render(ctx.colour());
  return absl::OkStatus();
}

struct DecideOptions {
  std::string id;
  std::string reason;
  std::string otp;
};

absl::Status Decide(Context& ctx, const DecideOptions& o, bool approve) {
  PIM_ASSIGN_OR_RETURN(Session * session, ctx.GetSession());
  PimClient client(*session);
  auto area = client.Decide(o.id, approve, o.reason, o.otp);
  if (!area.ok() && IsMfaFailure(area.status()) && o.otp.empty() && ctx.env().stdin_tty) {
    ctx.err() << "Deciding this request requires MFA. Authenticator code: " << std::flush;
    area = client.Decide(o.id, approve, o.reason,
                         std::string(absl::StripAsciiWhitespace(ctx.ReadLine())));
  }
  if (!area.ok()) return area.status();
  const char* decision = approve ? "Approve" : "Deny";
  if (ctx.json()) {
    ctx.PrintJson(boost::json::object{
        {"approval",
         boost::json::object{{"id", o.id}, {"kind", AreaName(*area)}, {"decision", decision}}}});
  } else {
    ctx.out() << (approve ? "Approved " : "Denied ") << o.id << "\n";
  }
  return absl::OkStatus();
}

// ---- assignments (administrators) ----

struct AssignmentOptions {
  std::string principal;
  RequestOptions request;
  bool eligible = false;
  bool permanent = false;
};

absl::Status ManageAssignment(Context& ctx, const AssignmentOptions& o, const char* action) {
  PIM_ASSIGN_OR_RETURN(RequestSpec spec, SpecOf(o.request, action));
  spec.eligibility = o.eligible;
  spec.permanent = o.permanent;
  const bool remove = std::string_view(action) == "adminRemove";
  if (!remove && !spec.permanent && !spec.duration.has_value() && !spec.until.has_value()) {
    return absl::InvalidArgumentError("give --duration, --until or --permanent");
  }
  if (spec.permanent && (spec.duration.has_value() || spec.until.has_value())) {
    return absl::InvalidArgumentError("--permanent excludes --duration and --until");
  }
  PIM_ASSIGN_OR_RETURN(Session * session, ctx.GetSession());
  PimClient client(*session);
  PIM_ASSIGN_OR_RETURN(spec.principal_id, client.ResolvePrincipal(o.principal));
  const TargetOptions& t = o.request.target;
  Area area = Area::kDirectoryRole;
  if (t.group) {
    area = Area::kGroup;
  } else if (!t.scope.empty() && t.scope != "/" &&
             !absl::StartsWith(t.scope, "/administrativeUnits")) {
    area = Area::kAzureResource;
  }
  PIM_ASSIGN_OR_RETURN(
      RoleEntry target,
      client.ResolveDefinition(area, t.role, t.scope, t.access.empty() ? "member" : t.access));
  PIM_ASSIGN_OR_RETURN(RequestEntry request,
                       SubmitWithMfa(ctx, client, target, std::move(spec), o.request.otp));
  PrintRequest(ctx, request);
  return absl::OkStatus();
}

// ---- policies ----

// Indented JSON for files people keep in a repository and review as diffs.
void Pretty(const boost::json::value& v, std::string& out, int depth) {
  const std::string pad(static_cast<std::size_t>(depth) * 2, ' ');
  const std::string inner(static_cast<std::size_t>(depth + 1) * 2, ' ');
  if (v.is_object() && !v.get_object().empty()) {
    out += "{\n";
    bool first = true;
    for (const auto& [k, x] : v.get_object()) {
      if (!first) out += ",\n";
      first = false;
      absl::StrAppend(&out, inner, boost::json::serialize(boost::json::value(k)), ": ");
      Pretty(x, out, depth + 1);
    }
    absl::StrAppend(&out, "\n", pad, "}");
  } else if (v.is_array() && !v.get_array().empty()) {
    out += "[\n";
    bool first = true;
    for (const boost::json::value& x : v.get_array()) {
      if (!first) out += ",\n";
      first = false;
      out += inner;
      Pretty(x, out, depth + 1);
    }
    absl::StrAppend(&out, "\n", pad, "]");
  } else {
    out += boost::json::serialize(v);
  }
}

struct PolicyOptions {
  std::string role;
  bool group = false;
  std::string access;
  std::string max_duration;
  std::string require;
  std::string approval;
  std::vector<std::string> approvers;
  bool dry_run = false;
  bool groups = false;
  std::string file;
};

absl::Status PrintPlan(Context& ctx, const std::vector<RulePlan>& plan, bool dry_run) {
  if (ctx.json()) {
    ctx.PrintJson(PlanToJson(plan, !dry_run && !plan.empty()));
    return absl::OkStatus();
  }
  if (plan.empty()) {
    ctx.out() << "No changes: the policies already match.\n";
    return absl::OkStatus();
  }
  ctx.out() << PlanToText(plan);
  ctx.out() << plan.size() << (plan.size() == 1 ? " rule " : " rules ")
            << (dry_run ? "would change (dry run: nothing was changed)" : "changed") << "\n";
  return absl::OkStatus();
}

absl::Status PolicyShow(Context& ctx, const PolicyOptions& o) {
  PIM_ASSIGN_OR_RETURN(Session * session, ctx.GetSession());
  PolicyClient client(*session);
  PIM_ASSIGN_OR_RETURN(PolicyTarget target, client.Resolve(o.role, o.group, o.access));
  PIM_ASSIGN_OR_RETURN(boost::json::object policy, client.Get(target));
  if (ctx.json()) {
    ctx.PrintJson(boost::json::object{{"policy", policy}});
    return absl::OkStatus();
  }
  ctx.out() << target.kind << " " << target.name
            << (target.access.empty() ? "" : " (" + target.access + ")") << ", policy "
            << boost::json::serialize(policy["id"]) << "\n";
  Table table({"RULE", "SETTINGS"});
  if (const boost::json::value* rules = policy.if_contains("rules");
      rules != nullptr && rules->is_array()) {
    for (const boost::json::value& r : rules->get_array()) {
      if (!r.is_object()) continue;
      boost::json::object settings = r.get_object();
      const std::string id = settings.contains("id") ? std::string(settings["id"].as_string()) : "";
      settings.erase("id");
      settings.erase("@odata.type");
      settings.erase("target");
      table.AddRow({id, boost::json::serialize(settings)});
    }
  }
  ctx.out() << table.Render(ctx.colour());
  return absl::OkStatus();
}

absl::Status PolicySet(Context& ctx, const PolicyOptions& o) {
  boost::json::array rules;
  if (!o.max_duration.empty()) {
    PIM_ASSIGN_OR_RETURN(absl::Duration d, ParseUserDuration(o.max_duration));
    rules.emplace_back(boost::json::object{
        {"id", "Expiration_EndUser_Assignment"},
        {"@odata.type", "#microsoft.graph.unifiedRoleManagementPolicyExpirationRule"},
        {"isExpirationRequired", true},
        {"maximumDuration", FormatIsoDuration(d)}});
  }
  if (!o.require.empty()) {
    boost::json::array enabled;
    for (absl::string_view part : absl::StrSplit(o.require, ',', absl::SkipEmpty())) {
      const std::string p = absl::AsciiStrToLower(absl::StripAsciiWhitespace(part));
      if (p == "mfa") {
        enabled.emplace_back("MultiFactorAuthentication");
      } else if (p == "justification") {
        enabled.emplace_back("Justification");
      } else if (p == "ticket") {
        enabled.emplace_back("Ticketing");
      } else if (p != "none") {
        return absl::InvalidArgumentError(absl::StrCat(
            "--require takes a list of mfa, justification, ticket (or none), not '", p, "'"));
      }
    }
    rules.emplace_back(boost::json::object{
        {"id", "Enablement_EndUser_Assignment"},
        {"@odata.type", "#microsoft.graph.unifiedRoleManagementPolicyEnablementRule"},
        {"enabledRules", std::move(enabled)}});
  }
  PIM_ASSIGN_OR_RETURN(Session * session, ctx.GetSession());
  PolicyClient client(*session);
  PIM_ASSIGN_OR_RETURN(PolicyTarget target, client.Resolve(o.role, o.group, o.access));
  if (!o.approval.empty() || !o.approvers.empty()) {
    // Approvers live inside the first stage: start from the current stages.
    PIM_ASSIGN_OR_RETURN(boost::json::object policy, client.Get(target));
    boost::json::object setting;
    if (const boost::json::value* rs = policy.if_contains("rules");
        rs != nullptr && rs->is_array()) {
      for (const boost::json::value& r : rs->get_array()) {
        if (r.is_object() && r.get_object().contains("setting") &&
            r.get_object().at("id") == "Approval_EndUser_Assignment") {
          setting = r.get_object().at("setting").as_object();
        }
      }
    }
    boost::json::object desired_setting;
    if (!o.approval.empty()) desired_setting["isApprovalRequired"] = o.approval == "on";
    if (!o.approvers.empty()) {
      boost::json::array stages;
      if (const boost::json::value* s = setting.if_contains("approvalStages");
          s != nullptr && s->is_array()) {
        stages = s->get_array();
      }
      if (stages.empty()) stages.emplace_back(boost::json::object{});
      boost::json::array approvers;
      for (const std::string& id : o.approvers) {
        approvers.emplace_back(
            boost::json::object{{"@odata.type", "#microsoft.graph.singleUser"}, {"userId", id}});
      }
      stages[0].as_object()["primaryApprovers"] = std::move(approvers);
      desired_setting["approvalStages"] = std::move(stages);
    }
    rules.emplace_back(boost::json::object{
        {"id", "Approval_EndUser_Assignment"},
        {"@odata.type", "#microsoft.graph.unifiedRoleManagementPolicyApprovalRule"},
        {"setting", std::move(desired_setting)}});
  }
  if (rules.empty()) {
    return absl::InvalidArgumentError(
        "nothing to set: give --max-duration, --require, --approval or --approver");
  }
  boost::json::object entry;
  if (target.kind == "group") {
    entry = {{"groupId", target.id}, {"access", target.access}};
  } else {
    entry = {{"roleDefinitionId", target.id}};
  }
  entry["rules"] = std::move(rules);
  PIM_ASSIGN_OR_RETURN(std::vector<RulePlan> plan,
                       client.Plan(boost::json::object{{"policies", boost::json::array{entry}}}));
  if (!o.dry_run) PIM_RETURN_IF_ERROR(client.Apply(plan));
  return PrintPlan(ctx, plan, o.dry_run);
}

absl::Status PolicyExport(Context& ctx, const PolicyOptions& o) {
  PIM_ASSIGN_OR_RETURN(Session * session, ctx.GetSession());
  PolicyClient client(*session);
  PIM_ASSIGN_OR_RETURN(boost::json::object file, client.Export(o.groups));
  std::string text;
  Pretty(file, text, 0);
  ctx.out() << text << "\n";
  return absl::OkStatus();
}

absl::Status PolicyImport(Context& ctx, const PolicyOptions& o) {
  std::ifstream in(o.file, std::ios::binary);
  if (!in) return absl::InvalidArgumentError(absl::StrCat("cannot read ", o.file));
  const std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  boost::system::error_code ec;
  const boost::json::value file = boost::json::parse(content, ec);
  if (ec) return absl::InvalidArgumentError(absl::StrCat(o.file, " is not JSON: ", ec.message()));
  PIM_ASSIGN_OR_RETURN(Session * session, ctx.GetSession());
  PolicyClient client(*session);
  PIM_ASSIGN_OR_RETURN(std::vector<RulePlan> plan, client.Plan(file));
  if (!o.dry_run) PIM_RETURN_IF_ERROR(client.Apply(plan));
  return PrintPlan(ctx, plan, o.dry_run);
}

// ---- administration ----

absl::Status DirectoryImport(Context& ctx, const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return absl::InvalidArgumentError(absl::StrCat("cannot read ", file));
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  PIM_ASSIGN_OR_RETURN(Session * session, ctx.GetSession());
  ApiCall call;
  call.method = "POST";
  call.path = "/pim/v1/directory/import";
  call.raw_body = std::move(content);
  call.content_type = absl::EndsWithIgnoreCase(file, ".csv") ? "text/csv" : "application/json";
  PIM_ASSIGN_OR_RETURN(ApiResult result, session->Call(call));
  if (ctx.json()) {
    ctx.PrintJson(result.json);
    return absl::OkStatus();
  }
  const boost::json::object* o = result.json.if_object();
  if (o == nullptr) return absl::DataLossError("the import answered no summary");
  auto num = [&](const char* key) -> std::string {
    const boost::json::value* v = o->if_contains(key);
    return v == nullptr ? "0" : boost::json::serialize(*v);
  };
  ctx.out() << "imported " << num("imported") << ", unchanged " << num("unchanged") << ", rejected "
            << num("rejected") << "\n";
  if (const boost::json::value* rows = o->if_contains("rows");
      rows != nullptr && rows->is_array()) {
    Table table({"ROW", "STATUS", "ID", "CODE", "MESSAGE"});
    for (const boost::json::value& row : rows->get_array()) {
      if (!row.is_object()) continue;
      const boost::json::object& r = row.get_object();
      auto s = [&](const char* key) -> std::string {
        const boost::json::value* v = r.if_contains(key);
        if (v == nullptr || v->is_null()) return "";
        return v->is_string() ? std::string(v->get_string()) : boost::json::serialize(*v);
      };
      table.AddRow({s("row"), s("status"), s("id"), s("code"), s("message")});
    }
    if (!table.empty()) ctx.out() << table.Render(ctx.colour());
  }
  const boost::json::value* rejected = o->if_contains("rejected");
  if (rejected != nullptr && rejected->is_number() && rejected->to_number<double>() > 0) {
    return WithExitCode(absl::FailedPreconditionError("some rows were rejected"), ExitCode::kError);
  }
  return absl::OkStatus();
}

// ---- the tree ----

using Action = std::function<absl::Status()>;

void AddTargetOptions(CLI::App* cmd, TargetOptions& t) {
  cmd->add_option("role", t.role, "Role or group: display name, role definition id or group id")
      ->required();
  cmd->add_option("--scope", t.scope,
                  "Scope: a directory scope (/ or /administrativeUnits/…) or an ARM scope "
                  "(/subscriptions/…); a scope below an eligible one activates a reduced scope");
  cmd->add_flag("--group", t.group, "The name is a group (PIM for Groups)");
  cmd->add_option("--access", t.access, "Group access: member (default) or owner")
      ->check(CLI::IsMember({"member", "owner"}));
}

void AddRequestOptions(CLI::App* cmd, RequestOptions& o, bool schedule, bool wait) {
  AddTargetOptions(cmd, o.target);
  if (schedule) {
    cmd->add_option("--duration", o.duration, "How long: ISO 8601 (PT2H) or 2h, 30m, 1h30m");
    cmd->add_option("--start", o.start, "Start later: ISO 8601 date-time (2026-01-05T09:00:00Z)");
  }
  cmd->add_option("--reason", o.reason, "Justification");
  cmd->add_option("--ticket-system", o.ticket_system, "Ticket system (e.g. ServiceNow)");
  cmd->add_option("--ticket-number", o.ticket_number, "Ticket number (e.g. CHG-1001)");
  cmd->add_option("--otp", o.otp,
                  "Authenticator (TOTP) or recovery code, sent if the policy requires MFA");
  if (wait) {
    cmd->add_flag("--wait", o.wait,
                  "Wait until the access is active (after approval); exit 0 then, 6 if denied "
                  "or canceled, 5 on --timeout");
    cmd->add_option("--timeout", o.timeout, "How long --wait waits (default 1h)");
  }
}

struct AllOptions {
  Globals globals;
  LoginOptions login;
  RolesOptions roles;
  RequestOptions activate;
  RequestOptions deactivate;
  RequestOptions extend;
  RequestOptions renew;
  RequestsOptions requests;
  std::string cancel_id;
  DecideOptions approve;
  DecideOptions deny;
  std::string import_file;
  std::string shell;
  AssignmentOptions assign_add;
  AssignmentOptions assign_update;
  AssignmentOptions assign_remove;
  PolicyOptions policy_show;
  PolicyOptions policy_set;
  PolicyOptions policy_export;
  PolicyOptions policy_import;
  std::unique_ptr<AuditCommands> audit;
};

void BuildTree(CLI::App& app, AllOptions& o, std::map<const CLI::App*, Action>& actions,
               Context& ctx) {
  app.description("pimctl: privileged access from the terminal (activate, approve, administer)");
  app.require_subcommand(1);
  app.fallthrough();
  app.add_option("--server", o.globals.server, "pimd URL (env PIMCTL_SERVER; default: last login)");
  app.add_option("--ca-file", o.globals.ca_file,
                 "CA certificate to trust for pimd's TLS certificate (env PIMCTL_CA_FILE)");
  app.add_option("-o,--output", o.globals.output, "Output format: table (default) or json")
      ->check(CLI::IsMember({"table", "json"}));
  app.add_option("--http-timeout", o.globals.http_timeout_seconds,
                 "Seconds to wait for each HTTP answer (default 60)");

  CLI::App* login = app.add_subcommand("login", "Sign in (browser with PKCE, or --username)");
  login->add_option("--username", o.login.username, "Sign in with a password (scripts)");
  login->add_flag("--password-stdin", o.login.password_stdin,
                  "Read the password from the first line of standard input");
  login->add_option("--otp", o.login.otp, "Authenticator (TOTP) or recovery code");
  login->add_flag("--no-browser", o.login.no_browser, "Print the sign-in URL only");
  actions[login] = [&] { return Login(ctx, o.login); };

  CLI::App* logout = app.add_subcommand("logout", "Sign out: revoke the session, delete tokens");
  actions[logout] = [&] { return Logout(ctx); };

  CLI::App* whoami = app.add_subcommand("whoami", "Show who is signed in, and where");
  actions[whoami] = [&] { return WhoAmI(ctx); };

  CLI::App* roles = app.add_subcommand("roles", "Your eligible, active and scheduled roles");
  roles->add_flag("--eligible", o.roles.eligible, "Only eligible ones");
  roles->add_flag("--active", o.roles.active, "Only active and scheduled ones");
  actions[roles] = [&] { return Roles(ctx, o.roles); };

  CLI::App* activate = app.add_subcommand("activate", "Activate an eligible role or group");
  AddRequestOptions(activate, o.activate, true, true);
  actions[activate] = [&] { return Activate(ctx, o.activate); };

  CLI::App* deactivate = app.add_subcommand("deactivate", "End one of your activations early");
  AddRequestOptions(deactivate, o.deactivate, false, false);
  actions[deactivate] = [&] { return Deactivate(ctx, o.deactivate); };

  CLI::App* extend = app.add_subcommand(
      "extend", "Ask to extend an assignment that ends within 14 days (needs approval)");
  AddRequestOptions(extend, o.extend, true, true);
  extend->add_option("--until", o.extend.until, "New end: ISO 8601 date-time");
  actions[extend] = [&] { return ExtendOrRenew(ctx, o.extend, true); };

  CLI::App* renew = app.add_subcommand(
      "renew", "Ask to renew an assignment that expired within 30 days (needs approval)");
  AddRequestOptions(renew, o.renew, true, true);
  renew->add_option("--until", o.renew.until, "New end: ISO 8601 date-time");
  actions[renew] = [&] { return ExtendOrRenew(ctx, o.renew, false); };

  CLI::App* requests = app.add_subcommand("requests", "Your requests");
  requests->add_flag("--pending", o.requests.pending, "Only pending and scheduled ones");
  actions[requests] = [&] { return Requests(ctx, o.requests); };

  CLI::App* cancel = app.add_subcommand("cancel", "Cancel a pending or scheduled request");
  cancel->add_option("id", o.cancel_id, "Request id (see pimctl requests)")->required();
  actions[cancel] = [&] { return Cancel(ctx, o.cancel_id); };

  CLI::App* approvals = app.add_subcommand("approvals", "Requests waiting for your decision");
  actions[approvals] = [&] { return Approvals(ctx); };

  for (auto [name, help, opts, approve] :
       {std::tuple{"approve", "Approve a request", &o.approve, true},
        std::tuple{"deny", "Deny a request", &o.deny, false}}) {
    CLI::App* cmd = app.add_subcommand(name, help);
    cmd->add_option("id", opts->id, "Approval id (see pimctl approvals)")->required();
    cmd->add_option("--reason", opts->reason, "Justification for the decision")->required();
    cmd->add_option("--otp", opts->otp, "Authenticator code, if the policy requires MFA");
    DecideOptions* chosen = opts;
    const bool yes = approve;
    actions[cmd] = [&ctx, chosen, yes] { return Decide(ctx, *chosen, yes); };
  }

  CLI::App* assignment = app.add_subcommand(
      "assignment", "Administrators: eligible and active assignments of users and groups");
  assignment->require_subcommand(1);
  for (auto [name, help, opts, action] :
       {std::tuple{"add", "Make a user or group eligible (--eligible) or give active access",
                   &o.assign_add, "adminAssign"},
        std::tuple{"update", "Change the schedule of an assignment", &o.assign_update,
                   "adminUpdate"},
        std::tuple{"remove", "Remove an assignment", &o.assign_remove, "adminRemove"}}) {
    CLI::App* cmd = assignment->add_subcommand(name, help);
    cmd->add_option("principal", opts->principal,
                    "User (id, userPrincipalName or name) or group (id or name)")
        ->required();
    const bool remove = std::string_view(action) == "adminRemove";
    AddRequestOptions(cmd, opts->request, !remove, false);
    cmd->add_flag("--eligible", opts->eligible, "An eligibility rather than active access");
    if (!remove) {
      cmd->add_option("--until", opts->request.until, "End: ISO 8601 date-time");
      cmd->add_flag("--permanent", opts->permanent, "No end");
    }
    AssignmentOptions* chosen = opts;
    const char* chosen_action = action;
    actions[cmd] = [&ctx, chosen, chosen_action] {
      return ManageAssignment(ctx, *chosen, chosen_action);
    };
  }

  CLI::App* policy = app.add_subcommand("policy", "Role settings (policies) of roles and groups");
  policy->require_subcommand(1);
  auto target_of = [](CLI::App* cmd, PolicyOptions& p) {
    cmd->add_option("role", p.role, "Directory role or (with --group) group: name or id")
        ->required();
    cmd->add_flag("--group", p.group, "The name is a group");
    cmd->add_option("--access", p.access, "Group policy: member (default) or owner")
        ->check(CLI::IsMember({"member", "owner"}));
  };
  CLI::App* show = policy->add_subcommand("show", "Show the rules of a role's or group's policy");
  target_of(show, o.policy_show);
  actions[show] = [&] { return PolicyShow(ctx, o.policy_show); };
  CLI::App* set = policy->add_subcommand("set", "Change activation settings of a policy");
  target_of(set, o.policy_set);
  set->add_option("--max-duration", o.policy_set.max_duration,
                  "Longest activation (ISO 8601 or 2h, 30m)");
  set->add_option("--require", o.policy_set.require,
                  "On activation require: comma list of mfa, justification, ticket; or none");
  set->add_option("--approval", o.policy_set.approval, "Require approval: on or off")
      ->check(CLI::IsMember({"on", "off"}));
  set->add_option("--approver", o.policy_set.approvers, "Approver user id (repeat for several)");
  set->add_flag("--dry-run", o.policy_set.dry_run, "Print what would change; change nothing");
  actions[set] = [&] { return PolicySet(ctx, o.policy_set); };
  CLI::App* exp = policy->add_subcommand(
      "export", "Print every directory role's policy as a policy file (JSON) on stdout");
  exp->add_flag("--groups", o.policy_export.groups, "Include every group's member/owner policies");
  actions[exp] = [&] { return PolicyExport(ctx, o.policy_export); };
  CLI::App* imp = policy->add_subcommand(
      "import", "Apply a policy file rule by rule (see docs/pimctl.md for the format)");
  imp->add_option("file", o.policy_import.file, "Policy file (JSON)")
      ->required()
      ->check(CLI::ExistingFile);
  imp->add_flag("--dry-run", o.policy_import.dry_run,
                "Print exactly what would change, rule by rule; change nothing");
  actions[imp] = [&] { return PolicyImport(ctx, o.policy_import); };

  CLI::App* directory = app.add_subcommand("directory", "Directory administration");
  directory->require_subcommand(1);
  CLI::App* import =
      directory->add_subcommand("import", "Import users and groups from a JSON or CSV (.csv) file");
  import->add_option("file", o.import_file, "JSON ({\"users\",\"groups\"}) or CSV file")
      ->required()
      ->check(CLI::ExistingFile);
  actions[import] = [&] { return DirectoryImport(ctx, o.import_file); };

  o.audit = std::make_unique<AuditCommands>(
      AuditCommandEnvironment{.session = [&ctx] { return ctx.GetSession(); },
                              .token_cache = [&ctx] { return ctx.Cache(); },
                              .http = [&ctx]() -> HttpClient& { return ctx.Http(); },
                              .out = [&ctx]() -> std::ostream& { return ctx.out(); },
                              .err = [&ctx]() -> std::ostream& { return ctx.err(); },
                              .json = [&ctx] { return ctx.json(); },
                              .colour = [&ctx] { return ctx.colour(); }});
  o.audit->Register(app, actions);

  CLI::App* completion = app.add_subcommand("completion", "Print a shell completion script");
  completion->add_option("shell", o.shell, "bash or zsh")
      ->required()
      ->check(CLI::IsMember({"bash", "zsh"}));
  actions[completion] = [&app, &o, &ctx] {
    ctx.out() << CompletionScript(app, o.shell);
    return absl::OkStatus();
  };
}

// The deepest subcommand the command line chose.
const CLI::App* Chosen(const CLI::App& app) {
  const CLI::App* at = &app;
  for (;;) {
    const CLI::App* next = nullptr;
    for (const CLI::App* sub : at->get_subcommands()) {
      if (sub->parsed()) next = sub;
    }
    if (next == nullptr) return at;
    at = next;
  }
}

}  // namespace

int Run(int argc, const char* const* argv, Environment& env) {
  AllOptions options;
  Context ctx(env, options.globals);
  CLI::App app("pimctl", "pimctl");
  std::map<const CLI::App*, Action> actions;
  BuildTree(app, options, actions, ctx);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e, *env.out, *env.err);
    return code == 0 ? 0 : ToInt(ExitCode::kUsage);
  }
  const auto it = actions.find(Chosen(app));
  if (it == actions.end()) {
    *env.err << app.help();
    return ToInt(ExitCode::kUsage);
  }
  absl::Status status;
  try {
    status = it->second();
  } catch (const std::exception& e) {
    status = absl::InternalError(e.what());
  }
  if (status.ok()) return 0;
  const ExitCode code = ExitCodeFor(status);
  if (options.globals.output == "json") {
    boost::json::object error{{"message", RenderError(status)}, {"exitCode", ToInt(code)}};
    if (auto server = ServerErrorOf(status)) {
      error["code"] = server->code;
      error["httpStatus"] = server->http_status;
    }
    *env.err << boost::json::serialize(boost::json::object{{"error", std::move(error)}}) << "\n";
  } else {
    *env.err << "pimctl: error: " << RenderError(status) << "\n";
  }
  return ToInt(code);
}

}  // namespace pim::cli
