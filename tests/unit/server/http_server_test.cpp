// The HTTP server over real TLS on loopback (port 0): keep-alive, limits, rate limiting, the
// built-in endpoints and the watch stream. Clients verify the generated CA, so these tests also
// prove the self-signed certificate is usable.
#include "pim/server/http_server.h"

#include <poll.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "boost/asio/connect.hpp"
#include "boost/asio/ip/tcp.hpp"
#include "boost/asio/ssl.hpp"
#include "boost/beast/core.hpp"
#include "boost/beast/http.hpp"
#include "boost/beast/ssl.hpp"
#include "gtest/gtest.h"
#include "pim/api/watch_feed.h"
#include "pim/server/self_signed.h"
#include "unit/engine/engine_fixture.h"
#include "unit/store/temp_dir.h"

namespace pim::server {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

class HttpServerTest : public pim::testing::EngineTest {
 protected:
  void StartServer(
      ServerOptions options, HttpServer::Handler handler = [](const api::HttpRequest& r) {
        return api::HttpResponse::Json(
            200, absl::StrCat(R"({"echo":")", r.method, " ", r.target.size(), R"("})"));
      }) {
    auto files =
        EnsureSelfSignedCertificate(dir_.path() + "/tls", {"localhost", "127.0.0.1"}, clock_);
    ASSERT_TRUE(files.ok()) << files.status();
    options.listen_address = "127.0.0.1";
    options.port = 0;
    options.certificate_file = files->certificate_file;
    options.private_key_file = files->private_key_file;
    if (options.threads == ServerOptions{}.threads) options.threads = 2;
    ca_file_ = files->ca_file;
    watch_ = std::make_unique<api::WatchFeed>(*engine_, *store_);
    auto server =
        HttpServer::Start(options, std::move(handler), *engine_, *watch_, metrics_, wall_clock_);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
  }

  // A TLS client that verifies the server against the generated CA.
  struct Client {
    explicit Client(const std::string& ca_file, std::uint16_t port)
        : ctx(ssl::context::tls_client), stream(ioc, ctx) {
      ctx.load_verify_file(ca_file);
      ctx.set_verify_mode(ssl::verify_peer);
      stream.set_verify_callback(ssl::host_name_verification("localhost"));
      beast::get_lowest_layer(stream).connect(
          tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
      beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(10));
      stream.handshake(ssl::stream_base::client);
    }
    http::response<http::string_body> Send(http::request<http::string_body> req) {
      req.version(11);
      req.set(http::field::host, "localhost");
      req.prepare_payload();
      beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(10));
      http::write(stream, req);
      http::response<http::string_body> res;
      http::read(stream, buffer, res);
      return res;
    }
    http::response<http::string_body> Get(const std::string& target) {
      return Send(http::request<http::string_body>(http::verb::get, target, 11));
    }
    net::io_context ioc;
    ssl::context ctx;
    beast::ssl_stream<beast::tcp_stream> stream;
    beast::flat_buffer buffer;
  };

  std::unique_ptr<Client> Connect() { return std::make_unique<Client>(ca_file_, server_->port()); }

  // A server whose every answer is a watch stream from the engine's current revision.
  void StartWatchServer(ServerOptions options) {
    StartServer(options, [this](const api::HttpRequest&) {
      api::HttpResponse r;
      r.SetHeader("Content-Type", "text/event-stream");
      r.stream_after = engine_->revision();
      return r;
    });
  }
  // Asks `client`'s server for a watch stream; the head of the answer.
  static http::response<http::string_body> OpenWatch(Client& client) {
    http::request<http::string_body> req(http::verb::get, "/pim/v1/watch", 11);
    req.set(http::field::host, "localhost");
    http::write(client.stream, req);
    http::response_parser<http::string_body> parser;
    beast::get_lowest_layer(client.stream).expires_after(std::chrono::seconds(10));
    http::read_header(client.stream, client.buffer, parser);
    return parser.release();
  }
  // The stream's text so far, read until it contains `needle`.
  static std::string ReadStreamUntil(Client& client, std::string_view needle) {
    std::string text = beast::buffers_to_string(client.buffer.data());
    while (text.find(needle) == std::string::npos) {
      char chunk[512];
      const std::size_t n = client.stream.read_some(net::buffer(chunk));
      text.append(chunk, n);
    }
    return text;
  }

