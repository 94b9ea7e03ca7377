// The audit commands. An export is downloaded a page at a time (the server answers at most
// 10,000 entries per request and names the next page in X-Pim-Audit-Next-After) and each page is
// written out before the next is asked for, so memory holds one page, never the whole history.
#include "pim/cli/audit_commands.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <ostream>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "boost/json/serialize.hpp"
#include "pim/audit/audit_verifier.h"
#include "pim/cli/exit_code.h"
#include "pim/cli/output.h"
#include "pim/cli/server_error.h"
#include "pim/cli/url_encoding.h"
#include "pim/cli/user_duration.h"
#include "pim/domain/iso8601.h"
#include "pim/domain/status.h"
#include "pim/identity/jwk.h"

namespace pim::cli {
namespace {

constexpr char kEntriesPath[] = "/pim/v1/audit/entries";
constexpr char kKeysPath[] = "/pim/v1/audit/keys";
constexpr int kMaxPageSize = 10000;
// A JWKS larger than this is not one (identity::VerificationKey::ParseJwks refuses it too).
constexpr std::uintmax_t kMaxJwksBytes = 1 << 20;

std::string SystemError(int error) { return std::string(std::strerror(error)); }

// GET `path_and_query` from the signed-in server and return the body as it is: the export is
// JSON lines or CSV, which Session::Call (JSON only) would refuse as malformed. The access token
// is the session's: Session refreshes one about to expire (and saves it) before it is read here.
absl::StatusOr<HttpResponse> RawGet(Session& session, const TokenCache& cache, HttpClient& http,
                                    const std::string& path_and_query, const char* accept) {
  for (int attempt = 0;; ++attempt) {
    PIM_RETURN_IF_ERROR(session.UserId().status());
    PIM_ASSIGN_OR_RETURN(const CachedSignIn sign_in, cache.Load(session.server()));
    HttpRequest request;
    request.url = absl::StrCat(session.server(), path_and_query);
    request.headers = {{"Authorization", absl::StrCat("Bearer ", sign_in.access_token.reveal())},
                       {"Accept", accept}};
    PIM_ASSIGN_OR_RETURN(HttpResponse response, http.Send(request));
    if (response.status == 401 && attempt == 0) {
      // The server no longer takes the token (its clock is ahead of ours). A JSON call through
      // the session meets the same 401 and refreshes the token, which the next attempt reads.
      ApiCall probe;
      probe.path = kKeysPath;
      PIM_RETURN_IF_ERROR(session.Call(probe).status());
      continue;
    }
    if (response.status < 200 || response.status >= 300) {
      return ToStatus(
          ParseServerError(response.status, response.body, response.Header("request-id")));
    }
    return response;
  }
}

// The number of entry lines in a page of JSON lines (pimd writes each as {"type":"entry",...).
std::int64_t CountEntryLines(std::string_view page) {
  constexpr std::string_view kEntry = "{\"type\":\"entry\"";
  std::int64_t n = 0;
  std::size_t at = 0;
  while (at < page.size()) {
    if (page.substr(at, kEntry.size()) == kEntry) ++n;
    const std::size_t end = page.find('\n', at);
    if (end == std::string_view::npos) break;
    at = end + 1;
  }
  return n;
}

struct DownloadSummary {
  std::int64_t entries = 0;
  std::int64_t pages = 0;
  // X-Pim-Revision of the first page: the last change the server had made by then.
  std::optional<std::int64_t> revision_at_start;
};

// Downloads every page of the export `params` asks for and hands each to `write`, in order:
// JSON lines as they come (the pages concatenated verify as one file), CSV with one header row.
absl::StatusOr<DownloadSummary> Download(
    Session& session, const TokenCache& cache, HttpClient& http,
    const std::vector<std::pair<std::string, std::string>>& params, bool csv,
    const std::function<absl::Status(std::string_view)>& write) {
  DownloadSummary summary;
  CsvPageJoiner joiner;
  std::optional<std::int64_t> after;
  for (;;) {
    std::vector<std::pair<std::string, std::string>> fields = params;
    if (after.has_value()) fields.emplace_back("after", absl::StrCat(*after));
    std::string path = kEntriesPath;
    if (!fields.empty()) absl::StrAppend(&path, "?", FormEncode(fields));
    PIM_ASSIGN_OR_RETURN(
        const HttpResponse page,
        RawGet(session, cache, http, path, csv ? "text/csv" : "application/x-ndjson"));
    ++summary.pages;
    if (summary.pages == 1) {
      std::int64_t revision = 0;
      if (absl::SimpleAtoi(page.Header("x-pim-revision"), &revision)) {
        summary.revision_at_start = revision;
      }
    }
    if (csv) {
      PIM_ASSIGN_OR_RETURN(const std::string_view part, joiner.Next(page.body));
      PIM_RETURN_IF_ERROR(write(part));
    } else {
      summary.entries += CountEntryLines(page.body);
      PIM_RETURN_IF_ERROR(write(page.body));
    }
    const std::string next = page.Header("x-pim-audit-next-after");
    if (next.empty()) break;
    std::int64_t next_after = 0;
    // Each page must move on, or a confused server would keep us here for ever.
    if (!absl::SimpleAtoi(next, &next_after) || next_after < 0 ||
        (after.has_value() && next_after <= *after)) {
      return absl::DataLossError(
          absl::StrCat("the server's next page (X-Pim-Audit-Next-After: ", next.substr(0, 40),
                       ") does not follow page ", summary.pages));
    }
    after = next_after;
  }
  if (csv) summary.entries = joiner.rows();
  return summary;
}

// Reads the JWKS in `path`. Errors: InvalidArgument (exit 2) when it cannot be read or is not a
// JWKS with a usable key.
absl::StatusOr<std::vector<identity::VerificationKey>> ReadKeysFile(const std::string& path) {
  std::error_code ec;
  const std::uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot read the keys file ", path, ": ", ec.message()));
  }
  if (size > kMaxJwksBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("the keys file ", path, " is too large to be a JWKS"));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot read the keys file ", path, ": ", SystemError(errno)));
  }
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto keys = identity::VerificationKey::ParseJwks(text);
  if (!keys.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the keys file ", path, " is not a JWKS of audit keys: ", keys.status().message()));
  }
  return *std::move(keys);
}

