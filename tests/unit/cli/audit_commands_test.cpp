// pimctl audit export, keys and verify through the real command tree, against a fake server
// (HttpClient) that serves a real, signed audit chain in pages, and a temporary directory.
#include "pim/cli/audit_commands.h"

#include <dirent.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "pim/audit/audit_chain.h"
#include "pim/audit/audit_entry.h"
#include "pim/cli/app.h"
#include "pim/cli/exit_code.h"
#include "pim/cli/token_cache.h"
#include "pim/identity/signing_key.h"
#include "unit/cli/cli_test_util.h"

namespace pim::cli {
namespace {

constexpr std::int64_t kInterval = 3;  // checkpoints every 3 entries

HttpResponse Answer(int status, std::string body, std::string type = "application/json") {
  return HttpResponse{status, {{"content-type", std::move(type)}}, std::move(body)};
}

// The query parameter `name` of `url`, or "".
std::string QueryParam(const std::string& url, const std::string& name) {
  const std::size_t q = url.find('?');
  if (q == std::string::npos) return "";
  for (absl::string_view part : absl::StrSplit(url.substr(q + 1), '&')) {
    const std::string p(part);
    if (absl::StartsWith(p, name + "=")) return p.substr(name.size() + 1);
  }
  return "";
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void WriteFile(const std::string& path, const std::string& content) {
  std::ofstream(path, std::ios::binary) << content;
}

std::vector<std::string> FilesIn(const std::string& dir) {
  std::vector<std::string> names;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (const dirent* e = ::readdir(d)) {
      const std::string name = e->d_name;
      if (name != "." && name != "..") names.push_back(name);
    }
    ::closedir(d);
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines = absl::StrSplit(text, '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

class AuditCommandsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/pimctl-audit-test.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    env_vars_["PIMCTL_CONFIG_DIR"] = dir_ + "/cfg";
    env_vars_["PIMCTL_SERVER"] = kServer;
    env_.getenv = [this](const char* name) -> const char* {
      auto it = env_vars_.find(name);
      return it == env_vars_.end() ? nullptr : it->second.c_str();
    };
    env_.clock = &clock_;
    env_.sleep = [](absl::Duration) {};
    env_.make_http = [this](const CurlOptions&) -> std::unique_ptr<HttpClient> {
      return std::make_unique<FakeHttp>(requests_,
                                        [this](const HttpRequest& r) { return Serve(r); });
    };
    env_.in = &in_;
    env_.out = &out_;
    env_.err = &err_;
    SignIn();
    MakeChain(10);
    // Three pages: 1-4, 5-8, 9-10.
    pages_ = {{0, 4}, {4, 8}, {8, 10}};
  }
  void TearDown() override {
    const std::string cmd = "rm -rf -- '" + dir_ + "'";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
  }

  void SignIn() {
    ASSERT_TRUE(TokenCache(dir_ + "/cfg")
                    .Save(TestSignIn(clock_.Now() + absl::Minutes(15),
                                     "d0000000-0000-4000-8000-00000000000a", "ada@demo.pim"))
                    .ok());
  }

  int Run(std::vector<const char*> args) {
    args.insert(args.begin(), "pimctl");
    return pim::cli::Run(static_cast<int>(args.size()), args.data(), env_);
  }

  // Entries 1..n with a justification each, hashed into a chain.
  void MakeChain(std::int64_t n) {
    std::string prev = audit::GenesisHash();
    hashes_ = {prev};
    for (std::int64_t seq = 1; seq <= n; ++seq) {
      audit::AuditEntry e;
      e.seq = seq;
      e.at = absl::FromUnixSeconds(1'767'603'600) + absl::Minutes(seq);
      e.actor_id = "d0000000-0000-4000-8000-00000000000b";
      e.activity = "Add member to role completed (PIM activation)";
      e.category = "RoleManagement";
      e.result = "success";
      e.target = {"directoryRole", "fe930be7-5e62-47db-91af-98c3a49a38b1", "", "/",
                  "d0000000-0000-4000-8000-00000000000b"};
      e.justification = absl::StrCat("INC-", seq);
      e.event = "request.selfActivate";
      prev = audit::ChainHash(prev, audit::CanonicalEntry(e));
      entries_.push_back(e);
      hashes_.push_back(prev);
    }
  }

  std::string Checkpoint(std::int64_t seq) const {
    const audit::Checkpoint c =
        audit::SignCheckpoint(seq, hashes_[static_cast<std::size_t>(seq)],
                              entries_[static_cast<std::size_t>(seq - 1)].at, key_);
    return boost::json::serialize(audit::CheckpointToJson(c)) + "\n";
  }

  // One page of JSON lines as pimd writes it: entries after..last, anchored by checkpoints.
  std::string JsonlPage(std::int64_t after, std::int64_t last) const {
    boost::json::object header{
        {"type", "header"},        {"format", "pim-audit-export/1"},
        {"checkpointInterval", 3}, {"filtered", false},
        {"retentionDays", 0},      {"query", boost::json::object{{"after", after}}}};
    audit::SignHeader(header, key_);
    std::string out = boost::json::serialize(header) + "\n";
    if (after > 0) out += Checkpoint(after);
    for (std::int64_t seq = after + 1; seq <= last; ++seq) {
      const auto i = static_cast<std::size_t>(seq);
      out +=
          boost::json::serialize(boost::json::object{{"type", "entry"},
                                                     {"prevHash", hashes_[i - 1]},
                                                     {"hash", hashes_[i]},
                                                     {"entry", audit::EntryToJson(entries_[i - 1])},
                                                     {"labels", boost::json::object{}}}) +
          "\n";
      if (seq % kInterval == 0) out += Checkpoint(seq);
    }
    if (last % kInterval != 0) out += Checkpoint(last);
    return out;
  }

  // One page of CSV: the header row, then a row per entry (the first with a quoted line break).
  static std::string CsvPage(std::int64_t after, std::int64_t last) {
    std::string out = "Date (UTC),Seq,Justification\r\n";
    for (std::int64_t seq = after + 1; seq <= last; ++seq) {
      absl::StrAppend(&out, "2026-01-05T09:00:00.000000Z,", seq,
                      seq == 1 ? ",\"two\r\nlines, \"\"quoted\"\"\"" : ",plain", "\r\n");
    }
    return out;
  }

  std::string Jwks() const {
    return boost::json::serialize(
        boost::json::object{{"keys", boost::json::array{key_.PublicJwk()}}});
  }

  HttpResponse Serve(const HttpRequest& r) {
    const std::string path = r.url.substr(std::string(kServer).size());
    if (absl::StartsWith(path, "/oauth2/token")) {
      ++refreshes_;
      return Answer(
          200, R"({"access_token":"access-new","refresh_token":"refresh-new","expires_in":900})");
    }
    if (path == "/pim/v1/audit/keys") {
      if (reject_token_ == Header(r, "Authorization")) return Answer(401, "");
      return Answer(200, Jwks());
    }
    if (absl::StartsWith(path, "/pim/v1/audit/entries")) {
      if (reject_token_ == Header(r, "Authorization")) return Answer(401, "");
      if (entries_answer_) return *entries_answer_;
      const std::string after = QueryParam(r.url, "after");
      const bool csv = QueryParam(r.url, "format") == "csv";
      for (std::size_t i = 0; i < pages_.size(); ++i) {
        const auto [from, to] = pages_[i];
        if (after != (from == 0 ? "" : absl::StrCat(from))) continue;
        if (i == fail_page_) {
          return Answer(500, R"({"error":{"code":"InternalError","message":"boom"}})");
        }
        HttpResponse page = Answer(200, csv ? CsvPage(from, to) : JsonlPage(from, to),
                                   csv ? "text/csv" : "application/x-ndjson");
        if (i + 1 < pages_.size())
          page.headers.emplace_back("x-pim-audit-next-after", absl::StrCat(to));
        page.headers.emplace_back("x-pim-revision", absl::StrCat(revision_));
        return page;
      }
      return Answer(400, R"({"error":{"code":"BadRequest","message":"no such page"}})");
    }
    return Answer(404, R"({"error":{"code":"NotFound","message":"no route"}})");
  }

  static std::string Header(const HttpRequest& r, const std::string& name) {
    for (const auto& [k, v] : r.headers) {
      if (k == name) return v;
    }
    return "";
  }

  std::string ExportFile() {
    std::string file = dir_ + "/audit.jsonl";
    EXPECT_EQ(Run({"audit", "export", "-f", file.c_str()}), 0) << err_.str();
    return file;
  }
  std::string KeysFile() {
    std::string file = dir_ + "/audit-keys.json";
    WriteFile(file, Jwks());
    return file;
  }

  std::string dir_;
  std::map<std::string, std::string> env_vars_;
  FakeClock clock_;
  identity::SigningKey key_ = identity::SigningKey::Generate();
  std::vector<audit::AuditEntry> entries_;
  std::vector<std::string> hashes_;  // hashes_[seq]: the chain after entry seq
  std::vector<std::pair<std::int64_t, std::int64_t>> pages_;
  std::size_t fail_page_ = 99;
  std::optional<HttpResponse> entries_answer_;
  std::string reject_token_ = "-";
  std::int64_t revision_ = 10;
  int refreshes_ = 0;
  std::vector<HttpRequest> requests_;
  std::istringstream in_;
  std::ostringstream out_;
  std::ostringstream err_;
  Environment env_;
};

TEST_F(AuditCommandsTest, HelpExitsZeroOnEveryAuditCommand) {
  for (std::vector<const char*> cmd : std::vector<std::vector<const char*>>{
           {"audit"}, {"audit", "export"}, {"audit", "keys"}, {"audit", "verify"}}) {
    out_.str("");
    cmd.push_back("--help");
    EXPECT_EQ(Run(cmd), 0) << cmd[1];
    EXPECT_NE(out_.str().find("Usage"), std::string::npos);
  }
  EXPECT_TRUE(requests_.empty());
}

TEST_F(AuditCommandsTest, ExportFollowsEveryPageIntoOneFile) {
  const std::string file = ExportFile();
  EXPECT_EQ(ReadFile(file), JsonlPage(0, 4) + JsonlPage(4, 8) + JsonlPage(8, 10));
  ASSERT_EQ(requests_.size(), 3U);
  EXPECT_EQ(requests_[0].url, std::string(kServer) + "/pim/v1/audit/entries?format=jsonl");
  EXPECT_EQ(QueryParam(requests_[1].url, "after"), "4");
  EXPECT_EQ(QueryParam(requests_[2].url, "after"), "8");
  EXPECT_EQ(Header(requests_[0], "Authorization"), "Bearer access-old");
  EXPECT_EQ(err_.str(), "exported 10 entries (3 pages, jsonl) to " + file + "\n");
  EXPECT_EQ(out_.str(), "");
  // Only the export itself is left: the temporary file took its name.
  EXPECT_EQ(FilesIn(dir_), (std::vector<std::string>{"audit.jsonl", "cfg"}));
}

TEST_F(AuditCommandsTest, ExportPassesTheFiltersAndPageSize) {
  ASSERT_EQ(Run({"audit", "export", "--from", "2026-01-05T09:00:00Z", "--to",
                 "2026-01-06T00:00:00+02:00", "--actor", "ben@demo.pim", "--activity", "Add member",
                 "--target", "/subscriptions/0d", "--page-size", "4"}),
            0)
      << err_.str();
  ASSERT_FALSE(requests_.empty());
  const std::string& url = requests_[0].url;
  EXPECT_EQ(QueryParam(url, "from"), "2026-01-05T09%3A00%3A00Z");
  EXPECT_EQ(QueryParam(url, "to"), "2026-01-05T22%3A00%3A00Z");
  EXPECT_EQ(QueryParam(url, "actor"), "ben%40demo.pim");
  EXPECT_EQ(QueryParam(url, "activity"), "Add%20member");
  EXPECT_EQ(QueryParam(url, "target"), "%2Fsubscriptions%2F0d");
  EXPECT_EQ(QueryParam(url, "limit"), "4");
  // Without -f the export goes to standard output and the summary to stderr.
  EXPECT_EQ(out_.str(), JsonlPage(0, 4) + JsonlPage(4, 8) + JsonlPage(8, 10));
  EXPECT_EQ(err_.str(), "exported 10 entries (3 pages, jsonl) to standard output\n");
}

TEST_F(AuditCommandsTest, ExportRefusesBadOptionsWithoutAsking) {
  EXPECT_EQ(Run({"audit", "export", "--from", "yesterday"}), 2);
  EXPECT_EQ(Run({"audit", "export", "--format", "xml"}), 2);
  EXPECT_EQ(Run({"audit", "export", "--page-size", "10001"}), 2);
  EXPECT_TRUE(requests_.empty());
}

TEST_F(AuditCommandsTest, CsvKeepsOneHeaderRowAcrossPages) {
  const std::string file = dir_ + "/audit.csv";
  ASSERT_EQ(Run({"--output", "json", "audit", "export", "--format", "csv", "-f", file.c_str()}), 0)
      << err_.str();
  const std::string csv = ReadFile(file);
  EXPECT_EQ(csv, CsvPage(0, 4) + CsvPage(0, 8).substr(CsvPage(0, 4).size()) +
                     CsvPage(0, 10).substr(CsvPage(0, 8).size()));
  std::size_t headers = 0;
  for (std::size_t at = csv.find("Date (UTC)"); at != std::string::npos;
       at = csv.find("Date (UTC)", at + 1)) {
    ++headers;
  }
  EXPECT_EQ(headers, 1U);
  // -o json: the summary on stdout (the line break inside a quoted field is not a row).
  EXPECT_EQ(boost::json::parse(out_.str()),
            boost::json::parse(
                absl::StrCat(R"({"file":")", file, R"(","format":"csv","entries":10,"pages":3})")));
  EXPECT_EQ(err_.str(), "");
}

TEST_F(AuditCommandsTest, CsvPageJoinerRefusesAPageWithAnotherHeader) {
  CsvPageJoiner joiner;
  ASSERT_TRUE(joiner.Next("A,B\r\n1,2\r\n").ok());
  auto second = joiner.Next("A,B\r\n3,\"x\r\ny\"\r\n4,5\r\n");
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*second, "3,\"x\r\ny\"\r\n4,5\r\n");
  EXPECT_EQ(joiner.rows(), 3);
  EXPECT_EQ(joiner.Next("A,C\r\n6,7\r\n").status().code(), absl::StatusCode::kDataLoss);
}

TEST_F(AuditCommandsTest, AFailedPageLeavesTheOldFileAndNoTemporaryFile) {
  const std::string file = dir_ + "/audit.jsonl";
  WriteFile(file, "the previous export\n");
  fail_page_ = 1;
  EXPECT_EQ(Run({"audit", "export", "-f", file.c_str()}), 1);
  EXPECT_NE(err_.str().find("InternalError: boom"), std::string::npos) << err_.str();
  EXPECT_EQ(ReadFile(file), "the previous export\n");
  EXPECT_EQ(FilesIn(dir_), (std::vector<std::string>{"audit.jsonl", "cfg"}));
}

TEST_F(AuditCommandsTest, AtomicFileTakesTheNameOnlyOnCommit) {
  const std::string file = dir_ + "/out.txt";
  {
    auto f = AtomicFile::Create(file);
    ASSERT_TRUE(f.ok()) << f.status();
    ASSERT_TRUE(f->Append("half").ok());
    EXPECT_TRUE(absl::StartsWith(f->temp_path(), dir_ + "/.out.txt.pimctl-"));
    EXPECT_EQ(FilesIn(dir_).size(), 2U);  // cfg and the temporary file
  }
  EXPECT_EQ(FilesIn(dir_), (std::vector<std::string>{"cfg"}));
  auto f = AtomicFile::Create(file);
  ASSERT_TRUE(f.ok());
  ASSERT_TRUE(f->Append("whole").ok());
  ASSERT_TRUE(f->Commit().ok());
  EXPECT_EQ(ReadFile(file), "whole");
  EXPECT_EQ(FilesIn(dir_), (std::vector<std::string>{"cfg", "out.txt"}));
  EXPECT_EQ(AtomicFile::Create(dir_ + "/missing/out.txt").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(AuditCommandsTest, ExportByAPlainUserIsForbidden) {
  entries_answer_ = Answer(403, R"({"error":{"code":"AuthorizationFailed","message":"no"}})");
  const std::string file = dir_ + "/audit.jsonl";
  EXPECT_EQ(Run({"audit", "export", "-f", file.c_str()}), 7);
  EXPECT_EQ(FilesIn(dir_), (std::vector<std::string>{"cfg"}));
}

TEST_F(AuditCommandsTest, ExportRefreshesATokenTheServerNoLongerTakes) {
  reject_token_ = "Bearer access-old";
  const std::string file = ExportFile();
  EXPECT_EQ(refreshes_, 1);
  EXPECT_EQ(Header(requests_.back(), "Authorization"), "Bearer access-new");
  EXPECT_EQ(ReadFile(file), JsonlPage(0, 4) + JsonlPage(4, 8) + JsonlPage(8, 10));
}

TEST_F(AuditCommandsTest, ANextPageThatDoesNotMoveOnIsRefused) {
  pages_ = {{0, 4}, {4, 4}, {4, 8}};  // the second page names itself as next
  EXPECT_EQ(Run({"audit", "export"}), 1);
  EXPECT_NE(err_.str().find("X-Pim-Audit-Next-After"), std::string::npos) << err_.str();
}

TEST_F(AuditCommandsTest, KeysAreSavedToAFile) {
  const std::string file = dir_ + "/keys.json";
  ASSERT_EQ(Run({"--output", "json", "audit", "keys", "-f", file.c_str()}), 0) << err_.str();
  EXPECT_EQ(boost::json::parse(ReadFile(file)), boost::json::parse(Jwks()));
  EXPECT_EQ(boost::json::parse(out_.str()),
            boost::json::parse(
                absl::StrCat(R"({"file":")", file, R"(","keyIds":[")", key_.kid(), R"("]})")));
}

TEST_F(AuditCommandsTest, AnIntactExportVerifiesOfflineWithPinnedKeys) {
  const std::string file = ExportFile();
  const std::string keys = KeysFile();
  requests_.clear();
  out_.str("");
  ASSERT_EQ(Run({"audit", "verify", file.c_str(), "--keys", keys.c_str()}), 0) << out_.str();
  EXPECT_TRUE(requests_.empty()) << "offline";
  EXPECT_EQ(out_.str(), file + ": 10 entries, 8 checkpoints (8 valid): verified\n");

  out_.str("");
  ASSERT_EQ(Run({"-o", "json", "audit", "verify", file.c_str(), "--keys", keys.c_str()}), 0);
  const boost::json::object report = boost::json::parse(out_.str()).as_object();
  EXPECT_EQ(report.at("ok"), true);
  EXPECT_EQ(report.at("entries"), 10);
  EXPECT_EQ(report.at("checkpoints"), 8);  // each page anchors and ends with one
  EXPECT_EQ(report.at("validCheckpoints"), 8);
  EXPECT_EQ(report.at("filtered"), false);
  EXPECT_EQ(report.at("firstSeq"), 1);
  EXPECT_EQ(report.at("lastSeq"), 10);
  EXPECT_TRUE(report.at("findings").as_array().empty());
  EXPECT_TRUE(report.at("notes").is_array());
}

TEST_F(AuditCommandsTest, AnEditedEntryFailsWithExitNineNamingItsLineAndSeq) {
  const std::string file = ExportFile();
  const std::string keys = KeysFile();
  std::string text = ReadFile(file);
  const std::size_t at = text.find("\"INC-6\"");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 7, "\"INC-9\"");
  WriteFile(file, text);
  const std::vector<std::string> lines = Lines(text);
  std::int64_t line = 0;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (absl::StrContains(lines[i], "\"INC-9\"") && absl::StrContains(lines[i], "\"seq\":6")) {
      line = static_cast<std::int64_t>(i) + 1;
    }
  }
  ASSERT_GT(line, 0);
  out_.str("");
  err_.str("");
  EXPECT_EQ(Run({"audit", "verify", file.c_str(), "--keys", keys.c_str()}), 9);
  EXPECT_EQ(ToInt(ExitCode::kVerificationFailed), 9);
  const std::vector<std::string> out = Lines(out_.str());
  ASSERT_GE(out.size(), 3U) << out_.str();
  EXPECT_TRUE(absl::StartsWith(out[0], "LINE")) << out[0];
  EXPECT_TRUE(absl::StartsWith(out[1], absl::StrCat(line, " "))) << out[1];
  EXPECT_NE(out[1].find(" 6 "), std::string::npos) << out[1];
  EXPECT_NE(out[1].find("entryEdited"), std::string::npos) << out[1];
  EXPECT_NE(out.back().find("1 finding"), std::string::npos) << out.back();
  EXPECT_EQ(err_.str(), "pimctl: error: audit verification failed: 1 finding in " + file + "\n");

  out_.str("");
  EXPECT_EQ(Run({"-o", "json", "audit", "verify", file.c_str(), "--keys", keys.c_str()}), 9);
  const boost::json::object report = boost::json::parse(out_.str()).as_object();
  EXPECT_EQ(report.at("ok"), false);
  ASSERT_EQ(report.at("findings").as_array().size(), 1U);
  const boost::json::object& f = report.at("findings").as_array()[0].as_object();
  EXPECT_EQ(f.at("kind"), "entryEdited");
  EXPECT_EQ(f.at("line"), line);
  EXPECT_EQ(f.at("seq"), 6);
  EXPECT_TRUE(f.at("message").is_string());
}

TEST_F(AuditCommandsTest, ADeletedEntryIsNamed) {
  const std::string file = ExportFile();
  const std::string keys = KeysFile();
  std::vector<std::string> lines = Lines(ReadFile(file));
  std::erase_if(lines, [](const std::string& l) {
    return absl::StrContains(l, "\"type\":\"entry\"") && absl::StrContains(l, "\"seq\":5,");
  });
  WriteFile(file, absl::StrJoin(lines, "\n") + "\n");
  out_.str("");
  EXPECT_EQ(Run({"-o", "json", "audit", "verify", file.c_str(), "--keys", keys.c_str()}), 9);
  const boost::json::object report = boost::json::parse(out_.str()).as_object();
  bool named = false;
  for (const boost::json::value& f : report.at("findings").as_array()) {
    if (f.at("kind") == "entryDeleted" && f.at("seq") == 5) named = true;
  }
  EXPECT_TRUE(named) << out_.str();
}

TEST_F(AuditCommandsTest, OfflineVerificationNeedsKeysAndAFile) {
  const std::string file = ExportFile();
  requests_.clear();
  err_.str("");
  EXPECT_EQ(Run({"audit", "verify", file.c_str()}), 2);
  EXPECT_NE(err_.str().find("--keys JWKS_FILE is required"), std::string::npos) << err_.str();
  err_.str("");
  const std::string keys = KeysFile();
  EXPECT_EQ(Run({"audit", "verify", (dir_ + "/nope.jsonl").c_str(), "--keys", keys.c_str()}), 2);
  EXPECT_EQ(err_.str(),
            "pimctl: error: cannot read the export " + dir_ + "/nope.jsonl: no such file\n");
  err_.str("");
  EXPECT_EQ(Run({"audit", "verify", file.c_str(), "--keys", (dir_ + "/nokeys").c_str()}), 2);
  EXPECT_NE(err_.str().find("cannot read the keys file"), std::string::npos) << err_.str();
  WriteFile(dir_ + "/bad-keys.json", R"({"keys":[]})");
  err_.str("");
  EXPECT_EQ(Run({"audit", "verify", file.c_str(), "--keys", (dir_ + "/bad-keys.json").c_str()}), 2);
  EXPECT_NE(err_.str().find("is not a JWKS"), std::string::npos) << err_.str();
  EXPECT_EQ(Run({"audit", "verify"}), 2);
  EXPECT_TRUE(requests_.empty());
}

TEST_F(AuditCommandsTest, KeysFromTheServerForAFileOnlyWithServerAndSaidSo) {
  const std::string file = ExportFile();
  requests_.clear();
  err_.str("");
  ASSERT_EQ(Run({"audit", "verify", file.c_str(), "--server"}), 0) << err_.str();
  ASSERT_EQ(requests_.size(), 1U);
  EXPECT_EQ(requests_[0].url, std::string(kServer) + "/pim/v1/audit/keys");
  EXPECT_NE(
      err_.str().find("the keys were fetched from https://pim.test, the server being checked"),
      std::string::npos)
      << err_.str();
}

class TmpDirScope {
 public:
  explicit TmpDirScope(const std::string& dir) {
    if (const char* old = std::getenv("TMPDIR")) old_ = old;
    ::setenv("TMPDIR", dir.c_str(), 1);
  }
  ~TmpDirScope() {
    if (old_.has_value()) {
      ::setenv("TMPDIR", old_->c_str(), 1);
    } else {
      ::unsetenv("TMPDIR");
    }
  }
  TmpDirScope(const TmpDirScope&) = delete;
  TmpDirScope& operator=(const TmpDirScope&) = delete;

 private:
  std::optional<std::string> old_;
};

TEST_F(AuditCommandsTest, ServerHistoryIsDownloadedAndVerifiedWithPinnedKeys) {
  const std::string keys = KeysFile();
  const std::string tmp = dir_ + "/tmp";
  ASSERT_EQ(::mkdir(tmp.c_str(), 0700), 0);
  TmpDirScope scope(tmp);
  ASSERT_EQ(Run({"audit", "verify", "--server", "--keys", keys.c_str()}), 0) << out_.str();
  EXPECT_EQ(requests_.size(), 3U);
  for (const HttpRequest& r : requests_) {
    EXPECT_TRUE(
        absl::StartsWith(r.url, std::string(kServer) + "/pim/v1/audit/entries?format=jsonl"))
        << r.url;
  }
  EXPECT_EQ(out_.str(),
            "https://pim.test (3 pages): 10 entries, 8 checkpoints (8 valid): verified\n");
  EXPECT_EQ(err_.str(), "");
  EXPECT_TRUE(FilesIn(tmp).empty()) << "the download is deleted";
}

TEST_F(AuditCommandsTest, ServerHistoryWithTheServersOwnKeysWarns) {
  ASSERT_EQ(Run({"audit", "verify", "--server"}), 0) << out_.str();
  EXPECT_EQ(requests_.front().url, std::string(kServer) + "/pim/v1/audit/keys");
  EXPECT_NE(err_.str().find("proves only that its history is internally consistent"),
            std::string::npos)
      << err_.str();
}

TEST_F(AuditCommandsTest, ServerHistoryEndingBeforeTheServersRevisionIsTruncated) {
  revision_ = 12;  // the server had made 12 changes, but its history stops at 10
  const std::string keys = KeysFile();
  EXPECT_EQ(Run({"-o", "json", "audit", "verify", "--server", "--keys", keys.c_str()}), 9);
  const boost::json::object report = boost::json::parse(out_.str()).as_object();
  ASSERT_EQ(report.at("findings").as_array().size(), 1U) << out_.str();
  const boost::json::object& f = report.at("findings").as_array()[0].as_object();
  EXPECT_EQ(f.at("kind"), "truncated");
  EXPECT_EQ(f.at("seq"), 11);
  EXPECT_EQ(f.at("seqLast"), 12);
}

TEST_F(AuditCommandsTest, ServerUrlAfterTheVerifyFlagIsAUsageError) {
  EXPECT_EQ(Run({"audit", "verify", "--server", "https://pim.test"}), 2);
  EXPECT_NE(err_.str().find("pimctl --server https://pim.test audit verify --server"),
            std::string::npos)
      << err_.str();
  EXPECT_TRUE(requests_.empty());
}

TEST_F(AuditCommandsTest, CompletionNamesTheAuditCommandsOnce) {
  ASSERT_EQ(Run({"completion", "bash"}), 0);
  const std::string bash = out_.str();
  const std::size_t at = bash.find("\"audit verify\") words=\"");
  ASSERT_NE(at, std::string::npos);
  const std::string line = bash.substr(at, bash.find('\n', at) - at);
  EXPECT_NE(line.find("--keys"), std::string::npos);
  EXPECT_EQ(line.find("--server"), line.rfind("--server")) << line;
  EXPECT_EQ(line.find("--help"), line.rfind("--help")) << line;
  EXPECT_NE(bash.find("\"audit export\") words=\""), std::string::npos);
}

}  // namespace
}  // namespace pim::cli