  pim::testing::TempDir dir_;
  SystemClock wall_clock_;
  Metrics metrics_;
  std::string ca_file_;
  std::unique_ptr<api::WatchFeed> watch_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(HttpServerTest, ServesOverVerifiedTlsWithKeepAlive) {
  StartServer({});
  auto client = Connect();
  auto first = client->Get("/anything");
  EXPECT_EQ(first.result_int(), 200);
  EXPECT_EQ(first[http::field::content_type], "application/json");
  EXPECT_EQ(first.body(), R"({"echo":"GET 9"})");
  auto second = client->Get("/again");  // same connection
  EXPECT_EQ(second.result_int(), 200);
  EXPECT_EQ(metrics_.connections(), 1);
}

// A HEAD answer carries the length of the body it leaves out; were the body sent, the next
// response on the connection would start with it.
TEST_F(HttpServerTest, HeadSendsNoBodyAndTheConnectionStaysInStep) {
  StartServer({});
  auto client = Connect();
  http::request<http::string_body> head(http::verb::head, "/healthz", 11);
  head.set(http::field::host, "localhost");
  http::write(client->stream, head);
  http::response_parser<http::string_body> parser;
  parser.skip(true);
  http::read(client->stream, client->buffer, parser);
  EXPECT_EQ(parser.get().result_int(), 200);
  EXPECT_EQ(parser.get()[http::field::content_length], "15");
  EXPECT_EQ(client->buffer.size(), 0U);
  const auto next = client->Get("/healthz");
  EXPECT_EQ(next.result_int(), 200);
  EXPECT_EQ(next.body(), R"({"status":"ok"})");
}

// A write waits for the disk on the command pool, so even the only I/O thread keeps serving
// reads -- including the batch check, a POST -- on other connections meanwhile.
TEST_F(HttpServerTest, AWriteWaitingForTheDiskDoesNotHoldUpReads) {
  absl::Notification write_started;
  absl::Notification disk_done;
  ServerOptions options;
  options.threads = 1;
  StartServer(options, [&](const api::HttpRequest& r) {
    if (r.method == "PUT") {
      write_started.Notify();
      disk_done.WaitForNotification();
      return api::HttpResponse::Json(201, R"({"written":true})");
    }
    return api::HttpResponse::Json(200, absl::StrCat(R"({"read":")", r.target, R"("})"));
  });
  auto writer = Connect();
  http::response<http::string_body> written;
  std::thread write([&] {
    written = writer->Send(http::request<http::string_body>(http::verb::put, "/request", 11));
  });
  // Whatever fails below, the write must end, or stopping the server would wait for it.
  absl::Cleanup end_write = [&] {
    if (!disk_done.HasBeenNotified()) disk_done.Notify();
    if (write.joinable()) write.join();
  };
  ASSERT_TRUE(write_started.WaitForNotificationWithTimeout(absl::Seconds(30)));

  auto reader = Connect();
  EXPECT_EQ(reader->Get("/schedules").body(), R"({"read":"/schedules"})");
  http::request<http::string_body> check(http::verb::post, "/pim/v1/check", 11);
  check.body() = "{}";
  EXPECT_EQ(reader->Send(check).body(), R"({"read":"/pim/v1/check"})");
  EXPECT_FALSE(disk_done.HasBeenNotified());

  disk_done.Notify();
  write.join();
  EXPECT_EQ(written.result_int(), 201);
  EXPECT_EQ(written.body(), R"({"written":true})");
  // The writer's connection is still good for the next request.
  EXPECT_EQ(writer->Get("/after").result_int(), 200);
}

TEST_F(HttpServerTest, HealthReadinessAndMetricsNeedNoHandler) {
  StartServer({}, [](const api::HttpRequest&) -> api::HttpResponse {
    ADD_FAILURE() << "built-in endpoints must not reach the API";
    return api::HttpResponse::Empty(500);
  });
  auto client = Connect();
  EXPECT_EQ(client->Get("/healthz").result_int(), 200);
  EXPECT_EQ(client->Get("/readyz").result_int(), 503);
  server_->SetReady(true);
  EXPECT_EQ(client->Get("/readyz").result_int(), 200);
  const auto metrics = client->Get("/metrics");
  EXPECT_EQ(metrics.result_int(), 200);
  EXPECT_TRUE(absl::StrContains(metrics.body(), "pim_revision ")) << metrics.body();
  EXPECT_TRUE(absl::StrContains(
      metrics.body(), "pim_http_requests_total{route=\"graph healthz\",status=\"200\"} 1"))
      << metrics.body();
  EXPECT_TRUE(absl::StrContains(metrics.body(), "pim_http_request_duration_seconds_bucket"));
}

TEST_F(HttpServerTest, OversizedBodyIs413AndNothingReachesTheHandler) {
  ServerOptions options;
  options.max_body_bytes = 1024;
  int calls = 0;
  StartServer(options, [&calls](const api::HttpRequest&) {
    ++calls;
    return api::HttpResponse::Empty(204);
  });
  auto client = Connect();
  http::request<http::string_body> req(http::verb::post, "/x", 11);
  req.body() = std::string(4096, 'a');
  EXPECT_EQ(client->Send(std::move(req)).result_int(), 413);
  EXPECT_EQ(calls, 0);
}

TEST_F(HttpServerTest, OversizedHeaderIs431) {
  ServerOptions options;
  options.max_header_bytes = 2048;
  StartServer(options);
  auto client = Connect();
  http::request<http::string_body> req(http::verb::get, "/x", 11);
  req.set("x-padding", std::string(4096, 'p'));
  EXPECT_EQ(client->Send(std::move(req)).result_int(), 431);
}

TEST_F(HttpServerTest, ASilentClientIsDisconnectedAfterTheReadTimeout) {
  ServerOptions options;
  options.read_timeout = absl::Milliseconds(300);
  StartServer(options);
  auto client = Connect();
  // Half a request line, then nothing: the server must hang up on its own.
  const std::string partial = "GET /slow HTTP/1.1\r\nHost: local";
  net::write(client->stream, net::buffer(partial));
  beast::get_lowest_layer(client->stream).expires_after(std::chrono::seconds(10));
  http::response<http::string_body> res;
  beast::error_code ec;
  http::read(client->stream, client->buffer, res, ec);
  EXPECT_TRUE(ec) << "expected the server to close the connection";
  EXPECT_NE(ec, beast::error::timeout) << "the server did not close within 10 s";
}

// Polls `done` until it holds or `limit` passes; whether it held.
bool Eventually(const std::function<bool()>& done, absl::Duration limit = absl::Seconds(5)) {
  const absl::Time give_up = absl::Now() + limit;
  while (!done()) {
    if (absl::Now() > give_up) return false;
    absl::SleepFor(absl::Milliseconds(10));
  }
  return true;
}

TEST_F(HttpServerTest, AClientThatNeverCompletesTheTlsHandshakeIsDisconnected) {
  ServerOptions options;
  options.read_timeout = absl::Milliseconds(300);
  StartServer(options);
  net::io_context ioc;
  tcp::socket silent(ioc);
  silent.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), server_->port()));
  // The server hangs up: the socket becomes readable and reads end-of-file.
  pollfd readable{silent.native_handle(), POLLIN, 0};
  ASSERT_EQ(::poll(&readable, 1, 5000), 1) << "the server did not hang up within 5 s";
  char byte = 0;
  beast::error_code ec;
  silent.read_some(net::buffer(&byte, 1), ec);
  EXPECT_EQ(ec, net::error::eof);
  EXPECT_TRUE(Eventually([&] { return metrics_.connections() == 0; }));
}

