#pragma once
// A small blocking HTTP/1.1 client over POSIX sockets for tests of the
// server: no Beast, so tests compile fast, and independent of the server's
// own parsing, so a shared misreading of HTTP cannot hide a bug.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fupin::testing {

struct HttpResponse {
  int status = 0;  // 0: the request failed at the socket level; body says why
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-case, in order
  std::string body;  // decoded when the answer was Content-Encoding: gzip

  // The first header named `lower`, or "".
  std::string Header(std::string_view lower) const;
};

// One keep-alive connection; reconnects when the server closed it. Every
// receive waits at most 30 s, so a broken server fails a test instead of
// hanging it. Not thread-safe: one client per thread.
class HttpClient {
 public:
  HttpClient(std::string host, uint16_t port);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends one request; `headers` are extra (name, value) pairs such as
  // {"Cookie", "fupin_session=…"}. Host and Content-Length (for a body or a
  // POST/PUT/PATCH) are added. Returns status 0 and the error in `body` on a
  // socket failure. A gzip body is decoded (Content-Encoding stays in headers).
  HttpResponse Request(std::string_view method, std::string_view target, std::string_view body = {},
                       const std::vector<std::pair<std::string, std::string>>& headers = {});
  HttpResponse Get(std::string_view target, const std::vector<std::pair<std::string, std::string>>& headers = {});
  void Close();

  // Whether a connection is open now (it stays open between keep-alive requests).
  bool connected() const { return fd_ >= 0; }

 private:
  // One attempt on the current connection; `retry` is set when it failed
  // before any answer arrived on a reused connection (the server closed it).
  HttpResponse Attempt(const std::string& request, bool head, bool& retry);

  std::string host_;
  uint16_t port_;
  int fd_ = -1;
  bool reused_ = false;  // the connection has carried a request already
  std::string buffer_;   // received bytes not yet consumed
};

// Raw socket helpers for limit tests.
// A connected TCP socket (TCP_NODELAY, 30 s receive timeout), or -1.
int ConnectTcp(const std::string& host, uint16_t port);
// Sends everything; false when the peer closed or reset the connection.
bool SendAll(int fd, std::string_view data);
// Everything received until the peer closes, an error, or `timeout_ms` in total.
std::string ReadUntilClose(int fd, int timeout_ms);

}  // namespace fupin::testing
