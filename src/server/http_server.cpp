#include "pim/server/http_server.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/hash/hash.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "boost/asio/ip/tcp.hpp"
#include "boost/asio/ssl.hpp"
#include "boost/asio/steady_timer.hpp"
#include "boost/asio/strand.hpp"
#include "boost/asio/thread_pool.hpp"
#include "boost/beast/core.hpp"
#include "boost/beast/http.hpp"
#include "boost/beast/ssl.hpp"
#include "boost/json/monotonic_resource.hpp"
#include "boost/json/object.hpp"
#include "boost/json/serialize.hpp"
#include "pim/identity/secure_random.h"
#include "pim/server/http_wire.h"
#include "pim/server/json_log.h"
#include "pim/server/rate_limiter.h"

namespace pim::server {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

namespace {

std::chrono::steady_clock::duration Chrono(absl::Duration d) {
  return absl::ToChronoNanoseconds(d);
}

// A Host header we are willing to echo into absolute links: host[:port], no odd characters.
bool IsSafeHost(std::string_view host) {
  if (host.empty() || host.size() > 255) return false;
  for (const char c : host) {
    if (!(absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':' ||
          c == '[' || c == ']')) {
      return false;
    }
  }
  return true;
}

api::HttpResponse PlainJson(int status, std::string body) {
  return api::HttpResponse::Json(status, std::move(body));
}

// An error raised by the server itself (limits, health), in Graph's envelope: pimd's clients
// all parse it.
api::HttpResponse ServerError(int status, std::string_view code, std::string_view message) {
  boost::json::object error{{"code", code}, {"message", message}};
  return PlainJson(status, boost::json::serialize(boost::json::object{{"error", error}}));
}

// Whether `request` runs on the command pool rather than on an I/O thread: every write (it waits
// for the disk) and sign-in (it hashes passwords); reads, including POST /pim/v1/check, stay on
// the I/O thread that read them.
bool RunsOnCommandPool(const api::HttpRequest& request) {
  if (request.method == "GET" || request.method == "HEAD" || request.method == "OPTIONS") {
    return false;
  }
  const std::string_view path =
      std::string_view(request.target).substr(0, std::string_view(request.target).find('?'));
  return path != "/pim/v1/check";
}

// Wakes every open watch stream when the engine's revision moves. One thread for all streams:
// it waits on the engine (no polling) and posts a wake-up to each stream's own executor.
class WatchHub {
 public:
  explicit WatchHub(const Engine& engine) : engine_(engine), thread_([this] { Run(); }) {}
  ~WatchHub() {
    stop_.store(true);
    thread_.join();
  }
  int Register(const std::function<void()>& wake) {
    absl::MutexLock lock(&mu_);
    const int id = next_id_++;
    streams_.emplace(id, wake);
    return id;
  }
  void Unregister(int id) {
    absl::MutexLock lock(&mu_);
    streams_.erase(id);
  }

 private:
  void Run() {
    Revision seen = engine_.revision();
    while (!stop_.load()) {
      const Revision now = engine_.AwaitRevision(seen + 1, absl::Milliseconds(200));
      if (now <= seen) continue;
      seen = now;
      absl::MutexLock lock(&mu_);
      for (const auto& [id, wake] : streams_) wake();
    }
  }

  const Engine& engine_;
  std::atomic<bool> stop_{false};
  absl::Mutex mu_;
  absl::flat_hash_map<int, std::function<void()>> streams_ ABSL_GUARDED_BY(mu_);
  int next_id_ ABSL_GUARDED_BY(mu_) = 0;
  std::thread thread_;  // last: starts once the members above exist
};

}  // namespace

struct HttpServer::Impl {
  Impl(const ServerOptions& o, Handler h, const Engine& e, const api::WatchFeed& w, Metrics& m,
       const Clock& c)
      : options(o),
        handler(std::move(h)),
        engine(e),
        watch(w),
        metrics(m),
        wall_clock(c),
        shortest_timeout(std::max(absl::Milliseconds(1),
                                  std::min({o.read_timeout, o.idle_timeout, o.write_timeout}))),
        limiter(o.rate_limit_per_second, o.rate_limit_burst),
        auth_failures(o.auth_failures_per_second, o.auth_failure_burst),
        hub(e),
        ssl_context(ssl::context::tls_server),
        contexts(MakeContexts(o.threads)),
        acceptor(*contexts.front()),
        commands(static_cast<std::size_t>(std::max(1, o.command_threads))) {}

