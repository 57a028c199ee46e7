// `fupin serve` as users meet it: the real program on a scale-0.01 demo
// database, on SQLite and on PostgreSQL, spoken to over HTTP.
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "testing/api_json.h"
#include "testing/served_demo.h"

namespace fupin::testing {
namespace {

class ServeTest : public ::testing::TestWithParam<Backend> {};

// Resident memory of a process, in KiB (VmRSS of /proc/PID/status).
long ResidentKib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

TEST_P(ServeTest, HealthMetricsAndTheApiDocument) {
  ServedDemo served(GetParam());
  ASSERT_NE(served.port(), 0);
  HttpClient client = served.Client();
  HttpResponse health = client.Get("/healthz");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.body, R"({"status":"ok"})");

  HttpResponse doc = client.Get("/api/v1/openapi.json");
  EXPECT_EQ(doc.status, 200);
  EXPECT_NE(doc.body.find("\"openapi\""), std::string::npos);

  // An unknown API path is a JSON 404; a known path with another method a 405.
  HttpResponse missing = client.Get("/api/v1/nothing-here");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(ErrorCode(missing), "not_found");
  HttpResponse wrong_method = client.Request("PUT", "/api/v1/session", "{}");
  EXPECT_EQ(wrong_method.status, 405);
  EXPECT_EQ(ErrorCode(wrong_method), "method_not_allowed");
  EXPECT_EQ(wrong_method.Header("allow").find("POST") != std::string::npos, true);

