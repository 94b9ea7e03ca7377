#include "pim/server/http_wire.h"

#include <gtest/gtest.h>

#include <string>

namespace pim::server {
namespace {

std::string Wire(const api::HttpResponse& response, bool keep_alive = true, bool head = false) {
  std::string out;
  AppendHttpResponse(response, keep_alive, head, out);
  return out;
}

TEST(HttpWireTest, WritesStatusHeadersLengthAndBody) {
  api::HttpResponse response = api::HttpResponse::Json(201, R"({"a":1})");
  response.SetHeader("request-id", "r-1");
  EXPECT_EQ(Wire(response),
            "HTTP/1.1 201 Created\r\nServer: pimd\r\nContent-Type: application/json\r\n"
            "request-id: r-1\r\nContent-Length: 7\r\n\r\n{\"a\":1}");
}

TEST(HttpWireTest, AConnectionThatEndsSaysSo) {
  EXPECT_EQ(Wire(api::HttpResponse::Json(400, "{}"), false),
            "HTTP/1.1 400 Bad Request\r\nServer: pimd\r\nContent-Type: application/json\r\n"
            "Content-Length: 2\r\nConnection: close\r\n\r\n{}");
}

TEST(HttpWireTest, NoContentAndNotModifiedCarryNoLengthAndNoBody) {
  api::HttpResponse no_content = api::HttpResponse::Empty(204);
  no_content.body = "ignored";
  EXPECT_EQ(Wire(no_content), "HTTP/1.1 204 No Content\r\nServer: pimd\r\n\r\n");
  api::HttpResponse empty_ok = api::HttpResponse::Empty(200);
  EXPECT_EQ(Wire(empty_ok), "HTTP/1.1 200 OK\r\nServer: pimd\r\nContent-Length: 0\r\n\r\n");
}

TEST(HttpWireTest, AnAnswerToHeadHasTheLengthButNotTheBody) {
  EXPECT_EQ(Wire(api::HttpResponse::Json(200, "{}"), true, true),
            "HTTP/1.1 200 OK\r\nServer: pimd\r\nContent-Type: application/json\r\n"
            "Content-Length: 2\r\n\r\n");
}

TEST(HttpWireTest, AHeaderThatCouldSplitTheResponseIsLeftOut) {
  api::HttpResponse response = api::HttpResponse::Empty(200);
  response.SetHeader("X-Ok", "tab\tis fine");
  response.SetHeader("X-Injected", "a\r\nSet-Cookie: evil=1");
  response.SetHeader("X-Newline", "a\nb");
  response.SetHeader("X-Nul", std::string("a\0b", 3));
  response.SetHeader("Bad Name", "v");
  response.SetHeader("Bad:Name", "v");
  response.SetHeader("", "v");
  EXPECT_EQ(Wire(response),
            "HTTP/1.1 200 OK\r\nServer: pimd\r\nX-Ok: tab\tis fine\r\nContent-Length: 0\r\n\r\n");
}

TEST(HttpWireTest, AStreamHeadHasNoLengthAndEndsTheConnection) {
  api::HttpResponse response = api::HttpResponse::Empty(200);
  response.SetHeader("Content-Type", "text/event-stream");
  response.SetHeader("X-Injected", "a\r\nb");
  std::string out;
  AppendHttpStreamHead(response, out);
  EXPECT_EQ(out,
            "HTTP/1.1 200 OK\r\nServer: pimd\r\nContent-Type: text/event-stream\r\n"
            "Connection: close\r\n\r\n");
}

TEST(HttpWireTest, AppendsToWhatIsThere) {
  std::string out = "before";
  AppendHttpResponse(api::HttpResponse::Empty(204), true, false, out);
  EXPECT_EQ(out, "beforeHTTP/1.1 204 No Content\r\nServer: pimd\r\n\r\n");
}

}  // namespace
}  // namespace pim::server
