// pim_http_latency_driver: end-to-end latencies of a running pimd over HTTPS (keep-alive).
//
//   activation  (pimd started with --demo --test-clock): Ben activates User Administrator
//               through the Graph API; measures request sent -> (a) response received and a
//               check on another connection says allowed, (b) the change's event arrives on a
//               watch stream. Then the test clock moves 5 minutes, Ben deactivates, the clock
//               moves again, and the next iteration starts.
//   expiry      (pimd started with --demo, real clock): Ada gives each demo user each built-in
//               directory role they do not hold, ending 5 min 10 s from now plus 100 ms steps;
//               measures end time -> the expiry event on the watch stream (needs ~6 minutes).
//
// Usage: pim_http_latency_driver activation|expiry <port> <ca.pem> <demo-logins.json> [iterations]
#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "boost/asio/ip/tcp.hpp"
#include "boost/asio/ssl.hpp"
#include "boost/beast/core.hpp"
#include "boost/beast/http.hpp"
#include "boost/beast/ssl.hpp"
#include "boost/json.hpp"
#include "pim/domain/iso8601.h"
#include "pim/domain/role_definition.h"
#include "pim/identity/base32.h"
#include "pim/identity/totp.h"

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using SteadyTime = std::chrono::steady_clock::time_point;

constexpr char kBen[] = "d0000000-0000-4000-8000-00000000000b";
constexpr char kUsers[][40] = {
    "d0000000-0000-4000-8000-00000000000a", "d0000000-0000-4000-8000-00000000000b",
    "d0000000-0000-4000-8000-00000000000c", "d0000000-0000-4000-8000-00000000000d",
    "d0000000-0000-4000-8000-00000000000e"};

struct Connection {
  Connection(std::uint16_t port, const std::string& ca) : ctx(ssl::context::tls_client) {
    ctx.load_verify_file(ca);
    ctx.set_verify_mode(ssl::verify_peer);
    stream = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(ioc, ctx);
    stream->set_verify_callback(ssl::host_name_verification("localhost"));
    beast::get_lowest_layer(*stream).connect(
        tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
    stream->handshake(ssl::stream_base::client);
  }
  // `token` empty: no Authorization header; `content_type` for the body.
  http::response<http::string_body> Call(http::verb verb, const std::string& target,
                                         const std::string& token, const std::string& body = "",
                                         const char* content_type = "application/json") {
    http::request<http::string_body> req(verb, target, 11);
    req.set(http::field::host, "localhost");
    if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
    if (!body.empty()) req.set(http::field::content_type, content_type);
    req.body() = body;
    req.prepare_payload();
    http::write(*stream, req);
    http::response<http::string_body> res;
    http::read(*stream, buffer, res);
    return res;
  }
  net::io_context ioc;
  ssl::context ctx;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> stream;
  beast::flat_buffer buffer;
};

// Reads a watch stream on its own thread and records when each event's text first arrived,
// keyed by every request/schedule key it mentions.
class WatchRecorder {
 public:
  WatchRecorder(std::uint16_t port, const std::string& ca, const std::string& token)
      : conn_(port, ca) {
    http::request<http::string_body> req(http::verb::get, "/pim/v1/watch", 11);
    req.set(http::field::host, "localhost");
    req.set(http::field::authorization, "Bearer " + token);
    http::write(*conn_.stream, req);
    http::response_parser<http::empty_body> head;
    http::read_header(*conn_.stream, conn_.buffer, head);
    thread_ = std::thread([this] { Run(); });
  }
  ~WatchRecorder() {
    stop_ = true;
    beast::error_code ignored;
    beast::get_lowest_layer(*conn_.stream).socket().shutdown(tcp::socket::shutdown_both, ignored);
    thread_.join();
  }
  // Waits until an event that changes `key` arrived (with event name `event`, or any event
  // when empty); returns when it first arrived.
  SteadyTime Await(const std::string& key, const std::string& event = "") {
    const std::string needle = absl::StrCat(key, "|", event);
    absl::MutexLock lock(&mu_);
    while (!seen_.contains(needle)) arrived_.Wait(&mu_);
    return seen_.at(needle);
  }