// The server's audit keys: the JWKS text and its usable keys.
struct ServerKeys {
  std::string jwks;
  std::vector<identity::VerificationKey> keys;
};

absl::StatusOr<ServerKeys> FetchKeys(Session& session) {
  ApiCall call;
  call.path = kKeysPath;
  PIM_ASSIGN_OR_RETURN(const ApiResult result, session.Call(call));
  ServerKeys out;
  out.jwks = boost::json::serialize(result.json);
  auto keys = identity::VerificationKey::ParseJwks(out.jwks);
  if (!keys.ok()) {
    return absl::DataLossError(
        absl::StrCat("the server's audit keys are not a usable JWKS: ", keys.status().message()));
  }
  out.keys = *std::move(keys);
  return out;
}

// One row of the findings: the verifier's, or pimctl's own "truncated".
struct FindingRow {
  std::int64_t line = 0;
  std::int64_t seq = 0;
  std::int64_t seq_last = 0;
  std::string kind;
  std::string message;
};

std::vector<FindingRow> RowsOf(const audit::VerificationReport& report) {
  std::vector<FindingRow> rows;
  rows.reserve(report.findings.size());
  for (const audit::Finding& f : report.findings) {
    rows.push_back(
        {f.line, f.seq, f.seq_last, std::string(audit::FindingKindName(f.kind)), f.message});
  }
  return rows;
}

}  // namespace

// ---- AtomicFile ----

absl::StatusOr<AtomicFile> AtomicFile::Create(const std::string& path) {
  const std::filesystem::path target(path);
  std::filesystem::path dir = target.parent_path();
  if (dir.empty()) dir = ".";
  if (target.filename().empty()) {
    return absl::InvalidArgumentError(absl::StrCat("not a file name: ", path));
  }
  // Hidden, beside the target (so that the rename stays on one file system), and unique.
  std::string temp = (dir / ("." + target.filename().string() + ".pimctl-XXXXXX")).string();
  const int fd = ::mkstemp(temp.data());  // mode 0600
  if (fd < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot write in ", dir.string(), ": ", SystemError(errno)));
  }
  return AtomicFile(path, std::move(temp), fd);
}