  void Accept();
  template <typename Stream>
  void StartSession(Stream stream, std::string remote);
  // Serves what the server answers itself; nullopt for everything else.
  std::optional<api::HttpResponse> ServeBuiltIn(const api::HttpRequest& request);

  // One I/O context per I/O thread, each run by that thread alone: a connection lives on one
  // context, so its handlers never need a strand and never hand work to the other thread.
  static std::vector<std::unique_ptr<net::io_context>> MakeContexts(int threads) {
    std::vector<std::unique_ptr<net::io_context>> made;
    for (int i = 0; i < std::max(1, threads); ++i)
      made.push_back(std::make_unique<net::io_context>(1));
    return made;
  }
  // The context the next accepted connection joins (round robin).
  net::io_context& NextContext() {
    return *contexts[next_context.fetch_add(1, std::memory_order_relaxed) % contexts.size()];
  }

  const ServerOptions options;
  const Handler handler;
  const Engine& engine;
  const api::WatchFeed& watch;
  Metrics& metrics;
  const Clock& wall_clock;
  const absl::Duration shortest_timeout;  // of read, idle and write: the watchdog's longest nap
  RateLimiter limiter;
  RateLimiter auth_failures;  // keyed by peer address
  std::atomic<bool> ready{false};
  std::atomic<bool> stopped{false};
  // Destroyed after the I/O contexts, whose pending handlers own sessions that use them.
  WatchHub hub;
  ssl::context ssl_context;
  std::vector<std::unique_ptr<net::io_context>> contexts;
  std::atomic<std::size_t> next_context{0};
  tcp::acceptor acceptor;  // on the first context
  std::uint16_t bound_port = 0;
  std::vector<std::thread> threads;
  // Runs writes off the I/O threads (RunsOnCommandPool). Destroyed before the I/O contexts, so
  // a finished command's reply that was never delivered dies with the context.
  net::thread_pool commands;
};

namespace {

// One connection. `Stream` is tcp::socket or ssl::stream<tcp::socket>.
//
// Timeouts: every read and write must finish by `deadline_`, a plain field that each operation
// moves. One watchdog timer per connection enforces it, so an operation costs a clock read
// rather than arming and cancelling a timer (what beast::tcp_stream does for each read_some and
// write_some). The watchdog never sleeps past `now + shortest timeout`, and every deadline is
// set to at least that far ahead, so a deadline is enforced on time however it moves.
template <typename Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
 public:
  Session(HttpServer::Impl& server, Stream stream, std::string remote)
      : server_(server),
        stream_(std::move(stream)),
        remote_(std::move(remote)),
        watchdog_(stream_.get_executor()),
        timer_(stream_.get_executor()) {
    server_.metrics.ConnectionOpened();
  }
  ~Session() {
    if (watch_id_ >= 0) {
      server_.hub.Unregister(watch_id_);
      server_.metrics.WatchClosed();
    }
    server_.metrics.ConnectionClosed();
  }

  void Run() {
    SetDeadline(server_.options.read_timeout);
    Watchdog();
    if constexpr (kTls) {
      stream_.async_handshake(ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                if (!ec) self->Read(true);
                              });
    } else {
      Read(true);
    }
  }

 private:
  static constexpr bool kTls = !std::is_same_v<Stream, tcp::socket>;
  using Deadline = std::chrono::steady_clock::time_point;

  tcp::socket& socket() {
    if constexpr (kTls) {
      return stream_.next_layer();
    } else {
      return stream_;
    }
  }

  // The I/O about to start must finish within `limit` from now.
  void SetDeadline(absl::Duration limit) {
    deadline_ = std::chrono::steady_clock::now() + Chrono(limit);
  }
  // No I/O is outstanding (a command runs, or a watch stream waits for news).
  void ClearDeadline() { deadline_ = Deadline::max(); }

  // Hangs up once `deadline_` has passed. Holds the session weakly: the watchdog alone does not
  // keep a connection alive, and the timer dies with the session.
  void Watchdog() {
    const Deadline now = std::chrono::steady_clock::now();
    if (now >= deadline_) return Close();
    const Deadline latest = now + Chrono(server_.shortest_timeout);
    watchdog_.expires_at(std::min(deadline_, latest));
    watchdog_.async_wait([weak = this->weak_from_this()](beast::error_code ec) {
      if (ec) return;
      if (auto self = weak.lock()) self->Watchdog();
    });
  }