// The read timeout bounds the whole request, not each read: a byte every 50 ms does not keep a
// connection open past it.
TEST_F(HttpServerTest, ATrickleOfBytesDoesNotExtendTheReadTimeout) {
  ServerOptions options;
  options.read_timeout = absl::Milliseconds(400);
  StartServer(options);
  auto client = Connect();
  const absl::Time start = absl::Now();
  const std::string request = "GET /slow HTTP/1.1\r\nHost: localhost\r\nX-Drip: ";
  std::size_t sent = 0;
  EXPECT_TRUE(Eventually([&] {
    beast::error_code ignored;  // once the server hangs up, writes fail
    net::write(client->stream, net::buffer(&request[sent % request.size()], 1), ignored);
    ++sent;
    absl::SleepFor(absl::Milliseconds(40));
    return metrics_.connections() == 0;
  })) << "the server kept a trickling connection open for 5 s";
  EXPECT_LT(absl::Now() - start, absl::Seconds(3));
}

TEST_F(HttpServerTest, AnIdleKeptAliveConnectionIsClosedAfterTheIdleTimeout) {
  ServerOptions options;
  options.idle_timeout = absl::Seconds(1);
  StartServer(options);
  auto client = Connect();
  EXPECT_EQ(client->Get("/x").result_int(), 200);
  EXPECT_EQ(client->Get("/y").result_int(), 200);  // each request restarts the idle clock
  EXPECT_TRUE(Eventually([&] { return metrics_.connections() == 0; }))
      << "the idle connection was still open after 5 s";
  http::response<http::string_body> res;
  beast::error_code ec;
  http::read(client->stream, client->buffer, res, ec);
  EXPECT_TRUE(ec) << "the connection should be closed";
}