AtomicFile::AtomicFile(AtomicFile&& other) noexcept
    : path_(std::move(other.path_)),
      temp_path_(std::move(other.temp_path_)),
      fd_(std::exchange(other.fd_, -1)),
      committed_(std::exchange(other.committed_, true)) {}

AtomicFile::~AtomicFile() { Discard(); }

void AtomicFile::Discard() {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
  if (!committed_ && !temp_path_.empty()) {
    ::unlink(temp_path_.c_str());
    committed_ = true;  // nothing left to discard
  }
}

absl::Status AtomicFile::Append(std::string_view data) {
  if (fd_ < 0) return absl::FailedPreconditionError("the file is already closed");
  while (!data.empty()) {
    const ssize_t n = ::write(fd_, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return absl::InternalError(
          absl::StrCat("cannot write ", temp_path_, ": ", SystemError(errno)));
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return absl::OkStatus();
}

absl::Status AtomicFile::Commit() {
  if (fd_ < 0) return absl::FailedPreconditionError("the file is already closed");
  // On disk before it takes the name: a crash leaves the old file or the whole new one.
  if (::fsync(fd_) != 0) {
    return absl::InternalError(absl::StrCat("cannot write ", temp_path_, ": ", SystemError(errno)));
  }
  const int fd = std::exchange(fd_, -1);
  if (::close(fd) != 0) {
    return absl::InternalError(absl::StrCat("cannot write ", temp_path_, ": ", SystemError(errno)));
  }
  if (std::rename(temp_path_.c_str(), path_.c_str()) != 0) {
    return absl::InternalError(
        absl::StrCat("cannot rename ", temp_path_, " to ", path_, ": ", SystemError(errno)));
  }
  committed_ = true;
  return absl::OkStatus();
}

// ---- CsvPageJoiner ----

absl::StatusOr<std::string_view> CsvPageJoiner::Next(std::string_view page) {
  // The header row is pimd's fixed column names: no quoted line breaks in it.
  const std::size_t eol = page.find('\n');
  const std::string_view header = eol == std::string_view::npos ? page : page.substr(0, eol + 1);
  std::string_view rest = page.substr(header.size());
  std::string_view out = page;
  if (first_) {
    first_ = false;
    header_ = std::string(header);
  } else if (header != header_) {
    return absl::DataLossError("a page of the CSV export starts with another header row");
  } else {
    out = rest;
  }
  // Count the data rows: line ends outside quotes (a quote inside a quoted field is doubled,
  // which toggles twice and changes nothing).
  bool quoted = false;
  bool in_row = false;
  for (const char c : rest) {
    if (c == '"') quoted = !quoted;
    if (c == '\n' && !quoted) {
      if (in_row) ++rows_;
      in_row = false;
    } else if (c != '\r') {
      in_row = true;
    }
  }
  if (in_row) ++rows_;
  return out;
}

// ---- the commands ----

void AuditCommands::Register(CLI::App& app, std::map<const CLI::App*, Action>& actions) {
  CLI::App* audit = app.add_subcommand(
      "audit", "Audit history: export it, save the audit keys, verify an export (auditors)");
  audit->require_subcommand(1);

  CLI::App* exp = audit->add_subcommand(
      "export", "Download the audit history, every page, as JSON lines or CSV");
  exp->add_option("--from", export_.from, "Entries at or after this ISO 8601 date-time");
  exp->add_option("--to", export_.to, "Entries at or before this ISO 8601 date-time");
  exp->add_option("--actor", export_.actor, "Only changes by this principal (id or UPN)");
  exp->add_option("--target", export_.target,
                  "Only changes about this role, group, scope or principal (id or scope)");
  exp->add_option("--activity", export_.activity,
                  "Only activities containing this text (case-insensitive)");
  exp->add_option("--format", export_.format,
                  "jsonl (default; verifiable) or csv (Entra's columns, for reading)")
      ->check(CLI::IsMember({"jsonl", "csv"}));
  exp->add_option("-f,--file", export_.file,
                  "Write to FILE (whole or not at all) instead of standard output");
  exp->add_option("--page-size", export_.page_size,
                  "Entries per request (1 to 10000; default: the server's maximum, 10000)")
      ->check(CLI::Range(1, kMaxPageSize));
  actions[exp] = [this] { return Export(export_); };

  CLI::App* keys = audit->add_subcommand(
      "keys", "Save the server's audit keys (JWKS) to pin them for pimctl audit verify --keys");
  keys->add_option("-f,--file", keys_.file, "Write to FILE instead of standard output");
  actions[keys] = [this] { return Keys(keys_); };

  CLI::App* verify = audit->add_subcommand(
      "verify", "Verify an export offline (FILE --keys JWKS), or the server's whole history");
  verify->add_option("file", verify_.file, "JSON-lines export (pimctl audit export)");
  verify->add_option("--keys", verify_.keys,
                     "Trusted audit keys (JWKS saved by pimctl audit keys); required for FILE "
                     "unless --server is given");
  verify->add_flag("--server", verify_.server,
                   "Download and verify the server's complete history (the global --server URL, "
                   "PIMCTL_SERVER or the last login); with FILE: fetch the keys from the server");
  actions[verify] = [this] { return Verify(verify_); };
}

absl::Status AuditCommands::Export(const ExportOptions& o) {
  std::vector<std::pair<std::string, std::string>> params;
  for (const auto& [name, value] : {std::pair{"from", &o.from}, std::pair{"to", &o.to}}) {
    if (value->empty()) continue;
    PIM_ASSIGN_OR_RETURN(const absl::Time t, ParseUserTime(*value));
    params.emplace_back(name, FormatDateTime(t));
  }
  if (!o.actor.empty()) params.emplace_back("actor", o.actor);
  if (!o.target.empty()) params.emplace_back("target", o.target);
  if (!o.activity.empty()) params.emplace_back("activity", o.activity);
  const bool csv = o.format == "csv";
  params.emplace_back("format", csv ? "csv" : "jsonl");
  if (o.page_size > 0) params.emplace_back("limit", absl::StrCat(o.page_size));

  std::optional<AtomicFile> file;
  if (!o.file.empty()) {
    PIM_ASSIGN_OR_RETURN(AtomicFile created, AtomicFile::Create(o.file));
    file.emplace(std::move(created));
  }
  PIM_ASSIGN_OR_RETURN(Session * session, env_.session());
  PIM_ASSIGN_OR_RETURN(TokenCache * cache, env_.token_cache());
  std::ostream& out = env_.out();
  const auto write = [&](std::string_view part) -> absl::Status {
    if (file.has_value()) return file->Append(part);
    out.write(part.data(), static_cast<std::streamsize>(part.size()));
    out.flush();
    if (!out) return absl::InternalError("cannot write to standard output");
    return absl::OkStatus();
  };
  // On any failure `file` is destroyed uncommitted: no half export under the final name.
  PIM_ASSIGN_OR_RETURN(const DownloadSummary summary,
                       Download(*session, *cache, env_.http(), params, csv, write));
  if (file.has_value()) PIM_RETURN_IF_ERROR(file->Commit());

  const std::string where = o.file.empty() ? "standard output" : o.file;
  if (!env_.json()) {
    env_.err() << "exported " << summary.entries << (summary.entries == 1 ? " entry" : " entries")
               << " (" << summary.pages << (summary.pages == 1 ? " page" : " pages") << ", "
               << o.format << ") to " << where << "\n";
  } else if (!o.file.empty()) {
    env_.out() << boost::json::serialize(boost::json::object{{"file", o.file},
                                                             {"format", o.format},
                                                             {"entries", summary.entries},
                                                             {"pages", summary.pages}})
               << "\n";
  }
  return absl::OkStatus();
}

absl::Status AuditCommands::Keys(const KeysOptions& o) {
  std::optional<AtomicFile> file;
  if (!o.file.empty()) {
    PIM_ASSIGN_OR_RETURN(AtomicFile created, AtomicFile::Create(o.file));
    file.emplace(std::move(created));
  }
  PIM_ASSIGN_OR_RETURN(Session * session, env_.session());
  PIM_ASSIGN_OR_RETURN(const ServerKeys keys, FetchKeys(*session));
  boost::json::array kids;
  for (const identity::VerificationKey& k : keys.keys) kids.emplace_back(k.kid());
  if (!file.has_value()) {
    env_.out() << keys.jwks << "\n";
    return absl::OkStatus();
  }
  PIM_RETURN_IF_ERROR(file->Append(keys.jwks + "\n"));
  PIM_RETURN_IF_ERROR(file->Commit());
  if (env_.json()) {
    env_.out() << boost::json::serialize(boost::json::object{{"file", o.file}, {"keyIds", kids}})
               << "\n";
  } else {
    env_.err() << "saved " << kids.size() << (kids.size() == 1 ? " audit key" : " audit keys")
               << " of " << session->server() << " to " << o.file
               << "; keep it apart from the server and verify with --keys " << o.file << "\n";
  }
  return absl::OkStatus();
}

absl::Status AuditCommands::Verify(const VerifyOptions& o) {
  if (o.file.empty() && !o.server) {
    return absl::InvalidArgumentError(
        "give the export FILE to verify (with --keys JWKS_FILE), or --server to verify the "
        "server's whole history");
  }
  if (!o.file.empty() && o.server && o.file.find("://") != std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--server of audit verify takes no URL; name the server before the command: pimctl "
        "--server ",
        o.file, " audit verify --server"));
  }
  if (!o.file.empty() && o.keys.empty() && !o.server) {
    return absl::InvalidArgumentError(
        "--keys JWKS_FILE is required to verify a file offline: save the keys with pimctl audit "
        "keys -f FILE and keep them apart from the server (or add --server to use the keys of "
        "the server being checked)");
  }
  std::ifstream file_in;
  if (!o.file.empty()) {
    std::error_code ec;
    const std::filesystem::file_status st = std::filesystem::status(o.file, ec);
    if (st.type() == std::filesystem::file_type::not_found) {
      return absl::InvalidArgumentError(
          absl::StrCat("cannot read the export ", o.file, ": no such file"));
    }
    if (std::filesystem::is_directory(st)) {
      return absl::InvalidArgumentError(
          absl::StrCat("cannot read the export ", o.file, ": it is a directory"));
    }
    file_in.open(o.file, std::ios::binary);
    if (!file_in) {
      return absl::InvalidArgumentError(
          absl::StrCat("cannot read the export ", o.file, ": ", SystemError(errno)));
    }
  }

  std::vector<identity::VerificationKey> trusted;
  // The server is asked only for what the command line gave it to do: the history (no FILE),
  // or the keys (FILE --server without --keys). A file with --keys stays offline.
  Session* session = nullptr;
  if (o.file.empty() || o.keys.empty()) {
    PIM_ASSIGN_OR_RETURN(session, env_.session());
  }
  if (!o.keys.empty()) {
    PIM_ASSIGN_OR_RETURN(trusted, ReadKeysFile(o.keys));
  } else {
    PIM_ASSIGN_OR_RETURN(ServerKeys fetched, FetchKeys(*session));
    trusted = std::move(fetched.keys);
    if (o.file.empty()) {
      env_.err() << "pimctl: warning: no --keys: verifying with the keys of " << session->server()
                 << " itself, which proves only that its history is internally consistent, not "
                    "that it was not rewritten and re-signed; pin the keys (pimctl audit keys -f "
                    "FILE, kept apart from the server) and pass --keys FILE\n";
    } else {
      env_.err() << "pimctl: warning: the keys were fetched from " << session->server()
                 << ", the server being checked, not pinned: a server that rewrote its history "
                    "would pass; pass --keys with keys saved earlier (pimctl audit keys -f FILE)\n";
    }
  }

  audit::VerificationReport report;
  std::vector<FindingRow> extra;
  std::string what = o.file;
  if (!o.file.empty()) {
    report = audit::VerifyAuditExport(file_in, trusted);
  } else {
    // The whole history goes to a temporary file (never committed), then is verified from it.
    const std::filesystem::path tmp_dir = std::filesystem::temp_directory_path();
    PIM_ASSIGN_OR_RETURN(AtomicFile download,
                         AtomicFile::Create((tmp_dir / "pimctl-audit-verify.jsonl").string()));
    PIM_ASSIGN_OR_RETURN(TokenCache * cache, env_.token_cache());
    PIM_ASSIGN_OR_RETURN(
        const DownloadSummary summary,
        Download(*session, *cache, env_.http(), {{"format", "jsonl"}}, false,
                 [&download](std::string_view part) { return download.Append(part); }));
    std::ifstream in(download.temp_path(), std::ios::binary);
    if (!in) {
      return absl::InternalError(
          absl::StrCat("cannot read back ", download.temp_path(), ": ", SystemError(errno)));
    }
    audit::VerifyOptions options;
    options.require_complete = true;
    report = audit::VerifyAuditExport(in, trusted, options);
    what = absl::StrCat(session->server(), " (", summary.pages,
                        summary.pages == 1 ? " page)" : " pages)");
    // What no file shows by itself: entries cut off after its last checkpoint. The export runs
    // to the end of the log, so it reaches at least the revision the server had at its start.
    if (report.entries > 0 && summary.revision_at_start.has_value() &&
        *summary.revision_at_start > report.last_seq) {
      extra.push_back({static_cast<std::int64_t>(report.lines), report.last_seq + 1,
                       *summary.revision_at_start, "truncated",
                       absl::StrCat("the server's revision was ", *summary.revision_at_start,
                                    " when the download began, but its history ends at seq ",
                                    report.last_seq, ": the entries after it are missing")});
    }
  }

  std::vector<FindingRow> rows = RowsOf(report);
  rows.insert(rows.end(), extra.begin(), extra.end());
  if (env_.json()) {
    boost::json::array findings;
    for (const FindingRow& f : rows) {
      findings.emplace_back(boost::json::object{{"line", f.line},
                                                {"seq", f.seq},
                                                {"seqLast", f.seq_last},
                                                {"kind", f.kind},
                                                {"message", f.message}});
    }
    boost::json::array notes;
    for (const std::string& n : report.notes) notes.emplace_back(n);
    env_.out() << boost::json::serialize(
                      boost::json::object{{"source", what},
                                          {"ok", rows.empty()},
                                          {"lines", report.lines},
                                          {"entries", report.entries},
                                          {"checkpoints", report.checkpoints},
                                          {"validCheckpoints", report.valid_checkpoints},
                                          {"filtered", report.filtered},
                                          {"firstSeq", report.first_seq},
                                          {"lastSeq", report.last_seq},
                                          {"findings", std::move(findings)},
                                          {"notes", std::move(notes)}})
               << "\n";
  } else {
    const bool colour = env_.colour();
    if (!rows.empty()) {
      Table table({"LINE", "SEQ", "KIND", "MESSAGE"});
      for (const FindingRow& f : rows) {
        std::string seq = f.seq == 0 ? "-" : absl::StrCat(f.seq);
        if (f.seq_last > f.seq) absl::StrAppend(&seq, "..", f.seq_last);
        table.AddRow({absl::StrCat(f.line), seq, f.kind, f.message});
        table.SetRowTones({Tone::kDim, Tone::kPlain, Tone::kBad, Tone::kPlain});
      }
      env_.out() << table.Render(colour);
    }
    env_.out() << what << ": " << report.entries << (report.entries == 1 ? " entry" : " entries")
               << ", " << report.checkpoints
               << (report.checkpoints == 1 ? " checkpoint (" : " checkpoints (")
               << report.valid_checkpoints << " valid)" << (report.filtered ? ", filtered" : "")
               << ": "
               << (rows.empty() ? Paint("verified", Tone::kGood, colour)
                                : Paint(absl::StrCat(rows.size(),
                                                     rows.size() == 1 ? " finding" : " findings"),
                                        Tone::kBad, colour))
               << "\n";
    for (const std::string& n : report.notes) env_.out() << "note: " << n << "\n";
  }
  if (rows.empty()) return absl::OkStatus();
  return WithExitCode(
      absl::DataLossError(absl::StrCat("audit verification failed: ", rows.size(),
                                       rows.size() == 1 ? " finding" : " findings", " in ", what)),
      ExitCode::kVerificationFailed);
}

}  // namespace pim::cli
