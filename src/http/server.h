#pragma once
// The HTTP/1.1 server (Boost.Beast on Asio, C++20 coroutines; the only file
// that includes Beast is server.cc).
//
// Connections are served by `io_threads` threads without ever blocking them:
// reading, writing and timeouts are asynchronous, so a slow or idle client
// costs a socket and a few kilobytes, never a thread. Each complete request is
// handed to the Dispatcher on a separate pool of `worker_threads` threads,
// where handlers may block on the database; the connection waits for the
// answer asynchronously.
//
// Limits (answered, then the connection is closed; other clients are not
// affected):
//   header larger than max_header_bytes            → 431
//   body larger than max_body_bytes                → 413
//   request not received within request_timeout    → 408
//   more than max_connections open                 → 503 (the new connection)
//   no new request within idle_timeout on keep-alive → closed silently
// Responses are gzipped when the client sends Accept-Encoding: gzip, the
// response is compressible and its body is at least 512 bytes.
//
// Timing: a connection may wait idle_timeout for the first byte of a request
// (new connections too); from that byte, or from the end of the previous
// response when the request was already pipelined, the whole request must
// arrive within request_timeout, however slowly it trickles in. Responses are
// written within max(request_timeout, idle_timeout) or the connection is dropped.
//
// HEAD is answered as GET without the body: the Dispatcher sees "GET".
// Errors answered by the server itself carry the project's error body,
// {"error":{"code":"payload_too_large","message":"…"}}, with the codes
// header_too_large (431), payload_too_large (413), request_timeout (408),
// unavailable (503, with Retry-After), bad_request (400: not parsable HTTP/1.x)
// and internal (500: the Dispatcher threw).
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "base/result.h"
#include "http/message.h"

namespace fupin::http {

class Metrics;

// Answers one request. Called on a worker thread; may block; must not throw
// (an escaped exception is answered 500 and logged).
class Dispatcher {
 public:
  virtual ~Dispatcher() = default;
  virtual Response Handle(Request& request) = 0;
};

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;  // 0: an ephemeral port (see Server::port())
  int io_threads = 2;
  int worker_threads = 4;
  size_t max_header_bytes = 16 * 1024;
  size_t max_body_bytes = 1024 * 1024;
  std::chrono::milliseconds request_timeout{15000};
  std::chrono::milliseconds idle_timeout{60000};
  int max_connections = 10000;
};

class Server {
 public:
  // `dispatcher` and `metrics` are borrowed and must outlive the server.
  Server(ServerOptions options, Dispatcher& dispatcher, Metrics& metrics);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens. kUnavailable naming the address when it cannot bind.
  Status Listen();
  // The port bound (useful with port 0). Valid after Listen().
  uint16_t port() const;

  // Serves until Shutdown(): runs the I/O threads and the worker pool and
  // returns when every connection is closed. Call once, after Listen(); the
  // calling thread is one of the io_threads. Destroy the server only after
  // Run() returned (or when it was never called).
  void Run();

  // Graceful stop, callable from any thread (a signal handler thread
  // included): stops accepting, lets requests in flight finish and their
  // responses be written, closes idle keep-alive connections, then makes
  // Run() return.
  //
  // In detail: connections waiting for a request, and those still receiving
  // one (not yet acknowledged), are closed at once; a request already handed
  // to the Dispatcher is answered with `Connection: close`. Idempotent. It
  // only posts work to the I/O threads, so it returns at once; it is not
  // async-signal-safe (call it from a thread, e.g. one blocked in sigwait, or
  // use ShutdownOnSignals).
  void Shutdown();

  // Arms SIGINT and SIGTERM (through Asio, which installs the handlers): the
  // first of them calls Shutdown(). Call after Listen() and before Run(), at
  // most once. Do not combine with blocking those signals for a sigwait thread.
  void ShutdownOnSignals();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace fupin::http