 private:
  void Run() {
    std::string pending = beast::buffers_to_string(conn_.buffer.data());
    char chunk[16384];
    while (!stop_) {
      beast::error_code ec;
      const std::size_t n = conn_.stream->read_some(net::buffer(chunk), ec);
      const SteadyTime at = std::chrono::steady_clock::now();
      if (ec) return;
      pending.append(chunk, n);
      std::size_t end;
      while ((end = pending.find("\n\n")) != std::string::npos) {
        const std::string event = pending.substr(0, end);
        pending.erase(0, end + 2);
        const std::size_t data = event.find("data: ");
        if (data == std::string::npos) continue;
        boost::system::error_code jec;
        const auto v = boost::json::parse(event.substr(data + 6), jec);
        if (jec || !v.is_object()) continue;
        const std::string name(v.at("event").as_string());
        absl::MutexLock lock(&mu_);
        for (const auto& c : v.at("changes").as_array()) {
          const std::string key(c.at("key").as_string());
          seen_.try_emplace(absl::StrCat(key, "|"), at);
          seen_.try_emplace(absl::StrCat(key, "|", name), at);
        }
        arrived_.SignalAll();
      }
    }
  }
  Connection conn_;
  std::atomic<bool> stop_{false};
  absl::Mutex mu_;
  absl::CondVar arrived_;
  absl::flat_hash_map<std::string, SteadyTime> seen_;
  std::thread thread_;
};

// Demo users sign in like any client: the password grant (demo-logins.json has the passwords).
struct Logins {
  boost::json::value file;
  [[nodiscard]] std::string Password(const std::string& name) const {
    for (const auto& u : file.at("users").as_array()) {
      if (u.at("name").as_string() == name) return std::string(u.at("password").as_string());
    }
    std::fprintf(stderr, "no demo login %s\n", name.c_str());
    std::exit(2);
  }
};

std::string FormEncode(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_') {
      out += c;
    } else {
      absl::StrAppend(&out, "%", absl::Hex(static_cast<unsigned char>(c), absl::kZeroPad2));
    }
  }
  return out;
}

std::string SignIn(Connection& conn, const Logins& logins, const std::string& name,
                   const std::string& otp = "") {
  const auto res =
      conn.Call(http::verb::post, "/oauth2/token", "",
                absl::StrCat("grant_type=password&client_id=pimctl&username=", name,
                             "%40demo.pim&password=", FormEncode(logins.Password(name)),
                             otp.empty() ? "" : "&otp=", otp),
                "application/x-www-form-urlencoded");
  if (res.result_int() != 200) {
    std::fprintf(stderr, "sign-in of %s failed: %s\n", name.c_str(), res.body().c_str());
    std::exit(2);
  }
  return std::string(boost::json::parse(res.body()).at("access_token").as_string());
}

// Enrols TOTP for `name` (at the server's clock `now`) and signs in with MFA.
std::string SignInWithMfa(Connection& conn, const Logins& logins, const std::string& name,
                          absl::Time now) {
  const std::string account = absl::StrCat(R"({"userName":")", name, R"(@demo.pim","password":")",
                                           logins.Password(name), "\"");
  const auto begin =
      conn.Call(http::verb::post, "/pim/v1/account/totp", "", absl::StrCat(account, "}"));
  const auto key = pim::identity::Base32Decode(
      std::string(boost::json::parse(begin.body()).at("secret").as_string()));
  const pim::identity::TotpParams params;
  const std::int64_t step = pim::identity::TotpStep(now, params);
  conn.Call(
      http::verb::post, "/pim/v1/account/totp/confirm", "",
      absl::StrCat(account, R"(,"code":")", pim::identity::TotpCode(*key, step, params), "\"}"));
  return SignIn(conn, logins, name, pim::identity::TotpCode(*key, step + 1, params));
}

double Ms(SteadyTime a, SteadyTime b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

void Report(const char* what, std::vector<double> ms) {
  if (ms.empty()) return;
  std::sort(ms.begin(), ms.end());
  auto q = [&](double p) {
    return ms[std::min(ms.size() - 1,
                       static_cast<std::size_t>(p * static_cast<double>(ms.size())))];
  };
  std::printf("%-34s n=%zu p50=%.2f ms p90=%.2f ms p99=%.2f ms max=%.2f ms\n", what, ms.size(),
              q(0.5), q(0.9), q(0.99), ms.back());
}

const char* kUserAdministrator = "fe930be7-5e62-47db-91af-98c3a49a38b1";

std::string ActivationBody(const char* action, const std::string& start) {
  return absl::StrCat(R"({"action":")", action, R"(","principalId":")", kBen,
                      R"(","roleDefinitionId":")", kUserAdministrator,
                      R"(","directoryScopeId":"/","justification":"latency run",)",
                      R"("scheduleInfo":{"startDateTime":")", start,
                      R"(","expiration":{"type":"afterDuration","duration":"PT1H"}}})");
}

