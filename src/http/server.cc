// The one file that includes Beast and Asio (they take 20-30 s to compile;
// see docs/ARCHITECTURE.md). Beast contributes the tcp_stream (a socket with
// timeouts) and the HTTP/1 parser; the response is written by hand as one
// scatter-gather write of the head and the body, with no copy of the body.
#include "http/server.h"

#include <sys/resource.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdio>
#include <ctime>
#include <exception>
#include <mutex>
#include <optional>
#include <string_view>
#include <thread>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/error.hpp>

#include "base/json_writer.h"
#include "http/gzip.h"
#include "http/metrics.h"

namespace fupin::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using boost::system::error_code;

// Every asynchronous call answers (error_code, …) instead of throwing: a
// client that goes away is routine, not exceptional.
constexpr auto kUse = asio::as_tuple(asio::use_awaitable);

constexpr size_t kHeaderReadBytes = 8 * 1024;  // one read holds a typical request
constexpr size_t kBodyReadBytes = 64 * 1024;
constexpr size_t kMinGzipBytes = 512;  // below this gzip's 20-byte frame and CPU do not pay
// After an error answer, the rest of the request is read and discarded for at
// most this long, so that closing with unread data (a TCP reset) does not
// destroy the answer before the client reads it.
constexpr auto kDrainTime = std::chrono::seconds(2);
constexpr size_t kDrainMaxBytes = 64u << 20;
constexpr auto kRejectTime = std::chrono::seconds(1);  // the whole 503 exchange
constexpr std::string_view kRetryAfterSeconds = "1";
// Buffers above this are released after the request, so idle connections stay small.
constexpr size_t kKeepCapacityBytes = 64 * 1024;

void LogError(std::string_view what) {
  std::fprintf(stderr, "fupin http: %.*s\n", static_cast<int>(what.size()), what.data());
}

// The completion of every spawned coroutine: exceptions are bugs, logged.
void LogException(std::exception_ptr e) {
  if (!e) return;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    LogError(std::string("connection ended by an exception: ") + ex.what());
  } catch (...) {
    LogError("connection ended by an unknown exception");
  }
}

std::string_view Reason(int status) {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 428: return "Precondition Required";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Unknown";
  }
}

// 1xx, 204 and 304 answers never carry a body (RFC 9110 §6.4.1).
bool BodyAllowed(int status) { return status >= 200 && status != 204 && status != 304; }

