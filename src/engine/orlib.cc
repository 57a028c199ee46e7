#include "engine/orlib.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <limits>
#include <queue>
#include <string>
#include <utility>
#include <vector>

#include "base/text.h"

namespace fupin::engine {
namespace {

// Edge costs above this are refused, so that no shortest path can overflow.
constexpr int64_t kMaxEdgeCost = 1'000'000'000;

std::vector<std::string_view> Tokens(std::string_view line) {
  std::vector<std::string_view> tokens;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
    size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') ++i;
    if (i > start) tokens.push_back(line.substr(start, i - start));
  }
  return tokens;
}

Error LineError(int64_t line, const std::string& reason) {
  return Error::Invalid(fmt::format("line {}: {}", line, reason), fmt::format("line {}", line));
}

struct Edge {
  int a = 0, b = 0;  // 0-based, a < b
  int64_t cost = 0;
};

}  // namespace

Result<LocationProblem> ParseOrLibPMedian(std::string_view text) {
  int64_t n = 0, m = 0, p = 0;
  bool have_header = false;
  std::vector<Edge> edges;  // in file order
  int64_t line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    std::vector<std::string_view> tokens = Tokens(line);
    if (tokens.empty()) continue;
    std::vector<int64_t> values;
    for (std::string_view token : tokens) {
      Result<int64_t> v = text::ParseInt64(token);
      if (!v) return LineError(line_no, v.error().message);
      values.push_back(*v);
    }
    if (!have_header) {
      if (values.size() != 3) {
        return LineError(
            line_no, fmt::format("the header must be three whole numbers 'vertices edges p'; found {}", values.size()));
      }
      n = values[0];
      m = values[1];
      p = values[2];
      if (n < 1 || n > kOrLibMaxVertices) {
        return LineError(line_no,
                         fmt::format("the number of vertices must be between 1 and {}; got {}", kOrLibMaxVertices, n));
      }
      if (m < 0) return LineError(line_no, fmt::format("the number of edges is negative: {}", m));
      if (p < 1 || p > n) {
        return LineError(line_no, fmt::format("p must be between 1 and the {} vertices; got {}", n, p));
      }
      have_header = true;
      continue;
    }
    if (static_cast<int64_t>(edges.size()) == m) {
      return LineError(line_no, fmt::format("more edges than the {} the header announces", m));
    }
    if (values.size() != 3) {
      return LineError(line_no, fmt::format("an edge must be three whole numbers 'i j cost'; found {}", values.size()));
    }
    for (int k = 0; k < 2; ++k) {
      if (values[k] < 1 || values[k] > n) {
        return LineError(line_no, fmt::format("vertex {} is out of range 1..{}", values[k], n));
      }
    }
    if (values[2] < 0) return LineError(line_no, fmt::format("negative cost {}", values[2]));
    if (values[2] > kMaxEdgeCost) {
      return LineError(line_no, fmt::format("cost {} is larger than {}", values[2], kMaxEdgeCost));
    }
    int a = static_cast<int>(values[0] - 1), b = static_cast<int>(values[1] - 1);
    edges.push_back(Edge{std::min(a, b), std::max(a, b), values[2]});
  }
  if (!have_header) return LineError(1, "missing the header 'vertices edges p'");
  if (static_cast<int64_t>(edges.size()) < m) {
    return LineError(line_no + 1,
                     fmt::format("the file ends after {} of the {} edges the header announces", edges.size(), m));
  }

  // The last occurrence of a pair wins: a stable sort by pair keeps file order
  // within a pair, so the last of each run is the one to keep.
  std::stable_sort(edges.begin(), edges.end(),
                   [](const Edge& x, const Edge& y) { return std::pair(x.a, x.b) < std::pair(y.a, y.b); });
  const int vertices = static_cast<int>(n);
  std::vector<std::vector<std::pair<int, int64_t>>> adjacent(vertices);
  for (size_t k = 0; k < edges.size(); ++k) {
    const Edge& e = edges[k];
    bool last_of_pair = k + 1 == edges.size() || edges[k + 1].a != e.a || edges[k + 1].b != e.b;
    if (!last_of_pair || e.a == e.b) continue;  // a loop never shortens a path
    adjacent[e.a].push_back({e.b, e.cost});
    adjacent[e.b].push_back({e.a, e.cost});
  }

  LocationProblem problem;
  problem.clients = vertices;
  problem.sites = vertices;
  problem.p = static_cast<int>(p);
  problem.objective = LocationObjective::kPMedian;
  const int64_t kUnreached = std::numeric_limits<int64_t>::max();
  problem.distance.assign(static_cast<size_t>(vertices) * vertices, kUnreached);
  // Dijkstra from every vertex: the graphs are sparse, so this beats Floyd–Warshall.
  using Item = std::pair<int64_t, int>;
  for (int source = 0; source < vertices; ++source) {
    int64_t* row = &problem.distance[static_cast<size_t>(source) * vertices];
    std::priority_queue<Item, std::vector<Item>, std::greater<Item>> queue;
    row[source] = 0;
    queue.push({0, source});
    while (!queue.empty()) {
      auto [d, v] = queue.top();
      queue.pop();
      if (d > row[v]) continue;
      for (auto [u, cost] : adjacent[v]) {
        if (d + cost < row[u]) {
          row[u] = d + cost;
          queue.push({row[u], u});
        }
      }
    }
    if (source == 0) {
      for (int v = 0; v < vertices; ++v) {
        if (row[v] == kUnreached) return Error::Invalid(fmt::format("vertex {} is unreachable from vertex 1", v + 1));
      }
    }
  }
  return problem;
}

}  // namespace fupin::engine
