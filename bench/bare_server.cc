// The ceiling for bench/http.sh: the same threading model as fupin serve
// (one io_context run by N threads, one C++20 coroutine per connection on a
// strand, beast::tcp_stream with timeouts) minus everything else: no worker
// pool, no routing, no database. It answers every request with one fixed small
// JSON body, using Beast's own parser and serializer, as a plain Beast program
// would.
//
//   fupin_bare_server --listen 127.0.0.1:8081 --threads 2
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto kUse = asio::as_tuple(asio::use_awaitable);
constexpr std::string_view kBody = R"({"code":"622901000000","name":"临夏回族自治州","level":2})";

asio::awaitable<void> Session(beast::tcp_stream stream) {
  beast::flat_buffer buffer;
  for (;;) {
    http::request<http::string_body> request;
    stream.expires_after(std::chrono::seconds(60));
    auto [read_ec, n] = co_await http::async_read(stream, buffer, request, kUse);
    if (read_ec) break;
    http::response<http::string_body> response{http::status::ok, request.version()};
    response.set(http::field::server, "bare");
    response.set(http::field::content_type, "application/json");
    response.keep_alive(request.keep_alive());
    response.body() = kBody;
    response.prepare_payload();
    stream.expires_after(std::chrono::seconds(60));
    auto [write_ec, m] = co_await http::async_write(stream, response, kUse);
    if (write_ec || !response.keep_alive()) break;
  }
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

asio::awaitable<void> Listen(asio::io_context& ioc, tcp::endpoint endpoint) {
  tcp::acceptor acceptor(co_await asio::this_coro::executor);
  acceptor.open(endpoint.protocol());
  acceptor.set_option(asio::socket_base::reuse_address(true));
  acceptor.bind(endpoint);
  acceptor.listen(asio::socket_base::max_listen_connections);
  std::fprintf(stderr, "bare server listening on %s:%u\n", endpoint.address().to_string().c_str(),
               static_cast<unsigned>(acceptor.local_endpoint().port()));
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(asio::make_strand(ioc), kUse);
    if (ec) continue;
    socket.set_option(tcp::no_delay(true), ec);
    auto executor = socket.get_executor();
    asio::co_spawn(executor, Session(beast::tcp_stream(std::move(socket))), asio::detached);
  }
}

int Usage() {
  std::fprintf(stderr, "usage: fupin_bare_server [--listen HOST:PORT] [--threads N]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string listen = "127.0.0.1:8081";
  int threads = 2;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--listen" && i + 1 < argc) {
      listen = argv[++i];
    } else if (arg == "--threads" && i + 1 < argc) {
      threads = std::atoi(argv[++i]);
    } else {
      return Usage();
    }
  }
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos || threads < 1) return Usage();
  beast::error_code ec;
  auto address = asio::ip::make_address(listen.substr(0, colon), ec);
  if (ec) return Usage();
  tcp::endpoint endpoint(address, static_cast<unsigned short>(std::atoi(listen.c_str() + colon + 1)));

  asio::io_context ioc(threads);
  // A bind failure inside the coroutine stops everything: never idle without listening.
  asio::co_spawn(ioc, Listen(ioc, endpoint), [&ioc](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      std::fprintf(stderr, "bare server: %s\n", ex.what());
    }
    std::exit(1);
  });
  asio::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&ioc](beast::error_code, int) { ioc.stop(); });
  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back([&ioc] { ioc.run(); });
  ioc.run();
  for (auto& t : pool) t.join();
  return 0;
}
