// The HTTP server in process, on an ephemeral port, with a small Dispatcher.
// Timing-dependent tests use short timeouts and assert order of events (an
// answer arrived before a deadline that others were still waiting for), never
// speed.
#include "http/server.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <chrono>
#include <future>
#include <thread>
#include <vector>

#include "http/gzip.h"
#include "http/metrics.h"
#include "testing/http_client.h"

namespace fupin::http {
namespace {

using fupin::testing::ConnectTcp;
using fupin::testing::HttpClient;
using fupin::testing::HttpResponse;
using fupin::testing::ReadUntilClose;
using fupin::testing::SendAll;
using namespace std::chrono_literals;

std::string BigJson() {
  std::string s = "[";
  for (int i = 0; i < 200; ++i) s += "{\"code\":\"62290100" + std::to_string(1000 + i) + "\",\"name\":\"临夏\"},";
  s.back() = ']';
  return s;
}

class TestDispatcher : public Dispatcher {
 public:
  Response Handle(Request& r) override {
    calls.fetch_add(1);
    Response out;
    out.route = r.path;
    if (r.path == "/hello") {
      out.body = R"({"hello":"world"})";
    } else if (r.path == "/big") {
      out.body = BigJson();
    } else if (r.path == "/big-incompressible") {
      out.body = BigJson();
      out.compressible = false;
    } else if (r.path == "/pregzipped") {
      // A marker different from the body shows the server sent this, not a fresh compression.
      out.body = BigJson();
      out.gzipped = std::make_shared<const std::string>(Gzip("PRECOMPUTED" + BigJson()));
    } else if (r.path == "/echo") {
      out.content_type = "text/plain";
      out.compressible = false;
      out.body = r.method + "|" + r.target + "|" + r.path + "|";
      for (const auto& [k, v] : r.query) out.body += k + "=" + v + ";";
      out.body += "|" + r.Cookie("fupin_session") + "|" + r.remote_address + "|";
      const std::string* custom = r.Header("x-custom");
      out.body += custom ? *custom : "-";
      out.body += "|" + std::to_string(r.body.size());
      out.headers.emplace_back("X-Reply", "yes\r\nInjected: no");
    } else if (r.path == "/slow") {
      started.store(true);
      std::this_thread::sleep_for(std::chrono::milliseconds(std::stoi(r.Query("ms").value_or("300"))));
      out.body = R"({"slow":true})";
    } else if (r.path == "/throw") {
      throw std::runtime_error("handler bug");
    } else {
      out.status = 404;
      out.route.clear();
      out.body = R"({"error":{"code":"not_found","message":"no such page"}})";
    }
    return out;
  }
  std::atomic<int> calls{0};
  std::atomic<bool> started{false};
};

ServerOptions TestOptions() {
  ServerOptions o;
  o.host = "127.0.0.1";
  o.port = 0;
  o.io_threads = 2;
  o.worker_threads = 2;
  o.request_timeout = 5s;
  o.idle_timeout = 30s;
  return o;
}

// A server running on its own thread for the test's lifetime.
class RunningServer {
 public:
  explicit RunningServer(ServerOptions options = TestOptions()) : server_(options, dispatcher, metrics) {
    Status listening = server_.Listen();
    EXPECT_TRUE(listening.ok()) << (listening.ok() ? "" : listening.error().message);
    thread_ = std::thread([this] {
      server_.Run();
      stopped_.set_value();
    });
  }
  ~RunningServer() { Stop(); }

  uint16_t port() const { return server_.port(); }
  Server& server() { return server_; }

  // Shuts down and waits for Run() to return; a server that does not stop
  // fails the test loudly instead of hanging the suite.
  void Stop() {
    if (!thread_.joinable()) return;
    server_.Shutdown();
    if (stopped_future_.wait_for(15s) != std::future_status::ready) {
      ADD_FAILURE() << "Run() did not return after Shutdown()";
      std::fprintf(stderr, "server did not stop: aborting the test run\n");
      std::_Exit(1);
    }
    thread_.join();
  }