  HttpResponse metrics = client.Get("/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.Header("content-type").find("text/plain"), std::string::npos);
  EXPECT_NE(metrics.body.find("fupin_http_requests_total{route=\"/healthz\",method=\"GET\",status=\"200\"} 1"),
            std::string::npos)
      << metrics.body;
  EXPECT_NE(metrics.body.find("status=\"404\""), std::string::npos);
  EXPECT_NE(metrics.body.find("fupin_http_request_duration_seconds_bucket"), std::string::npos);
  EXPECT_NE(metrics.body.find("fupin_http_open_connections 1"), std::string::npos);
  EXPECT_NE(metrics.body.find("fupin_db_pool_in_use"), std::string::npos);

  // A missing page is a 404 in the same error body.
  HttpResponse no_page = client.Get("/assets/nothing.js");
  EXPECT_EQ(no_page.status, 404);
  EXPECT_EQ(ErrorCode(no_page), "not_found");
  // Text that is not UTF-8 in a path still gives valid JSON back.
  HttpResponse odd = Session(served.SignIn("official")).Get("/api/v1/regions/%FF%FE");
  EXPECT_EQ(odd.status, 400);
  EXPECT_NE(odd.body.find("\xEF\xBF\xBD"), std::string::npos) << odd.body;
}

TEST_P(ServeTest, PlaceholderPageUntilTheWebInterfaceIsBuilt) {
  ServedDemo served(GetParam());
  ASSERT_NE(served.port(), 0);
  HttpClient client = served.Client();
  HttpResponse page = client.Get("/");
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.Header("content-type").find("text/html"), std::string::npos);
  EXPECT_NE(page.body.find("/api/v1/openapi.json"), std::string::npos);
  // A client-side route of the future interface gets the page too.
  EXPECT_EQ(client.Get("/registry/households").status, 200);
}

TEST_P(ServeTest, JsonIsGzippedWhenTheClientAcceptsIt) {
  ServedDemo served(GetParam());
  ASSERT_NE(served.port(), 0);
  HttpClient client = served.Client();
  HttpResponse plain = client.Get("/api/v1/openapi.json");
  HttpResponse zipped = client.Get("/api/v1/openapi.json", {{"Accept-Encoding", "gzip, br"}});
  EXPECT_EQ(plain.Header("content-encoding"), "");
  EXPECT_EQ(zipped.Header("content-encoding"), "gzip");
  EXPECT_EQ(zipped.body, plain.body);  // the client decodes it
  EXPECT_LT(std::stol(zipped.Header("content-length")), static_cast<long>(plain.body.size()) / 2);
}

TEST_P(ServeTest, SessionRoutesNeedASignInAndWritesNeedTheCsrfToken) {
  ServedDemo served(GetParam());
  ASSERT_NE(served.port(), 0);
  HttpClient anonymous = served.Client();
  HttpResponse no_cookie = anonymous.Get("/api/v1/regions/622900000000");
  EXPECT_EQ(no_cookie.status, 401);
  EXPECT_EQ(ErrorCode(no_cookie), "unauthenticated");
  HttpResponse forged = anonymous.Get("/api/v1/regions/622900000000", {{"Cookie", "fupin_session=forged"}});
  EXPECT_EQ(forged.status, 401);

  Session session = served.SignIn("official");
  EXPECT_EQ(session.Get("/api/v1/regions/622900000000").status, 200);
  HttpResponse without_csrf = session.Send("DELETE", "/api/v1/session", "", /*with_csrf=*/false);
  EXPECT_EQ(without_csrf.status, 403);
  EXPECT_NE(without_csrf.body.find("X-CSRF-Token"), std::string::npos);
  EXPECT_EQ(session.Get("/api/v1/session").status, 200);  // still signed in
  EXPECT_EQ(session.Delete("/api/v1/session").status, 204);
  EXPECT_EQ(session.Get("/api/v1/session").status, 401);
}

TEST_P(ServeTest, OversizedAndBrokenRequestsAreRefusedAndTheServerCarriesOn) {
  ServedDemo served(GetParam());
  ASSERT_NE(served.port(), 0);

  // A 10 MB body: 413 before the body is read.
  int fd = ConnectTcp("127.0.0.1", served.port());
  ASSERT_GE(fd, 0);
  SendAll(fd, "POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
              "Content-Length: 10485760\r\n\r\n");
  SendAll(fd, std::string(64 * 1024, 'x'));
  std::string answer = ReadUntilClose(fd, 10000);
  close(fd);
  EXPECT_NE(answer.find("HTTP/1.1 413"), std::string::npos) << answer.substr(0, 200);

  // A 100 KB header: 431.
  fd = ConnectTcp("127.0.0.1", served.port());
  ASSERT_GE(fd, 0);
  SendAll(fd, "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(100 * 1024, 'a') + "\r\n\r\n");
  answer = ReadUntilClose(fd, 10000);
  close(fd);
  EXPECT_NE(answer.find("HTTP/1.1 431"), std::string::npos) << answer.substr(0, 200);

  // Not HTTP at all: 400.
  fd = ConnectTcp("127.0.0.1", served.port());
  ASSERT_GE(fd, 0);
  SendAll(fd, "HELLO THERE\r\n\r\n");
  answer = ReadUntilClose(fd, 10000);
  close(fd);
  EXPECT_NE(answer.find("HTTP/1.1 400"), std::string::npos) << answer.substr(0, 200);

  // A client that disconnects half-way through its request.
  for (int i = 0; i < 20; ++i) {
    fd = ConnectTcp("127.0.0.1", served.port());
    ASSERT_GE(fd, 0);
    SendAll(fd, "POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"user");
    close(fd);
  }
  // The server carries on.
  HttpClient client = served.Client();
  EXPECT_EQ(client.Get("/healthz").status, 200);
  Session session = served.SignIn("official");
  EXPECT_EQ(session.Get("/api/v1/regions/622900000000").status, 200);
}

TEST_P(ServeTest, IdleAndSlowClientsDoNotStarveOthersAndMemoryStaysBounded) {
  // A long request deadline, so the slow clients are still connected while
  // the normal request is answered.
  ServedDemo served(GetParam(), {"--request-timeout", "60", "--idle-timeout", "120"});
  ASSERT_NE(served.port(), 0);
  Session session = served.SignIn("official");
  ASSERT_EQ(session.Get("/api/v1/regions/622900000000").status, 200);
  long before_kib = ResidentKib(served.pid());

  std::vector<int> idle;
  for (int i = 0; i < 1000; ++i) {
    int fd = ConnectTcp("127.0.0.1", served.port());
    ASSERT_GE(fd, 0) << "connection " << i;
    idle.push_back(fd);
  }
  // 200 clients that send one byte per second.
  std::vector<int> slow;
  for (int i = 0; i < 200; ++i) {
    int fd = ConnectTcp("127.0.0.1", served.port());
    ASSERT_GE(fd, 0);
    slow.push_back(fd);
  }
  const std::string slow_request = "GET /healthz HTTP/1.1\r\nHost: slow\r\n\r\n";
  for (int second = 0; second < 3; ++second) {
    for (int fd : slow) SendAll(fd, slow_request.substr(second, 1));
    HttpResponse r = session.Get("/api/v1/regions/622900000000");
    EXPECT_EQ(r.status, 200) << "second " << second << ": " << r.body;
    HttpClient fresh = served.Client();
    EXPECT_EQ(fresh.Get("/healthz").status, 200);
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  long during_kib = ResidentKib(served.pid());
  // The slow clients were still connected when the others were answered:
  // nothing was cut off to make room.
  int still_open = 0;
  for (int fd : slow) {
    char c;
    ssize_t n = recv(fd, &c, 1, MSG_DONTWAIT | MSG_PEEK);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) ++still_open;
  }
  EXPECT_EQ(still_open, 200);
  // 1,200 connections cost memory per connection, not a thread each: well
  // under 100 KiB apiece.
  EXPECT_GT(before_kib, 0);
  EXPECT_LT(during_kib - before_kib, 1200L * 100) << "before " << before_kib << " KiB, during " << during_kib;
  for (int fd : idle) close(fd);
  for (int fd : slow) close(fd);
  EXPECT_EQ(served.Client().Get("/healthz").status, 200);
}

TEST_P(ServeTest, TooManyConnectionsAreAnswered503) {
  ServedDemo served(GetParam(), {"--max-connections", "20"});
  ASSERT_NE(served.port(), 0);
  std::vector<int> held;
  for (int i = 0; i < 20; ++i) held.push_back(ConnectTcp("127.0.0.1", served.port()));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  int fd = ConnectTcp("127.0.0.1", served.port());
  ASSERT_GE(fd, 0);
  SendAll(fd, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  std::string answer = ReadUntilClose(fd, 10000);
  close(fd);
  EXPECT_NE(answer.find("HTTP/1.1 503"), std::string::npos) << answer;
  for (int h : held) close(h);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(served.Client().Get("/healthz").status, 200);
}

TEST_P(ServeTest, SecureCookieBehindTls) {
  ServedDemo served(GetParam(), {"--secure-cookie"});
  ASSERT_NE(served.port(), 0);
  HttpClient client = served.Client();
  HttpResponse in = client.Request("POST", "/api/v1/session", R"({"username":"official","password":"fupin-demo"})",
                                   {{"Content-Type", "application/json"}});
  ASSERT_EQ(in.status, 200) << in.body;
  std::string cookie = in.Header("set-cookie");
  EXPECT_NE(cookie.find("; HttpOnly; SameSite=Strict; Max-Age=28800; Secure"), std::string::npos) << cookie;
}

TEST_P(ServeTest, SlowRequestGets408AtTheDeadline) {
  ServedDemo served(GetParam(), {"--request-timeout", "1"});
  ASSERT_NE(served.port(), 0);
  int fd = ConnectTcp("127.0.0.1", served.port());
  ASSERT_GE(fd, 0);
  SendAll(fd, "GET /hea");
  std::string answer = ReadUntilClose(fd, 10000);
  close(fd);
  EXPECT_NE(answer.find("HTTP/1.1 408"), std::string::npos) << answer;
}

INSTANTIATE_TEST_SUITE_P(Backends, ServeTest, ::testing::ValuesIn(AllBackends()), BackendName);

}  // namespace
}  // namespace fupin::testing