  void Read(bool first) {
    head_request_ = false;
    parser_.emplace();
    parser_->header_limit(server_.options.max_header_bytes);
    parser_->body_limit(server_.options.max_body_bytes);
    SetDeadline(first ? server_.options.read_timeout : server_.options.idle_timeout);
    http::async_read(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](beast::error_code ec, std::size_t) { self->OnRead(ec); });
  }

  void OnRead(beast::error_code ec) {
    ClearDeadline();
    if (ec == http::error::end_of_stream || ec == net::error::operation_aborted ||
        ec == net::error::eof || ec == net::error::connection_reset ||
        ec == ssl::error::stream_truncated) {
      return Close();
    }
    if (ec == http::error::body_limit) {
      return Reply(ServerError(413, "RequestEntityTooLarge",
                               absl::StrCat("The request body exceeds ",
                                            server_.options.max_body_bytes, " bytes.")),
                   false);
    }
    if (ec == http::error::header_limit) {
      return Reply(ServerError(431, "RequestHeaderFieldsTooLarge",
                               absl::StrCat("The request header exceeds ",
                                            server_.options.max_header_bytes, " bytes.")),
                   false);
    }
    if (ec) return Reply(ServerError(400, "BadRequest", "Malformed HTTP request."), false);

    const absl::Time started = server_.wall_clock.Now();
    auto& req = parser_->get();
    head_request_ = req.method() == http::verb::head;
    api::HttpRequest request;
    request.method = std::string(req.method_string());
    request.target = std::string(req.target());
    request.headers.reserve(static_cast<std::size_t>(std::distance(req.begin(), req.end())));
    for (const auto& field : req) {
      request.headers.emplace_back(absl::AsciiStrToLower(absl::string_view(
                                       field.name_string().data(), field.name_string().size())),
                                   std::string(field.value()));
    }
    request.body = std::move(req.body());
    request.remote_address = remote_;
    request.request_id = identity::RandomGuid();
    const std::string_view host(req[http::field::host].data(), req[http::field::host].size());
    request.base_url =
        !server_.options.public_url.empty()
            ? server_.options.public_url
            : absl::StrCat(kTls ? "https://" : "http://",
                           IsSafeHost(host) ? std::string(host)
                                            : absl::StrCat(server_.options.listen_address, ":",
                                                           server_.bound_port));
    const bool keep_alive = req.keep_alive();

    api::HttpResponse response;
    if (auto built_in = server_.ServeBuiltIn(request)) {
      response = std::move(*built_in);
    } else {
      const std::string_view credential = request.Header("authorization");
      const std::string key =
          credential.empty() ? absl::StrCat("addr:", remote_)
                             : absl::StrCat("cred:", absl::Hash<std::string_view>{}(credential));
      const std::string address_key = absl::StrCat("addr:", remote_);
      absl::Duration wait = server_.auth_failures.Peek(address_key, started);
      if (wait == absl::ZeroDuration()) wait = server_.limiter.Take(key, started);
      if (wait > absl::ZeroDuration()) {
        server_.metrics.RateLimited();
        response = ServerError(429, "TooManyRequests", "Too many requests; retry later.");
        response.SetHeader("Retry-After",
                           absl::StrCat(std::max<int64_t>(
                               1, absl::ToInt64Seconds(absl::Ceil(wait, absl::Seconds(1))))));
      } else if (RunsOnCommandPool(request)) {
        // A write waits for the disk: run it on the command pool, where group commit batches
        // the writes that wait together, and keep this I/O thread serving other connections.
        // The connection reads nothing more until the reply is written.
        net::post(server_.commands, [self = this->shared_from_this(), request = std::move(request),
                                     address_key, started, keep_alive]() mutable {
          api::HttpResponse answer = self->Handle(request, address_key, started);
          auto executor = self->stream_.get_executor();
          net::post(executor, [self = std::move(self), request = std::move(request),
                               answer = std::move(answer), started, keep_alive]() mutable {
            self->Complete(request, std::move(answer), started, keep_alive);
          });
        });
        return;
      } else {
        response = Handle(request, address_key, started);
      }
    }
    Complete(request, std::move(response), started, keep_alive);
  }

  // The API's answer; a 401 also counts against the peer address.
  api::HttpResponse Handle(const api::HttpRequest& request, const std::string& address_key,
                           absl::Time started) {
    api::HttpResponse response = server_.handler(request);
    if (response.status == 401) (void)server_.auth_failures.Take(address_key, started);
    return response;
  }

  // Records, logs and sends (or starts streaming) `response`.
  void Complete(const api::HttpRequest& request, api::HttpResponse response, absl::Time started,
                bool keep_alive) {
    const std::string route = RouteLabel(request.target.substr(0, request.target.find('?')));
    server_.metrics.RecordRequest(route, response.status, server_.wall_clock.Now() - started);
    if (server_.options.access_log || response.status >= 500) {
      std::array<unsigned char, 1024> arena;  // the fields allocate nothing on the heap
      boost::json::monotonic_resource memory(arena.data(), arena.size());
      LogJson(response.status >= 500 ? LogLevel::kError : LogLevel::kInfo, "http.request",
              boost::json::object(
                  {{"requestId", request.request_id},
                   {"method", request.method},
                   {"route", route},
                   {"status", response.status},
                   {"durationMs", absl::ToDoubleMilliseconds(server_.wall_clock.Now() - started)},
                   {"remote", remote_}},
                  &memory));
    }
    if (response.stream_after.has_value() && response.status == 200) {
      return StartWatch(std::move(response));
    }
    Reply(response, keep_alive);
  }

  void Reply(const api::HttpResponse& response, bool keep_alive) {
    // One write at a time per connection (nothing is read while a reply is out), so the
    // buffer is reused from request to request.
    out_.clear();
    AppendHttpResponse(response, keep_alive, head_request_, out_);
    SetDeadline(server_.options.write_timeout);
    net::async_write(
        stream_, net::buffer(out_),
        [self = this->shared_from_this(), keep_alive](beast::error_code ec, std::size_t) {
          if (ec || !keep_alive) return self->Close();
          self->Read(false);
        });
  }

  // ---- watch: Server-Sent Events until the client leaves or must resynchronise ----

  void StartWatch(api::HttpResponse response) {
    if (server_.metrics.watches() >= server_.options.max_watch_streams) {
      return Reply(ServerError(503, "ServiceUnavailable", "Too many watch streams; retry later."),
                   false);
    }
    server_.metrics.WatchOpened();
    cursor_ = *response.stream_after;
    std::weak_ptr<Session> weak = this->shared_from_this();
    auto executor = timer_.get_executor();
    watch_id_ = server_.hub.Register([weak, executor] {
      net::post(executor, [weak] {
        if (auto self = weak.lock()) self->timer_.cancel();
      });
    });
    std::string head;
    AppendHttpStreamHead(response, head);
    Send(std::move(head));
  }

  // Writes `text`, then looks for more events.
  void Send(std::string text) {
    auto buffer = std::make_shared<std::string>(std::move(text));
    SetDeadline(server_.options.write_timeout);
    net::async_write(stream_, net::buffer(*buffer),
                     [self = this->shared_from_this(), buffer](beast::error_code ec, std::size_t) {
                       if (ec || self->resync_) return self->Close();
                       self->Pump();
                     });
  }

  void Pump() {
    auto batch = server_.watch.Next(cursor_, 500);
    if (!batch.ok()) return Close();
    if (!batch->text.empty()) {
      cursor_ = batch->last;
      resync_ = batch->resync;
      return Send(std::move(batch->text));
    }
    // Nothing new: wait for the hub's wake-up or the heartbeat, whichever comes first.
    ClearDeadline();
    timer_.expires_after(Chrono(server_.options.watch_heartbeat));
    timer_.async_wait([self = this->shared_from_this()](beast::error_code ec) {
      if (self->server_.stopped.load()) return self->Close();
      if (ec == net::error::operation_aborted) return self->Pump();
      self->Send(api::WatchFeed::Heartbeat());
    });
    // A change that landed between Next() and arming the timer must not wait for a heartbeat.
    if (server_.engine.revision() > cursor_) timer_.cancel();
  }

  void Close() {
    beast::error_code ignored;
    timer_.cancel();
    socket().shutdown(tcp::socket::shutdown_both, ignored);
  }

  HttpServer::Impl& server_;
  Stream stream_;
  const std::string remote_;
  beast::flat_buffer buffer_;
  std::string out_;            // the reply being written
  bool head_request_ = false;  // the request being answered is HEAD: no body goes out
  std::optional<http::request_parser<http::string_body>> parser_;
  Deadline deadline_ = Deadline::max();  // see the class comment
  net::steady_timer watchdog_;
  net::steady_timer timer_;  // a watch stream's heartbeat
  int watch_id_ = -1;
  Revision cursor_ = 0;
  bool resync_ = false;
};

}  // namespace