void AppendUint(std::string& out, uint64_t v) {
  char buf[24];
  char* end = buf + sizeof buf;
  char* p = end;
  do {
    *--p = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  out.append(p, end);
}

// The Date header value (RFC 9110 IMF-fixdate), formatted once per second per
// thread rather than per response.
std::string_view HttpDate() {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  thread_local time_t cached_second = -1;
  thread_local char text[32];
  thread_local size_t length = 0;
  time_t now = std::time(nullptr);
  if (now != cached_second) {
    std::tm tm{};
    gmtime_r(&now, &tm);
    int n = std::snprintf(text, sizeof text, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[tm.tm_wday % 7],
                          tm.tm_mday, kMonths[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                          tm.tm_sec);
    length = n > 0 ? static_cast<size_t>(n) : 0;
    cached_second = now;
  }
  return std::string_view(text, length);
}

// The method as a metrics label: arbitrary client text would make a new time
// series per distinct string.
std::string_view MethodLabel(std::string_view method) {
  static constexpr std::string_view kKnown[] = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"};
  for (std::string_view known : kKnown) {
    if (method == known) return known;
  }
  return "OTHER";
}

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

// A complete answer of the server's own: the project's error body, then the
// connection closes.
std::string ErrorAnswer(int status, std::string_view code, std::string_view message, bool retry_after) {
  std::string body = "{\"error\":{\"code\":";
  json::AppendString(body, code);
  body += ",\"message\":";
  json::AppendString(body, message);
  body += "}}";
  std::string out = "HTTP/1.1 ";
  AppendUint(out, static_cast<uint64_t>(status));
  out += ' ';
  out += Reason(status);
  out += "\r\nServer: fupin\r\nDate: ";
  out += HttpDate();
  out += "\r\nContent-Type: application/json\r\nContent-Length: ";
  AppendUint(out, body.size());
  if (retry_after) {
    out += "\r\nRetry-After: ";
    out += kRetryAfterSeconds;
  }
  out += "\r\nConnection: close\r\n\r\n";
  out += body;
  return out;
}

// Beast's HTTP/1 parser, filling our Request directly: no Beast field
// container, and the strings of the previous request on the connection are
// reused, so a steady keep-alive connection parses without allocating.
class RequestParser final : public beast::http::basic_parser<true> {
 public:
  RequestParser(Request& request, size_t header_limit, size_t body_limit)
      : request_(request), body_limit_(body_limit) {
    this->header_limit(static_cast<std::uint32_t>(std::min<size_t>(header_limit, UINT32_MAX)));
    this->body_limit(body_limit);
    eager(true);
  }

  int version() const { return version_; }
  bool expect_continue() const { return expect_continue_; }

 private:
  void on_request_impl(beast::http::verb, beast::string_view method, beast::string_view target, int version,
                       error_code&) override {
    request_.method.assign(method);
    request_.target.assign(target);
    version_ = version;
  }

  void on_response_impl(int, beast::string_view, int, error_code&) override {}  // requests only

  void on_field_impl(beast::http::field name, beast::string_view name_string, beast::string_view value,
                     error_code&) override {
    if (header_count_ == request_.headers.size()) request_.headers.emplace_back();
    auto& [lower, text] = request_.headers[header_count_++];
    lower.resize(name_string.size());
    for (size_t i = 0; i < name_string.size(); ++i) {
      char c = name_string[i];
      lower[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
    text.assign(value);
    if (name == beast::http::field::expect && IEquals(std::string_view(value), "100-continue")) expect_continue_ = true;
  }

  void on_header_impl(error_code&) override { request_.headers.resize(header_count_); }

  void on_body_init_impl(const boost::optional<std::uint64_t>& content_length, error_code&) override {
    if (content_length) request_.body.reserve(std::min<uint64_t>(*content_length, body_limit_));
  }

  size_t on_body_impl(beast::string_view body, error_code&) override {
    request_.body.append(body);
    return body.size();
  }

  void on_chunk_header_impl(std::uint64_t, beast::string_view, error_code&) override {}

  size_t on_chunk_body_impl(std::uint64_t, beast::string_view body, error_code&) override {
    request_.body.append(body);
    return body.size();
  }

  void on_finish_impl(error_code&) override {}

  Request& request_;
  size_t body_limit_;
  size_t header_count_ = 0;
  int version_ = 11;
  bool expect_continue_ = false;
};

// Splits the target into the decoded path and query parameters.
void FillPathAndQuery(Request& request) {
  std::string_view target = request.target;
  if (!target.empty() && target[0] != '/') {
    // absolute-form ("http://host/path?q", RFC 9112 §3.2.2) or "*"
    size_t scheme = target.find("://");
    if (scheme != std::string_view::npos) {
      size_t slash = target.find('/', scheme + 3);
      target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
    }
  }
  size_t question = target.find('?');
  request.path = PercentDecode(target.substr(0, question), false);
  if (question == std::string_view::npos) {
    request.query.clear();
  } else {
    request.query = ParseQuery(target.substr(question + 1));
  }
}

class Connection;

// What connections share with the server. (Server::Impl is private to
// Server, so connections see this part of it only.)
struct ServerCore {
  ServerCore(ServerOptions o, Dispatcher& d, Metrics& m)
      : options(std::move(o)),
        dispatcher(d),
        metrics(m),
        write_timeout(std::max(options.request_timeout, options.idle_timeout)),
        ioc(std::max(1, options.io_threads)),
        pool(static_cast<size_t>(std::max(1, options.worker_threads))) {}

  void Register(Connection* c) {
    std::lock_guard lock(registry_mutex);
    registry.push_back(c);
  }

  void Unregister(Connection* c) {
    std::lock_guard lock(registry_mutex);
    auto it = std::find(registry.begin(), registry.end(), c);
    if (it != registry.end()) {
      *it = registry.back();
      registry.pop_back();
    }
  }

  // Declared before `ioc`, so destroyed after it: coroutine frames destroyed
  // with `ioc` still reach the registry and the metrics.
  ServerOptions options;
  Dispatcher& dispatcher;
  Metrics& metrics;
  std::chrono::milliseconds write_timeout;
  std::atomic<bool> stopping{false};
  std::atomic<int> open_connections{0};
  std::mutex registry_mutex;  // taken when a connection opens or closes, never per request
  std::vector<Connection*> registry;

  asio::io_context ioc;
  asio::thread_pool pool;
};

// One client connection: a coroutine that reads a request, hands it to the
// worker pool, writes the answer, and starts over. Every member is touched
// only on the connection's executor (a strand), except request_, response_
// and the out_* fields, which the worker thread owns while the coroutine
// waits for it.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(ServerCore& server, tcp::socket socket)
      : server_(server), stream_(std::move(socket)), deadline_(stream_.get_executor()) {
    server_.open_connections.fetch_add(1, std::memory_order_relaxed);
    server_.metrics.ConnectionOpened();
  }

  ~Connection() {
    server_.Unregister(this);
    server_.metrics.ConnectionClosed();
    server_.open_connections.fetch_sub(1, std::memory_order_relaxed);
  }

  asio::any_io_executor executor() { return stream_.get_executor(); }

  static asio::awaitable<void> Serve(std::shared_ptr<Connection> self) { co_await self->Loop(); }

  // Shutdown: on the connection's executor. A connection waiting for or
  // receiving a request is cancelled now; one whose request is being handled
  // or answered finishes and then closes (Loop checks Stopping()).
  void Stop() {
    stopping_ = true;
    if (phase_ == Phase::kIdle || phase_ == Phase::kReading) {
      error_code ignored;
      stream_.socket().cancel(ignored);
    }
  }

 private:
  enum class Phase { kIdle, kReading, kHandling, kWriting };
  enum class ReadResult { kComplete, kClosed, kHeaderTooLarge, kBodyTooLarge, kTimeout, kBadRequest };

  bool Stopping() const { return stopping_ || server_.stopping.load(std::memory_order_relaxed); }

  // Runs the Dispatcher on the worker pool and resumes the coroutine on the
  // connection's executor (the completion is posted back to the executor
  // associated with the awaiting handler, i.e. the connection's strand).
  template <typename CompletionToken>
  auto HandleOnWorker(CompletionToken&& token) {
    return asio::async_initiate<CompletionToken, void()>(
        [this](auto handler) {
          asio::post(server_.pool, [this, handler = std::move(handler)]() mutable {
            Handle();
            auto executor = asio::get_associated_executor(handler);
            asio::post(executor, std::move(handler));
          });
        },
        token);
  }

  asio::awaitable<void> Loop() {
    // Registered here, not in the constructor: Shutdown() reads
    // weak_from_this(), which is set only once make_shared has returned.
    server_.Register(this);
    error_code ec;
    stream_.socket().set_option(tcp::no_delay(true), ec);
    tcp::endpoint peer = stream_.socket().remote_endpoint(ec);
    if (!ec) remote_address_ = peer.address().to_string();

    for (;;) {
      phase_ = Phase::kIdle;
      if (Stopping()) break;
      if (buffer_.size() == 0) {
        stream_.expires_after(server_.options.idle_timeout);
        auto [read_ec, n] = co_await stream_.async_read_some(buffer_.prepare(kHeaderReadBytes), kUse);
        // Closed by the client, idle timeout (tcp_stream closed the socket),
        // or Stop(): all end the connection without an answer.
        if (read_ec) break;
        buffer_.commit(n);
      }
      request_start_ = Clock::now();
      if (Stopping()) break;  // a request begun after shutdown started is not taken

      phase_ = Phase::kReading;
      ReadResult result = co_await ReadRequest();
      if (result == ReadResult::kClosed) break;
      if (result != ReadResult::kComplete) {
        co_await AnswerErrorAndClose(result);
        co_return;
      }
      Clock::time_point read_done = Clock::now();

      phase_ = Phase::kHandling;
      co_await HandleOnWorker(asio::use_awaitable);

      phase_ = Phase::kWriting;
      bool keep_alive = parser_->keep_alive() && !Stopping();
      BuildHead(keep_alive);
      std::string_view body;
      if (!head_request_ && BodyAllowed(response_.status)) body = *out_body_;
      std::array<asio::const_buffer, 2> buffers{asio::buffer(head_), asio::buffer(body.data(), body.size())};
      stream_.expires_after(server_.write_timeout);
      auto [write_ec, written] = co_await asio::async_write(stream_, buffers, kUse);
      server_.metrics.RecordRequest(response_.route, MethodLabel(method_), response_.status,
                                    std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - read_done)
                                        .count());
      ReleaseLargeBuffers();
      if (write_ec) co_return;  // the client went away mid-answer: dropped
      if (!keep_alive) {
        co_await CloseGracefully(buffer_.size() > 0);
        co_return;
      }
    }
    error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.socket().close(ignored);
  }

  // Reads until one whole request is parsed, within request_timeout of
  // request_start_ (which Loop set at the first byte).
  asio::awaitable<ReadResult> ReadRequest() {
    request_.body.clear();
    request_.remote_address = remote_address_;
    parser_.emplace(request_, server_.options.max_header_bytes, server_.options.max_body_bytes);
    ++generation_;
    timed_out_ = false;
    bool deadline_armed = false;
    bool continue_sent = false;
    ReadResult result = ReadResult::kClosed;

    for (;;) {
      error_code ec;
      size_t used = parser_->put(buffer_.data(), ec);
      buffer_.consume(used);
      if (ec == beast::http::error::need_more) ec = {};
      if (ec) {
        if (ec == beast::http::error::header_limit) {
          result = ReadResult::kHeaderTooLarge;
        } else if (ec == beast::http::error::body_limit) {
          result = ReadResult::kBodyTooLarge;
        } else {
          result = ReadResult::kBadRequest;
        }
        break;
      }
      if (parser_->is_done()) {
        result = ReadResult::kComplete;
        break;
      }
      if (used > 0 && buffer_.size() > 0) continue;  // progress: parse what is left

      // RFC 9110 §10.1.1: a client that sent Expect: 100-continue waits for this before the body.
      if (parser_->is_header_done() && parser_->expect_continue() && !continue_sent) {
        continue_sent = true;
        static constexpr std::string_view k100 = "HTTP/1.1 100 Continue\r\n\r\n";
        stream_.expires_after(server_.write_timeout);
        auto [write_ec, n] = co_await asio::async_write(stream_, asio::buffer(k100.data(), k100.size()), kUse);
        if (write_ec) break;
      }
      // The deadline is a separate timer that cancels the read rather than
      // the tcp_stream's, which would close the socket before we could answer 408.
      if (!deadline_armed) {
        deadline_armed = true;
        ArmDeadline();
      }
      stream_.expires_never();
      size_t want = parser_->is_header_done() ? kBodyReadBytes : kHeaderReadBytes;
      auto [read_ec, n] = co_await stream_.async_read_some(buffer_.prepare(want), kUse);
      if (read_ec) {
        result = timed_out_ && !Stopping() ? ReadResult::kTimeout : ReadResult::kClosed;
        break;
      }
      buffer_.commit(n);
      if (Stopping()) break;  // not acknowledged yet: closed like an idle connection
    }
    if (deadline_armed) deadline_.cancel();
    if (result == ReadResult::kComplete) {
      method_ = request_.method;
      head_request_ = request_.method == "HEAD";
      if (head_request_) request_.method = "GET";
    }
    co_return result;
  }

  void ArmDeadline() {
    deadline_.expires_at(request_start_ + server_.options.request_timeout);
    deadline_.async_wait([self = shared_from_this(), generation = generation_](error_code ec) {
      // A stale expiry (the request completed, the handler was already queued) must not cancel the next read.
      if (ec || generation != self->generation_ || self->phase_ != Phase::kReading) return;
      self->timed_out_ = true;
      error_code ignored;
      self->stream_.socket().cancel(ignored);
    });
  }

  // On a worker thread.
  void Handle() {
    FillPathAndQuery(request_);
    const std::string* accept_encoding = request_.Header("accept-encoding");
    bool accepts_gzip = accept_encoding != nullptr && AcceptsGzip(*accept_encoding);
    try {
      response_ = server_.dispatcher.Handle(request_);
    } catch (const std::exception& e) {
      LogError(std::string("handler for ") + request_.method + " " + request_.target + " threw: " + e.what());
      response_ = InternalError();
    } catch (...) {
      LogError(std::string("handler for ") + request_.method + " " + request_.target + " threw");
      response_ = InternalError();
    }
    out_body_ = &response_.body;
    out_gzip_ = false;
    if (response_.compressible && accepts_gzip && response_.body.size() >= kMinGzipBytes &&
        BodyAllowed(response_.status)) {
      if (response_.gzipped) {
        out_body_ = response_.gzipped.get();
        out_gzip_ = true;
      } else {
        gzip_body_ = Gzip(response_.body);
        if (!gzip_body_.empty() && gzip_body_.size() < response_.body.size()) {
          out_body_ = &gzip_body_;
          out_gzip_ = true;
        }
      }
    }
  }

  static Response InternalError() {
    Response r;
    r.status = 500;
    r.compressible = false;
    r.body = R"({"error":{"code":"internal","message":"The server failed to answer this request."}})";
    return r;
  }

  void BuildHead(bool keep_alive) {
    const Response& r = response_;
    head_.clear();
    head_ += "HTTP/1.1 ";
    AppendUint(head_, static_cast<uint64_t>(r.status));
    head_ += ' ';
    head_ += Reason(r.status);
    head_ += "\r\nServer: fupin\r\nDate: ";
    head_ += HttpDate();
    head_ += "\r\n";
    if (BodyAllowed(r.status)) {
      if (!r.content_type.empty()) {
        head_ += "Content-Type: ";
        head_ += r.content_type;
        head_ += "\r\n";
      }
      head_ += "Content-Length: ";
      AppendUint(head_, out_body_->size());
      head_ += "\r\n";
      if (out_gzip_) head_ += "Content-Encoding: gzip\r\n";
      if (r.compressible) head_ += "Vary: Accept-Encoding\r\n";
    }
    if (!keep_alive) {
      head_ += "Connection: close\r\n";
    } else if (parser_->version() == 10) {
      head_ += "Connection: keep-alive\r\n";
    }
    for (const auto& [name, value] : r.headers) {
      head_ += name;
      head_ += ": ";
      size_t at = head_.size();
      head_ += value;
      // A value built from user input must not end the header early (response splitting).
      for (size_t i = at; i < head_.size(); ++i) {
        if (head_[i] == '\r' || head_[i] == '\n') head_[i] = ' ';
      }
      head_ += "\r\n";
    }
    head_ += "\r\n";
  }

  void ReleaseLargeBuffers() {
    if (request_.body.capacity() > kKeepCapacityBytes) std::string().swap(request_.body);
    if (response_.body.capacity() > kKeepCapacityBytes) std::string().swap(response_.body);
    if (gzip_body_.capacity() > kKeepCapacityBytes) std::string().swap(gzip_body_);
    response_.gzipped.reset();
    if (buffer_.capacity() > kKeepCapacityBytes && buffer_.size() == 0) buffer_.shrink_to_fit();
  }

  asio::awaitable<void> AnswerErrorAndClose(ReadResult result) {
    int status = 400;
    std::string_view code = "bad_request";
    std::string_view reason = "bad_request";
    std::string message = "The request is not valid HTTP/1.1.";
    switch (result) {
      case ReadResult::kHeaderTooLarge:
        status = 431;
        code = "header_too_large";
        reason = "header";
        message = "The request header is larger than " + std::to_string(server_.options.max_header_bytes) +
                  " bytes.";
        break;
      case ReadResult::kBodyTooLarge:
        status = 413;
        code = "payload_too_large";
        reason = "body";
        message = "The request body is larger than " + std::to_string(server_.options.max_body_bytes) + " bytes.";
        break;
      case ReadResult::kTimeout:
        status = 408;
        code = "request_timeout";
        reason = "timeout";
        message = "The request was not received within " +
                  std::to_string(server_.options.request_timeout.count()) + " ms.";
        break;
      default:
        break;
    }
    server_.metrics.RecordRejection(reason);
    phase_ = Phase::kWriting;
    head_ = ErrorAnswer(status, code, message, false);
    stream_.expires_after(server_.write_timeout);
    auto [ec, n] = co_await asio::async_write(stream_, asio::buffer(head_), kUse);
    if (!ec) co_await CloseGracefully(true);
  }

  // Half-closes (the client sees the end of the answer), then, when the client
  // may still be sending, reads and discards for a bounded time: closing with
  // unread data would reset the connection and could destroy the answer.
  asio::awaitable<void> CloseGracefully(bool drain) {
    error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (!ec && !drain) drain = stream_.socket().available(ec) > 0;
    if (!ec && drain) {
      buffer_.clear();
      stream_.expires_after(kDrainTime);
      size_t drained = 0;
      while (drained < kDrainMaxBytes) {
        auto [read_ec, n] = co_await stream_.async_read_some(buffer_.prepare(kBodyReadBytes), kUse);
        if (read_ec) break;
        drained += n;
      }
    }
    stream_.socket().close(ec);
  }

  ServerCore& server_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  asio::steady_timer deadline_;
  std::optional<RequestParser> parser_;
  Request request_;
  Response response_;
  std::string gzip_body_;
  const std::string* out_body_ = nullptr;
  bool out_gzip_ = false;
  std::string head_;
  std::string method_;  // as received (HEAD stays HEAD), for metrics
  std::string remote_address_;
  bool head_request_ = false;
  Phase phase_ = Phase::kIdle;
  bool stopping_ = false;
  bool timed_out_ = false;
  uint64_t generation_ = 0;
  Clock::time_point request_start_;
};

// A connection over max_connections: answered 503 and closed, on its own
// coroutine so that the acceptor never waits for it.
asio::awaitable<void> RejectConnection(tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  std::string answer =
      ErrorAnswer(503, "unavailable", "The server has too many open connections; retry shortly.", true);
  stream.expires_after(kRejectTime);
  auto [ec, n] = co_await asio::async_write(stream, asio::buffer(answer), kUse);
  if (ec) co_return;
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  beast::flat_buffer discard;
  for (;;) {
    auto [read_ec, m] = co_await stream.async_read_some(discard.prepare(4096), kUse);
    if (read_ec) break;
  }
  stream.socket().close(ec);
}

void RaiseFileLimit() {
  // Each connection is a descriptor; the usual soft limit of 1024 would cap
  // the server far below max_connections.
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= limit.rlim_max) return;
  rlim_t wanted = limit.rlim_max;
  limit.rlim_cur = wanted;
  if (setrlimit(RLIMIT_NOFILE, &limit) != 0 && wanted == RLIM_INFINITY) {
    limit.rlim_cur = 1 << 20;  // Linux refuses infinity; nr_open is 1 Mi by default
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

}  // namespace

struct Server::Impl : ServerCore {
  Impl(ServerOptions o, Dispatcher& d, Metrics& m)
      : ServerCore(std::move(o), d, m), acceptor(asio::make_strand(ioc)) {}

  // With one I/O thread nothing runs concurrently, so a connection needs no strand.
  asio::any_io_executor ConnectionExecutor() {
    if (options.io_threads <= 1) return ioc.get_executor();
    return asio::make_strand(ioc);
  }

  asio::awaitable<void> Accept();

  bool listening = false;
  bool ran = false;
  uint16_t port = 0;
  tcp::acceptor acceptor;  // on its own strand, with `signals`
  std::optional<asio::signal_set> signals;
};

asio::awaitable<void> Server::Impl::Accept() {
  while (!stopping.load()) {
    auto [ec, socket] = co_await acceptor.async_accept(ConnectionExecutor(), kUse);
    if (ec) {
      if (stopping.load() || ec == asio::error::operation_aborted || !acceptor.is_open()) break;
      // Out of descriptors (EMFILE) or memory: pause instead of spinning; the
      // pending connection stays in the backlog until some close.
      LogError("accept failed: " + ec.message());
      asio::steady_timer pause(acceptor.get_executor(), std::chrono::milliseconds(50));
      co_await pause.async_wait(kUse);
      continue;
    }
    if (stopping.load()) {
      error_code ignored;
      socket.close(ignored);
      break;
    }
    try {
      if (open_connections.load(std::memory_order_relaxed) >= options.max_connections) {
        metrics.RecordRejection("max_connections");
        auto executor = socket.get_executor();
        asio::co_spawn(executor, RejectConnection(std::move(socket)), LogException);
        continue;
      }
      auto connection = std::make_shared<Connection>(*this, std::move(socket));
      asio::co_spawn(connection->executor(), Connection::Serve(connection), LogException);
    } catch (const std::exception& e) {
      // Out of memory for one connection must not end the accept loop for all.
      LogError(std::string("cannot serve a new connection: ") + e.what());
    }
  }
}

Server::Server(ServerOptions options, Dispatcher& dispatcher, Metrics& metrics)
    : impl_(std::make_unique<Impl>(std::move(options), dispatcher, metrics)) {}

Server::~Server() = default;

Status Server::Listen() {
  RaiseFileLimit();
  const ServerOptions& o = impl_->options;
  std::string where = o.host + ":" + std::to_string(o.port);
  error_code ec;
  tcp::endpoint endpoint;
  asio::ip::address address = asio::ip::make_address(o.host, ec);
  if (!ec) {
    endpoint = tcp::endpoint(address, o.port);
  } else {
    tcp::resolver resolver(impl_->ioc);
    auto results = resolver.resolve(o.host, std::to_string(o.port), ec);
    if (ec || results.empty()) {
      return Error::Unavailable("cannot listen on " + where + ": " +
                                (ec ? ec.message() : std::string("the host name has no address")));
    }
    endpoint = results.begin()->endpoint();
  }
  tcp::acceptor& acceptor = impl_->acceptor;
  auto fail = [&](const error_code& e) {
    error_code ignored;
    acceptor.close(ignored);
    return Error::Unavailable("cannot listen on " + where + ": " + e.message());
  };
  if (acceptor.open(endpoint.protocol(), ec); ec) return fail(ec);
  if (acceptor.set_option(asio::socket_base::reuse_address(true), ec); ec) return fail(ec);
  if (acceptor.bind(endpoint, ec); ec) return fail(ec);
  if (acceptor.listen(asio::socket_base::max_listen_connections, ec); ec) return fail(ec);
  impl_->port = acceptor.local_endpoint(ec).port();
  impl_->listening = true;
  return {};
}

uint16_t Server::port() const { return impl_->port; }

void Server::Run() {
  Impl& impl = *impl_;
  if (!impl.listening || impl.ran) return;
  impl.ran = true;
  asio::co_spawn(impl.acceptor.get_executor(), impl.Accept(), LogException);
  auto run = [&impl] {
    for (;;) {
      try {
        impl.ioc.run();
        return;
      } catch (const std::exception& e) {
        LogError(std::string("I/O thread caught: ") + e.what());
      }
    }
  };
  std::vector<std::thread> threads;
  for (int i = 1; i < impl.options.io_threads; ++i) threads.emplace_back(run);
  run();
  for (auto& t : threads) t.join();
  impl.pool.join();
}

void Server::Shutdown() {
  Impl& impl = *impl_;
  if (impl.stopping.exchange(true)) return;
  asio::post(impl.acceptor.get_executor(), [&impl] {
    error_code ignored;
    impl.acceptor.close(ignored);
    if (impl.signals) impl.signals->cancel(ignored);
  });
  // Connections registered after this walk see `stopping` when they start.
  std::lock_guard lock(impl.registry_mutex);
  for (Connection* c : impl.registry) {
    asio::post(c->executor(), [weak = c->weak_from_this()] {
      if (auto connection = weak.lock()) connection->Stop();
    });
  }
}

void Server::ShutdownOnSignals() {
  Impl& impl = *impl_;
  impl.signals.emplace(impl.acceptor.get_executor(), SIGINT, SIGTERM);
  impl.signals->async_wait([this](error_code ec, int) {
    if (!ec) Shutdown();
  });
}

}  // namespace fupin::http