TEST_F(HttpServerTest, AClientThatStopsReadingIsDisconnectedAfterTheWriteTimeout) {
  ServerOptions options;
  options.write_timeout = absl::Milliseconds(300);
  // Far more than loopback's socket buffers hold, so the write cannot finish unread.
  StartServer(options, [](const api::HttpRequest&) {
    return api::HttpResponse::Json(200, std::string(64 << 20, ' '));
  });
  auto client = Connect();
  http::request<http::string_body> req(http::verb::get, "/big", 11);
  req.set(http::field::host, "localhost");
  http::write(client->stream, req);  // and never read the answer
  EXPECT_TRUE(Eventually([&] { return metrics_.connections() == 0; }))
      << "the server was still writing to a client that reads nothing after 5 s";
}

// Timeouts apply to reads and writes in progress, not to time the server spends answering.
TEST_F(HttpServerTest, AnAnswerThatTakesLongerThanTheReadTimeoutIsStillDelivered) {
  ServerOptions options;
  options.read_timeout = absl::Milliseconds(200);
  options.idle_timeout = absl::Milliseconds(200);
  StartServer(options, [](const api::HttpRequest& r) {
    absl::SleepFor(absl::Milliseconds(600));  // on the command pool for a write
    return api::HttpResponse::Json(200, absl::StrCat(R"({"method":")", r.method, R"("})"));
  });
  auto client = Connect();
  EXPECT_EQ(client->Send(http::request<http::string_body>(http::verb::post, "/w", 11)).body(),
            R"({"method":"POST"})");
  EXPECT_EQ(client->Get("/r").body(), R"({"method":"GET"})");  // and on the I/O thread
}

TEST_F(HttpServerTest, ConnectionsBeyondTheLimitAreRefused) {
  ServerOptions options;
  options.max_connections = 1;
  StartServer(options);
  auto first = Connect();
  EXPECT_EQ(first->Get("/x").result_int(), 200);
  EXPECT_THROW(Connect(), boost::system::system_error);
  first.reset();
}