  TestDispatcher dispatcher;
  Metrics metrics;

 private:
  Server server_;
  std::promise<void> stopped_;
  std::future<void> stopped_future_ = stopped_.get_future();
  std::thread thread_;
};

// Whether the peer has closed `fd` (a read returns 0 at once).
bool PeerClosed(int fd, int wait_ms) {
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, wait_ms) <= 0) return false;
  char c;
  return ::recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) == 0;
}

bool Readable(int fd) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, 0) > 0;
}

int CountOf(const std::string& text, const std::string& what) {
  int n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// Waits (bounded) until `condition` holds; for state the server reaches asynchronously.
template <typename F>
bool Eventually(F condition, std::chrono::milliseconds limit = 5s) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return condition();
}

TEST(ServerTest, AnswersAndKeepsTheConnectionAlive) {
  RunningServer s;
  HttpClient client("127.0.0.1", s.port());
  for (int i = 0; i < 5; ++i) {
    HttpResponse r = client.Get("/hello");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.body, R"({"hello":"world"})");
    EXPECT_EQ(r.Header("content-type"), "application/json");
    EXPECT_EQ(r.Header("server"), "fupin");
    EXPECT_EQ(r.Header("content-length"), "17");
    EXPECT_FALSE(r.Header("date").empty());
    EXPECT_EQ(r.Header("connection"), "");
    EXPECT_TRUE(client.connected());
  }
  EXPECT_EQ(s.metrics.open_connections(), 1);  // five requests, one connection
  EXPECT_EQ(client.Get("/nothing").status, 404);
  EXPECT_EQ(s.dispatcher.calls.load(), 6);
}

