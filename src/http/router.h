#pragma once
// Maps (method, path) to a route. Patterns are literal segments and `{name}`
// segments that match one non-empty segment: "/api/v1/regions/{code}".
// Literal segments win over parameters. Built once at start-up, then
// read-only (safe to share across threads).
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fupin::http {

using PathParams = std::vector<std::pair<std::string, std::string>>;

template <typename Route>
class Router {
 public:
  struct Entry {
    std::string method;
    std::string pattern;
    Route route;
  };

  void Add(std::string method, std::string pattern, Route route) {
    entries_.push_back(Entry{std::move(method), std::move(pattern), std::move(route)});
  }

  enum class Outcome { kFound, kNoPath, kNoMethod };
  struct Match {
    Outcome outcome = Outcome::kNoPath;
    const Entry* entry = nullptr;
    PathParams params;
    std::string allow;  // for kNoMethod: "GET, POST"
  };

  Match Find(std::string_view method, std::string_view path) const {
    Match best;
    int best_literals = -1;
    for (const Entry& e : entries_) {
      PathParams params;
      int literals = 0;
      if (!MatchPattern(e.pattern, path, params, literals)) continue;
      if (e.method != method) {
        if (best.outcome != Outcome::kFound) {
          best.outcome = Outcome::kNoMethod;
          if (best.allow.find(e.method) == std::string::npos) {
            if (!best.allow.empty()) best.allow += ", ";
            best.allow += e.method;
          }
        }
        continue;
      }
      if (literals > best_literals) {
        best_literals = literals;
        best.outcome = Outcome::kFound;
        best.entry = &e;
        best.params = std::move(params);
      }
    }
    return best;
  }

  const std::vector<Entry>& entries() const { return entries_; }

 private:
  static bool MatchPattern(std::string_view pattern, std::string_view path, PathParams& params, int& literals) {
    size_t pi = 0, si = 0;
    while (pi < pattern.size() || si < path.size()) {
      if (pi >= pattern.size() || si >= path.size()) return false;
      if (pattern[pi] != '/' || path[si] != '/') return false;
      ++pi;
      ++si;
      size_t pe = pattern.find('/', pi);
      if (pe == std::string_view::npos) pe = pattern.size();
      size_t se = path.find('/', si);
      if (se == std::string_view::npos) se = path.size();
      std::string_view pseg = pattern.substr(pi, pe - pi);
      std::string_view sseg = path.substr(si, se - si);
      if (pseg.size() >= 2 && pseg.front() == '{' && pseg.back() == '}') {
        if (sseg.empty()) return false;
        params.emplace_back(std::string(pseg.substr(1, pseg.size() - 2)), std::string(sseg));
      } else {
        if (pseg != sseg) return false;
        ++literals;
      }
      pi = pe;
      si = se;
    }
    return true;
  }

  std::vector<Entry> entries_;
};

}  // namespace fupin::http