TEST_F(HttpServerTest, RateLimitAnswers429WithRetryAfter) {
  ServerOptions options;
  options.rate_limit_per_second = 0.5;
  options.rate_limit_burst = 2;
  StartServer(options);
  auto client = Connect();
  auto get = [&] {
    http::request<http::string_body> req(http::verb::get, "/x", 11);
    req.set(http::field::authorization, "Bearer caller-one");
    return client->Send(std::move(req));
  };
  EXPECT_EQ(get().result_int(), 200);
  EXPECT_EQ(get().result_int(), 200);
  const auto limited = get();
  EXPECT_EQ(limited.result_int(), 429);
  EXPECT_EQ(limited[http::field::retry_after], "2");
  // Another caller has its own bucket.
  http::request<http::string_body> other(http::verb::get, "/x", 11);
  other.set(http::field::authorization, "Bearer caller-two");
  EXPECT_EQ(client->Send(std::move(other)).result_int(), 200);
}

TEST_F(HttpServerTest, AnAddressThatKeepsFailingAuthenticationIsSlowedWhateverTokenItTries) {
  ServerOptions options;
  options.auth_failures_per_second = 0.1;
  options.auth_failure_burst = 2;
  StartServer(options, [](const api::HttpRequest& r) {
    return api::HttpResponse::Empty(r.Header("authorization") == "Bearer good" ? 200 : 401);
  });
  auto client = Connect();
  auto get = [&](const std::string& token) {
    http::request<http::string_body> req(http::verb::get, "/x", 11);
    req.set(http::field::authorization, "Bearer " + token);
    return client->Send(std::move(req));
  };
  EXPECT_EQ(get("good").result_int(), 200);
  EXPECT_EQ(get("made-up-1").result_int(), 401);
  EXPECT_EQ(get("made-up-2").result_int(), 401);
  const auto limited = get("made-up-3");
  EXPECT_EQ(limited.result_int(), 429);
  EXPECT_EQ(limited[http::field::retry_after], "10");
  EXPECT_EQ(get("good").result_int(), 429);  // the address waits, whatever it sends
}

TEST_F(HttpServerTest, PlainHttpIsRefusedOffLoopback) {
  ServerOptions options;
  options.tls = false;
  options.listen_address = "0.0.0.0";
  api::WatchFeed watch(*engine_, *store_);
  auto server = HttpServer::Start(
      options, [](const api::HttpRequest&) { return api::HttpResponse::Empty(204); }, *engine_,
      watch, metrics_, wall_clock_);
  EXPECT_EQ(server.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(HttpServerTest, WatchStreamsEachCommittedChangeAsAnEvent) {
  ServerOptions options;
  options.watch_heartbeat = absl::Seconds(30);
  StartWatchServer(options);
  auto client = Connect();
  // Read the head, then make a change and expect its event.
  EXPECT_EQ(OpenWatch(*client)[http::field::content_type], "text/event-stream");
  const PrincipalId user = AddUser("watched");
  const std::string text = ReadStreamUntil(*client, "\n\n");
  EXPECT_TRUE(absl::StrContains(text, absl::StrCat("id: ", engine_->revision(), "\n"))) << text;
  EXPECT_TRUE(absl::StrContains(text, "event: change\n")) << text;
  EXPECT_TRUE(absl::StrContains(text, user.str())) << text;
  EXPECT_EQ(metrics_.watches(), 1);
}

// A watch stream waits for news far longer than any I/O timeout; waiting is not a stalled read
// or write, so the stream stays open and still delivers.
TEST_F(HttpServerTest, AWatchStreamOutlivesTheIoTimeouts) {
  ServerOptions options;
  options.watch_heartbeat = absl::Seconds(30);
  options.read_timeout = absl::Milliseconds(100);
  options.idle_timeout = absl::Milliseconds(100);
  options.write_timeout = absl::Milliseconds(100);
  StartWatchServer(options);
  auto client = Connect();
  ASSERT_EQ(OpenWatch(*client).result_int(), 200);
  // Real time, not the manual clock: these are the socket deadlines of Asio's steady clock.
  absl::SleepFor(absl::Milliseconds(600));  // six read, idle and write timeouts
  EXPECT_EQ(metrics_.watches(), 1);
  const PrincipalId user = AddUser("still-watched");
  const std::string text = ReadStreamUntil(*client, user.str());
  EXPECT_TRUE(absl::StrContains(text, "event: change\n")) << text;
}

}  // namespace
}  // namespace pim::server