TEST(ServerTest, PipelinedRequestsAreAnsweredInOrder) {
  RunningServer s;
  int fd = ConnectTcp("127.0.0.1", s.port());
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(SendAll(fd,
                      "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"
                      "GET /echo?n=2 HTTP/1.1\r\nHost: x\r\n\r\n"
                      "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  std::string all = ReadUntilClose(fd, 10000);
  ::close(fd);
  EXPECT_EQ(CountOf(all, "HTTP/1.1 200 OK\r\n"), 3) << all;
  size_t first = all.find("{\"hello\"");
  size_t second = all.find("GET|/echo?n=2");
  size_t third = all.rfind("{\"hello\"");
  EXPECT_TRUE(first < second && second < third) << all;
  EXPECT_NE(all.find("Connection: close\r\n"), std::string::npos);
}

TEST(ServerTest, Http10ClosesUnlessAskedToKeepAlive) {
  RunningServer s;
  int fd = ConnectTcp("127.0.0.1", s.port());
  ASSERT_TRUE(SendAll(fd, "GET /hello HTTP/1.0\r\n\r\n"));
  std::string answer = ReadUntilClose(fd, 10000);
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 200 OK\r\n")) << answer;
  EXPECT_NE(answer.find("Connection: close\r\n"), std::string::npos) << answer;
  EXPECT_TRUE(answer.ends_with(R"({"hello":"world"})")) << answer;
  ::close(fd);

  fd = ConnectTcp("127.0.0.1", s.port());
  ASSERT_TRUE(SendAll(fd, "GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
  answer = ReadUntilClose(fd, 300);
  EXPECT_NE(answer.find("Connection: keep-alive\r\n"), std::string::npos) << answer;
  EXPECT_FALSE(PeerClosed(fd, 0));
  ASSERT_TRUE(SendAll(fd, "GET /hello HTTP/1.0\r\n\r\n"));  // the same connection serves again
  EXPECT_TRUE(ReadUntilClose(fd, 10000).starts_with("HTTP/1.1 200 OK"));
  ::close(fd);
}

TEST(ServerTest, RequestFieldsReachTheHandler) {
  RunningServer s;
  HttpClient client("127.0.0.1", s.port());
  HttpResponse r = client.Request("POST", "/echo?region=6229%2001&name=a+b&flag", "twelve bytes",
                                  {{"Cookie", "a=1; fupin_session=tok%2Bx"}, {"X-Custom", "Value Kept"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body,
            "POST|/echo?region=6229%2001&name=a+b&flag|/echo|region=6229 01;name=a b;flag=;|tok%2Bx|127.0.0.1|"
            "Value Kept|12");
  // A header value cannot start a header of its own.
  EXPECT_EQ(r.Header("x-reply"), "yes  Injected: no");
  EXPECT_EQ(r.Header("injected"), "");
}

TEST(ServerTest, HeadAnswersLikeGetWithoutTheBody) {
  RunningServer s;
  HttpClient client("127.0.0.1", s.port());
  HttpResponse get = client.Get("/big");
  HttpResponse head = client.Request("HEAD", "/big");
  ASSERT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
  EXPECT_EQ(head.Header("content-length"), std::to_string(get.body.size()));
  // The connection is still in step: the next answer is read correctly.
  EXPECT_EQ(client.Get("/hello").body, R"({"hello":"world"})");
}

TEST(ServerTest, GzipNegotiation) {
  RunningServer s;
  HttpClient client("127.0.0.1", s.port());
  const std::vector<std::pair<std::string, std::string>> gzip = {{"Accept-Encoding", "gzip, deflate"}};

  HttpResponse r = client.Get("/big", gzip);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("content-encoding"), "gzip");
  EXPECT_EQ(r.body, BigJson());  // decoded by the client
  EXPECT_LT(std::stoul(r.Header("content-length")), BigJson().size() / 2);
  EXPECT_EQ(r.Header("vary"), "Accept-Encoding");

  r = client.Get("/big");
  EXPECT_EQ(r.Header("content-encoding"), "");
  EXPECT_EQ(r.Header("content-length"), std::to_string(BigJson().size()));
  EXPECT_EQ(r.Header("vary"), "Accept-Encoding");

  r = client.Get("/big", {{"Accept-Encoding", "br, gzip;q=0"}});
  EXPECT_EQ(r.Header("content-encoding"), "");
  EXPECT_EQ(r.body, BigJson());

  r = client.Get("/hello", gzip);  // under 512 bytes
  EXPECT_EQ(r.Header("content-encoding"), "");

  r = client.Get("/big-incompressible", gzip);
  EXPECT_EQ(r.Header("content-encoding"), "");
  EXPECT_EQ(r.Header("vary"), "");

  r = client.Get("/pregzipped", gzip);
  EXPECT_EQ(r.Header("content-encoding"), "gzip");
  EXPECT_EQ(r.body, "PRECOMPUTED" + BigJson());
  r = client.Get("/pregzipped");
  EXPECT_EQ(r.body, BigJson());
}

TEST(ServerTest, BodyAtTheLimitIsAcceptedWithExpectContinue) {
  ServerOptions o = TestOptions();
  o.max_body_bytes = 100000;
  RunningServer s(o);
  HttpClient client("127.0.0.1", s.port());
  HttpResponse r = client.Request("POST", "/echo", std::string(100000, 'b'));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.body.ends_with("|100000")) << r.body;

  int fd = ConnectTcp("127.0.0.1", s.port());
  ASSERT_TRUE(SendAll(fd, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"));
  char buf[256];
  ssize_t n = ::recv(fd, buf, sizeof buf, 0);  // the server asks for the body before it is sent
  ASSERT_GT(n, 0);
  EXPECT_EQ(std::string(buf, static_cast<size_t>(n)), "HTTP/1.1 100 Continue\r\n\r\n");
  ASSERT_TRUE(SendAll(fd, "hello"));
  ::shutdown(fd, SHUT_WR);
  std::string answer = ReadUntilClose(fd, 10000);
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 200 OK")) << answer;
  EXPECT_TRUE(answer.ends_with("|5")) << answer;
  ::close(fd);
}

// Sends `head` and then up to 10 MB of body in 64 KiB pieces until the server
// stops reading, and returns what the server answered.
std::string SendLargeRequest(uint16_t port, const std::string& head, bool chunked) {
  int fd = ConnectTcp("127.0.0.1", port);
  if (fd < 0) return "connect failed";
  SendAll(fd, head);
  std::string piece(65536, 'x');
  if (chunked) piece = "10000\r\n" + piece + "\r\n";
  for (size_t sent = 0; sent < (10u << 20); sent += 65536) {
    if (!SendAll(fd, piece)) break;
  }
  if (chunked) SendAll(fd, "0\r\n\r\n");
  std::string answer = ReadUntilClose(fd, 10000);
  ::close(fd);
  return answer;
}

TEST(ServerTest, BodyOverTheLimitIs413) {
  RunningServer s;  // 1 MiB limit
  std::string answer = SendLargeRequest(
      s.port(), "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10485760\r\n\r\n", false);
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 413 ")) << answer.substr(0, 200);
  EXPECT_NE(answer.find(R"({"error":{"code":"payload_too_large","message":")"), std::string::npos) << answer;
  EXPECT_NE(answer.find("Connection: close"), std::string::npos);

  answer = SendLargeRequest(s.port(), "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n", true);
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 413 ")) << answer.substr(0, 200);
  EXPECT_NE(answer.find("payload_too_large"), std::string::npos);

  EXPECT_EQ(s.dispatcher.calls.load(), 0);
  EXPECT_NE(s.metrics.Render().find(R"(fupin_http_rejections_total{reason="body"} 2)"), std::string::npos);
  // Other clients are unaffected.
  EXPECT_EQ(HttpClient("127.0.0.1", s.port()).Get("/hello").status, 200);
}

TEST(ServerTest, HeaderOverTheLimitIs431) {
  RunningServer s;  // 16 KiB limit
  int fd = ConnectTcp("127.0.0.1", s.port());
  SendAll(fd, "GET /hello HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(100 * 1024, 'h') + "\r\n\r\n");
  std::string answer = ReadUntilClose(fd, 10000);
  ::close(fd);
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 431 ")) << answer.substr(0, 200);
  EXPECT_NE(answer.find(R"("code":"header_too_large")"), std::string::npos) << answer;
  EXPECT_EQ(s.dispatcher.calls.load(), 0);
}

TEST(ServerTest, UnparsableRequestIs400) {
  RunningServer s;
  int fd = ConnectTcp("127.0.0.1", s.port());
  SendAll(fd, "THIS IS NOT HTTP\r\n\r\n");
  std::string answer = ReadUntilClose(fd, 10000);
  ::close(fd);
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 400 ")) << answer;
  EXPECT_NE(answer.find(R"("code":"bad_request")"), std::string::npos) << answer;
}

TEST(ServerTest, HandlerExceptionIs500) {
  RunningServer s;
  HttpClient client("127.0.0.1", s.port());
  HttpResponse r = client.Get("/throw");
  EXPECT_EQ(r.status, 500);
  EXPECT_NE(r.body.find(R"("code":"internal")"), std::string::npos) << r.body;
  EXPECT_EQ(client.Get("/hello").status, 200);
}

TEST(ServerTest, SlowClientGets408AtTheDeadlineNotPerByte) {
  ServerOptions o = TestOptions();
  o.request_timeout = 1s;
  RunningServer s(o);
  int fd = ConnectTcp("127.0.0.1", s.port());
  ASSERT_TRUE(SendAll(fd, "GET /hello HTTP/1.1\r\nHost: x\r\nX-Slow: "));
  // One byte every 100 ms would keep a per-read timeout from ever firing;
  // the request deadline answers after about 1 s. Trickle for up to 4 s.
  bool answered = false;
  for (int i = 0; i < 40 && !answered; ++i) {
    std::this_thread::sleep_for(100ms);
    answered = Readable(fd);
    if (!answered) SendAll(fd, "a");
  }
  EXPECT_TRUE(answered) << "no answer while trickling for 4 s";
  std::string answer = ReadUntilClose(fd, 5000);
  ::close(fd);
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 408 ")) << answer;
  EXPECT_NE(answer.find(R"("code":"request_timeout")"), std::string::npos) << answer;
  EXPECT_EQ(s.dispatcher.calls.load(), 0);
}

TEST(ServerTest, IdleKeepAliveConnectionIsClosedSilently) {
  ServerOptions o = TestOptions();
  o.idle_timeout = 300ms;
  RunningServer s(o);
  int fd = ConnectTcp("127.0.0.1", s.port());
  ASSERT_TRUE(SendAll(fd, "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"));
  // The answer, then nothing (no 408), then the close, well before 10 s.
  std::string all = ReadUntilClose(fd, 10000);
  EXPECT_EQ(CountOf(all, "HTTP/1.1"), 1) << all;
  EXPECT_TRUE(all.ends_with(R"({"hello":"world"})")) << all;
  EXPECT_TRUE(PeerClosed(fd, 0));
  ::close(fd);
  // A connection that never sends a byte is closed the same way.
  fd = ConnectTcp("127.0.0.1", s.port());
  EXPECT_EQ(ReadUntilClose(fd, 10000), "");
  EXPECT_TRUE(PeerClosed(fd, 0));
  ::close(fd);
  EXPECT_TRUE(Eventually([&] { return s.metrics.open_connections() == 0; }));
}

TEST(ServerTest, MaxConnectionsAnswers503) {
  ServerOptions o = TestOptions();
  o.max_connections = 2;
  RunningServer s(o);
  HttpClient a("127.0.0.1", s.port()), b("127.0.0.1", s.port());
  ASSERT_EQ(a.Get("/hello").status, 200);
  ASSERT_EQ(b.Get("/hello").status, 200);

  HttpClient c("127.0.0.1", s.port());
  HttpResponse refused = c.Get("/hello");
  EXPECT_EQ(refused.status, 503) << refused.body;
  EXPECT_EQ(refused.Header("retry-after"), "1");
  EXPECT_EQ(refused.Header("connection"), "close");
  EXPECT_NE(refused.body.find(R"("code":"unavailable")"), std::string::npos) << refused.body;
  EXPECT_NE(s.metrics.Render().find(R"(fupin_http_rejections_total{reason="max_connections"} 1)"),
            std::string::npos);

  a.Close();
  ASSERT_TRUE(Eventually([&] { return s.metrics.open_connections() < 2; }));
  EXPECT_EQ(c.Get("/hello").status, 200);
  EXPECT_EQ(b.Get("/hello").status, 200);
}

TEST(ServerTest, ClientsDisconnectingMidRequestOrMidAnswerAreDropped) {
  RunningServer s;
  // Mid-header, mid-body, and before a slow answer is written.
  int fd = ConnectTcp("127.0.0.1", s.port());
  SendAll(fd, "GET /hello HTTP/1.1\r\nHo");
  ::close(fd);
  fd = ConnectTcp("127.0.0.1", s.port());
  SendAll(fd, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n0123456789");
  ::close(fd);
  fd = ConnectTcp("127.0.0.1", s.port());
  SendAll(fd, "GET /slow?ms=200 HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(Eventually([&] { return s.dispatcher.started.load(); }));
  linger reset{1, 0};  // close with a reset, the rudest way
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
  ::close(fd);

  HttpClient client("127.0.0.1", s.port());
  HttpResponse r = client.Get("/hello");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(Eventually([&] { return s.metrics.open_connections() == 1; }));
  EXPECT_EQ(client.Get("/hello").status, 200);
}

TEST(ServerTest, ManyIdleAndSlowClientsDoNotDelayOthers) {
  ServerOptions o = TestOptions();
  o.request_timeout = 2s;
  RunningServer s(o);

  std::vector<int> idle;
  for (int i = 0; i < 1000; ++i) {
    int fd = ConnectTcp("127.0.0.1", s.port());
    ASSERT_GE(fd, 0) << "connection " << i;
    idle.push_back(fd);
  }
  std::vector<int> slow;
  for (int i = 0; i < 200; ++i) {
    int fd = ConnectTcp("127.0.0.1", s.port());
    ASSERT_GE(fd, 0);
    ASSERT_TRUE(SendAll(fd, "G"));
    slow.push_back(fd);
  }
  std::atomic<bool> trickling{true};
  std::thread trickle([&] {
    // One more byte per second on each slow connection, until they are answered.
    const std::string request = "GET /hello HTTP/1.1\r\nHost: x\r\n";
    for (size_t next = 1; trickling.load() && next < request.size(); ++next) {
      for (int i = 0; i < 10 && trickling.load(); ++i) std::this_thread::sleep_for(100ms);
      for (int fd : slow) SendAll(fd, request.substr(next, 1));
    }
  });

  HttpClient client("127.0.0.1", s.port());
  HttpResponse r = client.Get("/hello");
  ASSERT_EQ(r.status, 200) << r.body;
  // Answered while every slow client is still waiting for its deadline.
  int slow_answered = 0;
  for (int fd : slow) slow_answered += Readable(fd) ? 1 : 0;
  EXPECT_EQ(slow_answered, 0);
  EXPECT_GE(s.metrics.open_connections(), 1201);

  // Then each slow client gets its 408, and the idle ones are left alone.
  int timeouts = 0;
  for (int fd : slow) {
    std::string answer = ReadUntilClose(fd, 10000);
    timeouts += answer.starts_with("HTTP/1.1 408 ") ? 1 : 0;
  }
  trickling.store(false);
  trickle.join();
  EXPECT_EQ(timeouts, 200);
  int idle_closed = 0;
  for (int fd : idle) idle_closed += PeerClosed(fd, 0) ? 1 : 0;
  EXPECT_EQ(idle_closed, 0);
  EXPECT_EQ(client.Get("/hello").status, 200);

  for (int fd : slow) ::close(fd);
  // Shutdown closes the idle connections at once.
  s.Stop();
  idle_closed = 0;
  for (int fd : idle) {
    idle_closed += PeerClosed(fd, 1000) ? 1 : 0;
    ::close(fd);
  }
  EXPECT_EQ(idle_closed, 1000);
}

TEST(ServerTest, ShutdownFinishesTheRequestInFlight) {
  RunningServer s;
  // An idle keep-alive connection, and one in the middle of sending its request.
  HttpClient idle("127.0.0.1", s.port());
  ASSERT_EQ(idle.Get("/hello").status, 200);
  int partial = ConnectTcp("127.0.0.1", s.port());
  ASSERT_TRUE(SendAll(partial, "GET /hello HTTP/1.1\r\nHost"));

  std::future<HttpResponse> slow = std::async(std::launch::async, [&] {
    HttpClient client("127.0.0.1", s.port());
    return client.Get("/slow?ms=500");
  });
  ASSERT_TRUE(Eventually([&] { return s.dispatcher.started.load(); }));
  s.Stop();  // returns only once Run() has returned

  HttpResponse r = slow.get();
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, R"({"slow":true})");
  EXPECT_EQ(r.Header("connection"), "close");
  EXPECT_EQ(ReadUntilClose(partial, 1000), "");  // closed without an answer
  EXPECT_TRUE(PeerClosed(partial, 0));
  ::close(partial);
  EXPECT_EQ(s.metrics.open_connections(), 0);
}

TEST(ServerTest, OneIoThreadIsNotBlockedByASlowHandler) {
  ServerOptions o = TestOptions();
  o.io_threads = 1;
  RunningServer s(o);
  std::future<HttpResponse> slow = std::async(std::launch::async, [&] {
    HttpClient client("127.0.0.1", s.port());
    return client.Get("/slow?ms=1000");
  });
  ASSERT_TRUE(Eventually([&] { return s.dispatcher.started.load(); }));
  HttpClient client("127.0.0.1", s.port());
  for (int i = 0; i < 20; ++i) ASSERT_EQ(client.Get("/hello").status, 200);
  // Answered on the one I/O thread while the slow handler still holds a worker.
  EXPECT_EQ(slow.wait_for(0s), std::future_status::timeout);
  EXPECT_EQ(slow.get().status, 200);
}

TEST(ServerTest, ShutdownOnSignalsStopsOnSigterm) {
  Metrics metrics;
  TestDispatcher dispatcher;
  Server server(TestOptions(), dispatcher, metrics);
  ASSERT_TRUE(server.Listen().ok());
  server.ShutdownOnSignals();
  std::promise<void> stopped;
  std::future<void> stopped_future = stopped.get_future();
  std::thread runner([&] {
    server.Run();
    stopped.set_value();
  });
  HttpClient client("127.0.0.1", server.port());
  ASSERT_EQ(client.Get("/hello").status, 200);
  std::raise(SIGTERM);
  if (stopped_future.wait_for(15s) != std::future_status::ready) {
    ADD_FAILURE() << "Run() did not return after SIGTERM";
    std::_Exit(1);
  }
  runner.join();
}

TEST(ServerTest, ShutdownBeforeRunAndTwice) {
  Metrics metrics;
  TestDispatcher dispatcher;
  Server server(TestOptions(), dispatcher, metrics);
  ASSERT_TRUE(server.Listen().ok());
  server.Shutdown();
  server.Shutdown();
  server.Run();  // returns at once
  SUCCEED();
}

TEST(ServerTest, ListenErrorsNameTheAddress) {
  RunningServer s;
  ServerOptions o = TestOptions();
  o.port = s.port();
  Metrics metrics;
  TestDispatcher dispatcher;
  Server second(o, dispatcher, metrics);
  Status taken = second.Listen();
  ASSERT_FALSE(taken.ok());
  EXPECT_EQ(taken.error().code, ErrorCode::kUnavailable);
  EXPECT_TRUE(taken.error().message.starts_with("cannot listen on 127.0.0.1:" + std::to_string(s.port()) + ": "))
      << taken.error().message;

  o.host = "192.0.2.1";  // TEST-NET-1: an address this machine does not have
  o.port = 0;
  Server third(o, dispatcher, metrics);
  Status foreign = third.Listen();
  ASSERT_FALSE(foreign.ok());
  EXPECT_TRUE(foreign.error().message.starts_with("cannot listen on 192.0.2.1:0: ")) << foreign.error().message;
  EXPECT_NE(s.port(), 0);
}

TEST(ServerTest, MetricsCountAnsweredRequests) {
  RunningServer s;
  HttpClient client("127.0.0.1", s.port());
  client.Get("/hello");
  client.Get("/hello");
  client.Request("HEAD", "/hello");
  client.Get("/missing");
  // Recorded once the answer is written, so possibly just after the client has read it.
  const std::string want[] = {
      R"(fupin_http_requests_total{route="/hello",method="GET",status="200"} 2)",
      R"(fupin_http_requests_total{route="/hello",method="HEAD",status="200"} 1)",
      R"(fupin_http_requests_total{route="unmatched",method="GET",status="404"} 1)",
      R"(fupin_http_request_duration_seconds_count{route="/hello"} 3)",
  };
  std::string text;
  EXPECT_TRUE(Eventually([&] {
    text = s.metrics.Render();
    for (const std::string& line : want) {
      if (text.find(line + "\n") == std::string::npos) return false;
    }
    return true;
  })) << text;
}

}  // namespace
}  // namespace fupin::http