int Activation(std::uint16_t port, const std::string& ca, const Logins& logins, int iterations) {
  Connection writer(port, ca);
  Connection checker(port, ca);
  // The change feed is for access readers: Ada (Global Administrator) watches.
  const std::string ada = SignIn(writer, logins, "ada");
  const auto clock = writer.Call(http::verb::get, "/pim/v1/test/clock", ada);
  const auto server_now =
      pim::ParseDateTime(std::string(boost::json::parse(clock.body()).at("now").as_string()));
  // Activating User Administrator needs MFA: Ben enrols TOTP and signs in with it.
  const std::string ben = SignInWithMfa(writer, logins, "ben", *server_now);
  WatchRecorder watch(port, ca, ada);
  const std::string check_body =
      absl::StrCat(R"({"checks":[{"principalId":")", kBen, R"(","roleDefinitionId":")",
                   kUserAdministrator, R"("}]})");
  std::vector<double> to_response, to_check, to_watch;
  for (int i = 0; i < iterations; ++i) {
    const auto now = writer.Call(http::verb::get, "/pim/v1/test/clock", ben);
    const std::string start(boost::json::parse(now.body()).at("now").as_string());
    const SteadyTime t0 = std::chrono::steady_clock::now();
    const auto res = writer.Call(http::verb::post,
                                 "/v1.0/roleManagement/directory/roleAssignmentScheduleRequests",
                                 ben, ActivationBody("selfActivate", start));
    const SteadyTime t1 = std::chrono::steady_clock::now();
    if (res.result_int() != 201) {
      std::fprintf(stderr, "activation failed: %d %s\n", res.result_int(), res.body().c_str());
      return 1;
    }
    const auto check = checker.Call(http::verb::post, "/pim/v1/check", ben, check_body);
    const SteadyTime t2 = std::chrono::steady_clock::now();
    if (!absl::StrContains(check.body(), R"("allowed":true)")) {
      std::fprintf(stderr, "check does not see the activation: %s\n", check.body().c_str());
      return 1;
    }
    const std::string id(boost::json::parse(res.body()).at("id").as_string());
    const SteadyTime t3 = watch.Await(id);
    to_response.push_back(Ms(t0, t1));
    to_check.push_back(Ms(t0, t2));
    to_watch.push_back(Ms(t0, t3));
    writer.Call(http::verb::post, "/pim/v1/test/clock", ben, R"({"advance":"PT5M"})");
    const auto off = writer.Call(http::verb::post,
                                 "/v1.0/roleManagement/directory/roleAssignmentScheduleRequests",
                                 ben, ActivationBody("selfDeactivate", start));
    if (off.result_int() != 201) {
      std::fprintf(stderr, "deactivation failed: %d %s\n", off.result_int(), off.body().c_str());
      return 1;
    }
    writer.Call(http::verb::post, "/pim/v1/test/clock", ben, R"({"advance":"PT1M"})");
  }
  Report("activation -> 201 response", to_response);
  Report("activation -> visible to check", to_check);
  Report("activation -> event on watch", to_watch);
  return 0;
}

int Expiry(std::uint16_t port, const std::string& ca, const Logins& logins) {
  Connection writer(port, ca);
  const std::string ada = SignIn(writer, logins, "ada");
  WatchRecorder watch(port, ca, ada);
  const absl::Time base = absl::Now() + absl::Minutes(5) + absl::Seconds(10);
  const auto roles = pim::BuiltInRoleDefinitions();
  struct Pending {
    std::string schedule;
    absl::Time end;
  };
  std::vector<Pending> pending;
  int n = 0;
  for (const auto& role : roles) {
    if (role.kind != pim::RoleKind::kDirectory) continue;
    if (role.id.str() == pim::role::kGlobalAdministrator) continue;
    for (const char* user : kUsers) {
      const absl::Time end = base + absl::Milliseconds(100 * n);
      const std::string body = absl::StrCat(
          R"({"action":"adminAssign","principalId":")", user, R"(","roleDefinitionId":")",
          role.id.str(), R"(","directoryScopeId":"/","justification":"expiry lag run",)",
          R"("scheduleInfo":{"expiration":{"type":"afterDateTime","endDateTime":")",
          pim::FormatDateTime(end), R"("}}})");
      const auto res =
          writer.Call(http::verb::post,
                      "/v1.0/roleManagement/directory/roleAssignmentScheduleRequests", ada, body);
      if (res.result_int() != 201) continue;  // e.g. already eligible/assigned: skip that pair
      const auto v = boost::json::parse(res.body());
      const auto* target = v.as_object().if_contains("targetScheduleId");
      if (target == nullptr || !target->is_string()) continue;
      pending.push_back({std::string(target->as_string()), end});
      ++n;
    }
  }
  std::printf("expiry: %zu assignments end between %s and %s\n", pending.size(),
              pim::FormatDateTime(base).c_str(),
              pim::FormatDateTime(base + absl::Milliseconds(100 * n)).c_str());
  std::fflush(stdout);
  // Lag = when the schedule's expiry event arrived, on the steady clock, minus its end time
  // mapped onto the steady clock (both clocks read together once).
  const SteadyTime steady_ref = std::chrono::steady_clock::now();
  const absl::Time wall_ref = absl::Now();
  std::vector<double> lags;
  for (const Pending& p : pending) {
    const SteadyTime arrived = watch.Await(p.schedule, "schedule.expired");
    const SteadyTime due =
        steady_ref + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                         absl::ToChronoNanoseconds(p.end - wall_ref));
    lags.push_back(Ms(due, arrived));
  }
  Report("expiry (end -> event)", lags);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr,
                 "usage: %s activation|expiry <port> <ca.pem> <demo-logins.json> [iterations]\n",
                 argv[0]);
    return 2;
  }
  const std::string mode = argv[1];
  const auto port = static_cast<std::uint16_t>(std::stoi(argv[2]));
  std::ifstream in(argv[4]);
  std::stringstream text;
  text << in.rdbuf();
  const Logins logins{boost::json::parse(text.str())};
  if (mode == "activation")
    return Activation(port, argv[3], logins, argc > 5 ? std::stoi(argv[5]) : 300);
  if (mode == "expiry") return Expiry(port, argv[3], logins);
  std::fprintf(stderr, "unknown mode %s\n", mode.c_str());
  return 2;
}