std::optional<api::HttpResponse> HttpServer::Impl::ServeBuiltIn(const api::HttpRequest& request) {
  const std::string_view path =
      std::string_view(request.target).substr(0, request.target.find('?'));
  if (path != "/healthz" && path != "/readyz" && path != "/metrics") return std::nullopt;
  if (request.method != "GET" && request.method != "HEAD") {
    return ServerError(405, "MethodNotAllowed", "Use GET.");
  }
  if (path == "/healthz") return PlainJson(200, R"({"status":"ok"})");
  if (path == "/readyz") {
    return ready.load() ? PlainJson(200, R"({"status":"ready"})")
                        : PlainJson(503, R"({"status":"starting"})");
  }
  api::HttpResponse r;
  r.status = 200;
  r.SetHeader("Content-Type", "text/plain; version=0.0.4");
  r.body = metrics.Render(engine, wall_clock.Now());
  return r;
}

template <typename Stream>
void HttpServer::Impl::StartSession(Stream stream, std::string remote) {
  std::make_shared<Session<Stream>>(*this, std::move(stream), std::move(remote))->Run();
}

void HttpServer::Impl::Accept() {
  acceptor.async_accept(NextContext(), [this](beast::error_code ec, tcp::socket socket) {
    if (ec) {
      if (!stopped.load()) Accept();
      return;
    }
    if (metrics.connections() >= options.max_connections) {
      metrics.ConnectionRefused();
      beast::error_code ignored;
      socket.close(ignored);
    } else {
      beast::error_code remote_ec;
      const auto endpoint = socket.remote_endpoint(remote_ec);
      std::string remote = remote_ec ? "unknown" : endpoint.address().to_string();
      socket.set_option(tcp::no_delay(true), remote_ec);
      if (options.tls) {
        StartSession(ssl::stream<tcp::socket>(std::move(socket), ssl_context), std::move(remote));
      } else {
        StartSession(std::move(socket), std::move(remote));
      }
    }
    Accept();
  });
}

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() {
  try {
    Stop();
  } catch (...) {  // NOLINT(bugprone-empty-catch): a destructor must not throw; joining failed
  }
}

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Start(const ServerOptions& options,
                                                              Handler handler, const Engine& engine,
                                                              const api::WatchFeed& watch,
                                                              Metrics& metrics,
                                                              const Clock& wall_clock) {
  beast::error_code ec;
  const auto address = net::ip::make_address(options.listen_address, ec);
  if (ec) {
    return absl::InvalidArgumentError(
        absl::StrCat("listen address '", options.listen_address, "' is not an IP address"));
  }
  if (!options.tls && !address.is_loopback()) {
    return absl::InvalidArgumentError("plain HTTP is only allowed on a loopback address");
  }
  auto impl =
      std::make_unique<Impl>(options, std::move(handler), engine, watch, metrics, wall_clock);
  if (options.tls) {
    auto& ctx = impl->ssl_context;
    ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                    ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                    ssl::context::single_dh_use);
    ctx.use_certificate_chain_file(options.certificate_file, ec);
    if (ec) {
      return absl::InvalidArgumentError(
          absl::StrCat("cannot use certificate ", options.certificate_file, ": ", ec.message()));
    }
    ctx.use_private_key_file(options.private_key_file, ssl::context::pem, ec);
    if (ec) {
      return absl::InvalidArgumentError(
          absl::StrCat("cannot use private key ", options.private_key_file, ": ", ec.message()));
    }
  }
  const tcp::endpoint endpoint(address, options.port);
  auto& acceptor = impl->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", options.listen_address, ":",
                                               options.port, ": ", ec.message()));
  }
  impl->bound_port = acceptor.local_endpoint().port();
  impl->Accept();
  for (auto& context : impl->contexts) {
    impl->threads.emplace_back([ioc = context.get()] {
      // Idle contexts wait for connections instead of returning; Stop() ends every run().
      auto work = net::make_work_guard(*ioc);
      ioc->run();
    });
  }
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

std::uint16_t HttpServer::port() const { return impl_->bound_port; }

void HttpServer::SetReady(bool ready) { impl_->ready.store(ready); }

void HttpServer::Stop() {
  if (!impl_ || impl_->stopped.exchange(true)) return;
  net::post(*impl_->contexts.front(), [impl = impl_.get()] {
    beast::error_code ignored;
    impl->acceptor.close(ignored);
  });
  for (auto& context : impl_->contexts) context->stop();
  for (auto& t : impl_->threads) t.join();
  impl_->threads.clear();
  impl_->commands.join();  // commands in flight finish; their replies are dropped
}

}  // namespace pim::server
