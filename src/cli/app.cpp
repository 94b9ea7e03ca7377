// The command tree and running it: each command group registers its subcommands
// (command_context.h); Run parses the command line, runs the chosen command's action and turns
// its status into a message on stderr and an exit code.
#include "pim/cli/app.h"

#include <CLI/CLI.hpp>
#include <cmath>
#include <exception>
#include <memory>
#include <ostream>
#include <string>

#include "absl/strings/numbers.h"
#include "boost/json/serialize.hpp"
#include "cli/command_context.h"
#include "pim/cli/audit_commands.h"
#include "pim/cli/exit_code.h"
#include "pim/cli/output.h"
#include "pim/cli/server_error.h"

namespace pim::cli {
namespace {

// A number of seconds a timeout can be: finite, and at least a millisecond (curl counts in
// milliseconds and reads 0 as "no timeout").
CLI::Validator PositiveSeconds() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        double seconds = 0;
        if (!absl::SimpleAtod(text, &seconds) || !std::isfinite(seconds) || seconds < 0.001) {
          return "must be a positive number of seconds (at least 0.001)";
        }
        return "";
      },
      "SECONDS>0");
}

// The whole tree, in the order of `pimctl --help`. `audit` and `shell` hold options CLI11
// parses into: both outlive the parse.
void BuildTree(CLI::App& app, Globals& globals, std::unique_ptr<AuditCommands>& audit,
               std::string& shell, Actions& actions, Context& ctx) {
  app.description("pimctl: privileged access from the terminal (activate, approve, administer)");
  app.require_subcommand(1);
  app.fallthrough();
  app.add_option("--server", globals.server, "pimd URL (env PIMCTL_SERVER; default: last login)");
  app.add_option("--ca-file", globals.ca_file,
                 "CA certificate to trust for pimd's TLS certificate (env PIMCTL_CA_FILE)");
  app.add_option("-o,--output", globals.output, "Output format: table (default) or json")
      ->check(CLI::IsMember({"table", "json"}));
  app.add_option("--http-timeout", globals.http_timeout_seconds,
                 "Seconds to wait for each HTTP answer (default 60)")
      ->check(PositiveSeconds());

  RegisterSignInCommands(app, ctx, actions);
  RegisterEndUserCommands(app, ctx, actions);
  RegisterApproverCommands(app, ctx, actions);
  RegisterAssignmentCommands(app, ctx, actions);
  RegisterPolicyCommands(app, ctx, actions);
  RegisterDirectoryCommands(app, ctx, actions);

  audit = std::make_unique<AuditCommands>(
      AuditCommandEnvironment{.session = [&ctx] { return ctx.GetSession(); },
                              .token_cache = [&ctx] { return ctx.Cache(); },
                              .http = [&ctx]() -> HttpClient& { return ctx.Http(); },
                              .out = [&ctx]() -> std::ostream& { return ctx.out(); },
                              .err = [&ctx]() -> std::ostream& { return ctx.err(); },
                              .json = [&ctx] { return ctx.json(); },
                              .colour = [&ctx] { return ctx.colour(); }});
  audit->Register(app, actions);

  CLI::App* completion = app.add_subcommand("completion", "Print a shell completion script");
  completion->add_option("shell", shell, "bash or zsh")
      ->required()
      ->check(CLI::IsMember({"bash", "zsh"}));
  actions[completion] = [&app, &shell, &ctx] {
    ctx.out() << CompletionScript(app, shell);
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
  Globals globals;
  Context ctx(env, globals);
  CLI::App app("pimctl", "pimctl");
  std::unique_ptr<AuditCommands> audit;
  std::string shell;
  Actions actions;
  BuildTree(app, globals, audit, shell, actions, ctx);
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
  if (globals.output == "json") {
    boost::json::object error{{"message", RenderError(status)}, {"exitCode", ToInt(code)}};
    if (auto server = ServerErrorOf(status)) {
      error["code"] = server->code;
      error["httpStatus"] = server->http_status;
    }
    *env.err << boost::json::serialize(boost::json::object{{"error", std::move(error)}}) << "\n";
  } else {
    // The server's message may quote what others wrote (names, justifications).
    *env.err << "pimctl: error: " << Printable(RenderError(status)) << "\n";
  }
  return ToInt(code);
}

}  // namespace pim::cli
