#pragma once
// The real `fupin serve`, started for one test on an ephemeral port against a
// fresh scale-0.01 demo database (SQLite or PostgreSQL), and stopped with
// SIGTERM when the fixture is destroyed. Tests talk HTTP to it.
//
// Demo accounts (password kDemoPassword), made by `fupin demo`:
//   admin    admin             622900000000 临夏回族自治州 (the prefecture)
//   official official          622900000000
//   auditor  auditor           622900000000
//   registry registry          622926000000 东乡族自治县 (Dongxiang county)
//   reviewer registry          622926000000 (a second registry clerk, to approve)
//   county   county_operator   622926000000
//   station  station_operator  622926101000 达板镇 (a township of Dongxiang)
//   outlet   outlet_operator   622926101201 上科妥村委会 (a village of 达板镇)
//   supplier supplier          622926101201
//   buyer    buyer             622900000000
//   canteen  buyer             622900000000 (the buyer of a synthetic institution, for institutional orders)
#include <sys/types.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "testing/http_client.h"
#include "testing/test_db.h"

namespace fupin::testing {

inline constexpr const char* kDemoPassword = "fupin-demo";
inline constexpr const char* kDongxiang = "622926000000";
inline constexpr const char* kDaban = "622926101000";
inline constexpr const char* kShangketuo = "622926101201";

// A signed-in client: sends the session cookie, and the CSRF token on writes.
class Session {
 public:
  Session(std::string host, uint16_t port, std::string cookie, std::string csrf);
  HttpResponse Get(std::string_view target);
  HttpResponse Post(std::string_view target, std::string_view json);
  HttpResponse Put(std::string_view target, std::string_view json);
  HttpResponse Patch(std::string_view target, std::string_view json);
  HttpResponse Delete(std::string_view target);
  // Any request, with the cookie; with the CSRF header only when `with_csrf`.
  HttpResponse Send(std::string_view method, std::string_view target, std::string_view body, bool with_csrf);
  const std::string& cookie() const { return cookie_; }  // "fupin_session=…"
  const std::string& csrf() const { return csrf_; }

 private:
  HttpClient client_;
  std::string cookie_;
  std::string csrf_;
};

class ServedDemo {
 public:
  // Builds the demo database and starts the server; fails the test (ADD_FAILURE)
  // and leaves port() == 0 when either step fails. `extra_args` go to `fupin serve`.
  explicit ServedDemo(Backend backend, std::vector<std::string> extra_args = {});
  ~ServedDemo();
  ServedDemo(const ServedDemo&) = delete;
  ServedDemo& operator=(const ServedDemo&) = delete;

  uint16_t port() const { return port_; }
  pid_t pid() const { return pid_; }
  const std::string& db_url() const { return db_.url(); }
  // A connection to the server's database, to check what a request changed.
  db::Connection& conn() { return db_.conn(); }

  HttpClient Client() const { return HttpClient("127.0.0.1", port_); }
  // POST /api/v1/session; fails the test (ADD_FAILURE) on anything but 200.
  Session SignIn(const std::string& username, const std::string& password = kDemoPassword);

  // SIGTERM and wait; returns the exit status (the exit code, or 128+signal).
  int Stop();
  // SIGKILL and wait, as a crash would end the server: no request in flight
  // gets its answer (whether its transaction committed is for the database
  // to say).
  void Kill();
  // Starts the server again on the same database (a new port), after Stop()
  // or Kill(); fails the test (ADD_FAILURE) and leaves port() == 0 when it
  // does not come up. Sessions live in the database, so they outlast it.
  void Restart();
  // Everything the server wrote to stderr so far (its log).
  std::string Log() const;

 private:
  // Starts `fupin serve` and reads its port (port_ stays 0 on failure).
  void Start();

  ScratchDb db_;
  TempDir dir_;
  std::vector<std::string> extra_args_;
  pid_t pid_ = -1;
  uint16_t port_ = 0;
};

}  // namespace fupin::testing
