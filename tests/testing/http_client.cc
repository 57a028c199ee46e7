#include "testing/http_client.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "http/gzip.h"

namespace fupin::testing {
namespace {

constexpr int kReceiveTimeoutS = 30;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

HttpResponse Failure(std::string what) {
  HttpResponse r;
  r.body = std::move(what);
  return r;
}

}  // namespace

std::string HttpResponse::Header(std::string_view lower) const {
  for (const auto& [name, value] : headers) {
    if (name == lower) return value;
  }
  return "";
}

int ConnectTcp(const std::string& host, uint16_t port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  std::string service = std::to_string(port);
  if (getaddrinfo(host.c_str(), service.c_str(), &hints, &found) != 0) return -1;
  int fd = -1;
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    if (::connect(fd, a->ai_addr, a->ai_addrlen) == 0) break;
    ::close(fd);
    fd = -1;
  }
  freeaddrinfo(found);
  if (fd < 0) return -1;
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  timeval tv{kReceiveTimeoutS, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  return fd;
}

bool SendAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

std::string ReadUntilClose(int fd, int timeout_ms) {
  std::string out;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  char buf[16384];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{fd, POLLIN, 0};
    int ready = ::poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) break;
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

HttpClient::HttpClient(std::string host, uint16_t port) : host_(std::move(host)), port_(port) {}

HttpClient::~HttpClient() { Close(); }

void HttpClient::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  reused_ = false;
  buffer_.clear();
}

HttpResponse HttpClient::Get(std::string_view target, const std::vector<std::pair<std::string, std::string>>& headers) {
  return Request("GET", target, {}, headers);
}

HttpResponse HttpClient::Request(std::string_view method, std::string_view target, std::string_view body,
                                 const std::vector<std::pair<std::string, std::string>>& headers) {
  std::string request;
  request.reserve(256 + body.size());
  request.append(method).append(" ").append(target).append(" HTTP/1.1\r\n");
  request.append("Host: ").append(host_).append(":").append(std::to_string(port_)).append("\r\n");
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
    request.append("Content-Length: ").append(std::to_string(body.size())).append("\r\n");
  }
  for (const auto& [name, value] : headers) request.append(name).append(": ").append(value).append("\r\n");
  request.append("\r\n").append(body);

  bool head = method == "HEAD";
  bool retry = false;
  HttpResponse response = Attempt(request, head, retry);
  if (retry) {
    Close();
    response = Attempt(request, head, retry);
  }
  return response;
}

HttpResponse HttpClient::Attempt(const std::string& request, bool head, bool& retry) {
  retry = false;
  if (fd_ < 0) {
    fd_ = ConnectTcp(host_, port_);
    if (fd_ < 0) return Failure("cannot connect to " + host_ + ":" + std::to_string(port_) + ": " + strerror(errno));
    reused_ = false;
    buffer_.clear();
  }
  bool was_reused = reused_;
  reused_ = true;
  if (!SendAll(fd_, request)) {
    std::string error = std::string("send failed: ") + strerror(errno);
    Close();
    retry = was_reused;
    return Failure(error);
  }

  // Reads more into buffer_; false on close, error or timeout.
  auto fill = [this](std::string& error) {
    char buf[16384];
    for (;;) {
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n > 0) {
        buffer_.append(buf, static_cast<size_t>(n));
        return true;
      }
      error = n == 0 ? "connection closed by the server"
                     : (errno == EAGAIN || errno == EWOULDBLOCK ? "timed out" : std::string(strerror(errno)));
      return false;
    }
  };

  HttpResponse response;
  std::string error;
  size_t header_end;
  for (;;) {
    // The header, skipping interim 1xx answers (100 Continue).
    while ((header_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      bool nothing_yet = buffer_.empty();
      if (!fill(error)) {
        Close();
        retry = was_reused && nothing_yet;
        return Failure("no answer: " + error);
      }
    }
    std::string_view head_text(buffer_.data(), header_end);
    size_t line_end = head_text.find("\r\n");
    std::string_view status_line = head_text.substr(0, line_end);
    if (!status_line.starts_with("HTTP/1.") || status_line.size() < 12) {
      Close();
      return Failure("not an HTTP answer: " + std::string(status_line));
    }
    response.status = std::atoi(std::string(status_line.substr(9, 3)).c_str());
    response.headers.clear();
    std::string_view rest = line_end == std::string_view::npos ? std::string_view() : head_text.substr(line_end + 2);
    while (!rest.empty()) {
      size_t eol = rest.find("\r\n");
      std::string_view line = rest.substr(0, eol);
      rest = eol == std::string_view::npos ? std::string_view() : rest.substr(eol + 2);
      size_t colon = line.find(':');
      if (colon == std::string_view::npos) continue;
      response.headers.emplace_back(Lower(Trim(line.substr(0, colon))), std::string(Trim(line.substr(colon + 1))));
    }
    buffer_.erase(0, header_end + 4);
    if (response.status >= 200) break;
  }

  bool close_after = Lower(response.Header("connection")) == "close";
  std::string length = response.Header("content-length");
  bool no_body = head || response.status == 204 || response.status == 304;
  if (no_body) {
    // nothing to read
  } else if (Lower(response.Header("transfer-encoding")).find("chunked") != std::string::npos) {
    for (;;) {
      size_t eol;
      while ((eol = buffer_.find("\r\n")) == std::string::npos) {
        if (!fill(error)) {
          Close();
          return Failure("chunked body cut short: " + error);
        }
      }
      size_t size = std::strtoul(buffer_.substr(0, eol).c_str(), nullptr, 16);
      buffer_.erase(0, eol + 2);
      while (buffer_.size() < size + 2) {
        if (!fill(error)) {
          Close();
          return Failure("chunked body cut short: " + error);
        }
      }
      response.body.append(buffer_, 0, size);
      buffer_.erase(0, size + 2);
      if (size == 0) break;  // trailers are not used by our server
    }
  } else if (!length.empty()) {
    size_t n = std::strtoul(length.c_str(), nullptr, 10);
    while (buffer_.size() < n) {
      if (!fill(error)) {
        Close();
        return Failure("body cut short: " + error);
      }
    }
    response.body = buffer_.substr(0, n);
    buffer_.erase(0, n);
  } else {
    while (fill(error)) {
    }
    response.body = std::move(buffer_);
    buffer_.clear();
    close_after = true;
  }
  if (close_after) Close();

  if (Lower(response.Header("content-encoding")) == "gzip") {
    Result<std::string> plain = http::Gunzip(response.body);
    if (!plain) return Failure("bad gzip body: " + plain.error().message);
    response.body = std::move(*plain);
  }
  return response;
}

}  // namespace fupin::testing
