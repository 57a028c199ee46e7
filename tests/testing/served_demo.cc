#include "testing/served_demo.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <regex>
#include <thread>

namespace fupin::testing {
namespace {

std::string FupinBinary() {
  const char* bin = std::getenv("FUPIN_BIN");
  return bin ? bin : "build/fupin";
}

// Reads the first line the server prints ("fupin: serving http://HOST:PORT …")
// within `timeout_ms`; "" when it does not come.
std::string ReadFirstLine(int fd, int timeout_ms) {
  std::string line;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (line.find('\n') == std::string::npos) {
    int left = static_cast<int>(
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count());
    if (left <= 0) break;
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, left) <= 0) break;
    char buf[256];
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) break;
    line.append(buf, static_cast<size_t>(n));
  }
  return line;
}

}  // namespace

Session::Session(std::string host, uint16_t port, std::string cookie, std::string csrf)
    : client_(std::move(host), port), cookie_(std::move(cookie)), csrf_(std::move(csrf)) {}

HttpResponse Session::Send(std::string_view method, std::string_view target, std::string_view body, bool with_csrf) {
  std::vector<std::pair<std::string, std::string>> headers{{"Cookie", cookie_}};
  if (with_csrf) headers.emplace_back("X-CSRF-Token", csrf_);
  if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
  return client_.Request(method, target, body, headers);
}

HttpResponse Session::Get(std::string_view target) { return Send("GET", target, {}, false); }
HttpResponse Session::Post(std::string_view target, std::string_view json) { return Send("POST", target, json, true); }
HttpResponse Session::Put(std::string_view target, std::string_view json) { return Send("PUT", target, json, true); }
HttpResponse Session::Patch(std::string_view target, std::string_view json) {
  return Send("PATCH", target, json, true);
}
HttpResponse Session::Delete(std::string_view target) { return Send("DELETE", target, {}, true); }

ServedDemo::ServedDemo(Backend backend, std::vector<std::string> extra_args)
    : db_(backend), extra_args_(std::move(extra_args)) {
  CommandResult demo = RunFupin("demo --db '" + db_.url() + "' --scale 0.01 --quiet");
  if (demo.exit_code != 0) {
    ADD_FAILURE() << "fupin demo failed: " << demo.err;
    return;
  }
  Start();
}

void ServedDemo::Start() {
  port_ = 0;
  int out[2];
  if (pipe(out) != 0) {
    ADD_FAILURE() << "pipe failed";
    return;
  }
  std::string log = dir_.File("serve.log");
  std::vector<std::string> args{FupinBinary(), "serve", "--db", db_.url(), "--listen", "127.0.0.1:0",
                                "--threads", "2", "--web", dir_.File("no-web")};
  for (const std::string& a : extra_args_) args.push_back(a);
  pid_ = fork();
  if (pid_ == 0) {
    dup2(out[1], STDOUT_FILENO);
    int err = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (err >= 0) dup2(err, STDERR_FILENO);
    close(out[0]);
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(out[1]);
  std::string line = ReadFirstLine(out[0], 60000);
  close(out[0]);
  std::smatch m;
  static const std::regex kServing(R"(http://127\.0\.0\.1:(\d+))");
  if (!std::regex_search(line, m, kServing)) {
    ADD_FAILURE() << "fupin serve did not start: " << line << "\n" << Log();
    return;
  }
  port_ = static_cast<uint16_t>(std::stoi(m[1].str()));
}

ServedDemo::~ServedDemo() {
  if (pid_ > 0) Stop();
}

int ServedDemo::Stop() {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  int status = 0;
  // A server that does not stop within 30 s is killed (and the test sees 128+9).
  for (int i = 0; i < 3000; ++i) {
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return 128 + SIGKILL;
}

void ServedDemo::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

void ServedDemo::Restart() {
  if (pid_ > 0) Stop();
  Start();
}

std::string ServedDemo::Log() const { return ReadFile(dir_.File("serve.log")); }

Session ServedDemo::SignIn(const std::string& username, const std::string& password) {
  HttpClient client = Client();
  std::string body = "{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}";
  HttpResponse r = client.Request("POST", "/api/v1/session", body, {{"Content-Type", "application/json"}});
  std::string cookie;
  std::string csrf;
  if (r.status != 200) {
    ADD_FAILURE() << "sign-in as " << username << " answered " << r.status << ": " << r.body;
  } else {
    std::string set_cookie = r.Header("set-cookie");
    cookie = set_cookie.substr(0, set_cookie.find(';'));
    static const std::regex kCsrf("\"csrf_token\":\"([^\"]+)\"");
    std::smatch m;
    if (std::regex_search(r.body, m, kCsrf)) csrf = m[1].str();
    if (cookie.empty() || csrf.empty()) ADD_FAILURE() << "sign-in gave no cookie or CSRF token: " << r.body;
  }
  return Session("127.0.0.1", port_, cookie, csrf);
}

}  // namespace fupin::testing
