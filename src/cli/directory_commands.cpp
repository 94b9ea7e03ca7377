// Directory commands: directory import (users and groups from a JSON or CSV file).
#include <fstream>
#include <iterator>
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "boost/json/serialize.hpp"
#include "cli/command_context.h"
#include "pim/cli/output.h"

namespace pim::cli {
namespace {

// The summary line and the table of rows of an import's answer `o`.
void PrintSummary(Context& ctx, const boost::json::object& o) {
  auto num = [&](const char* key) -> std::string {
    const boost::json::value* v = o.if_contains(key);
    return v == nullptr ? "0" : boost::json::serialize(*v);
  };
  ctx.out() << "imported " << num("imported") << ", unchanged " << num("unchanged") << ", rejected "
            << num("rejected") << "\n";
  if (const boost::json::value* rows = o.if_contains("rows"); rows != nullptr && rows->is_array()) {
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
}

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
  const boost::json::object* o = result.json.if_object();
  if (ctx.json()) {
    ctx.PrintJson(result.json);
  } else {
    if (o == nullptr) return absl::DataLossError("the import answered no summary");
    PrintSummary(ctx, *o);
  }
  // The exit code says whether every row went in, whatever the output format.
  const boost::json::value* rejected = o == nullptr ? nullptr : o->if_contains("rejected");
  if (rejected != nullptr && rejected->is_number() && rejected->to_number<double>() > 0) {
    return WithExitCode(absl::FailedPreconditionError("some rows were rejected"), ExitCode::kError);
  }
  return absl::OkStatus();
}

}  // namespace

void RegisterDirectoryCommands(CLI::App& app, Context& ctx, Actions& actions) {
  CLI::App* directory = app.add_subcommand("directory", "Directory administration");
  directory->require_subcommand(1);
  auto file = std::make_shared<std::string>();
  CLI::App* import =
      directory->add_subcommand("import", "Import users and groups from a JSON or CSV (.csv) file");
  import->add_option("file", *file, "JSON ({\"users\",\"groups\"}) or CSV file")
      ->required()
      ->check(CLI::ExistingFile);
  actions[import] = [&ctx, file] { return DirectoryImport(ctx, *file); };
}

}  // namespace pim::cli
