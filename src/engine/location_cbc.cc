#include "engine/location_cbc.h"

#include <Cbc_C_Interface.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <vector>

#include "engine/location_common.h"

namespace fupin::engine::detail {
namespace {

constexpr double kInfinity = 1e30;  // CBC's "no bound" (COIN_DBL_MAX would do too)

// A model as compressed columns: rows are declared first, then each column
// with its entries.
class ModelBuilder {
 public:
  int AddRow(double lower, double upper) {
    row_lower_.push_back(lower);
    row_upper_.push_back(upper);
    return static_cast<int>(row_lower_.size()) - 1;
  }
  int AddColumn(double lower, double upper, double objective, bool integer) {
    if (start_.empty()) start_.push_back(0);
    start_.push_back(start_.back());
    col_lower_.push_back(lower);
    col_upper_.push_back(upper);
    objective_.push_back(objective);
    int col = static_cast<int>(col_lower_.size()) - 1;
    if (integer) integers_.push_back(col);
    return col;
  }
  // An entry of the column added last.
  void Entry(int row, double value) {
    index_.push_back(row);
    value_.push_back(value);
    ++start_.back();
  }

  struct CbcDeleter {
    void operator()(Cbc_Model* model) const { Cbc_deleteModel(model); }
  };
  using CbcPtr = std::unique_ptr<Cbc_Model, CbcDeleter>;

  CbcPtr Load() const {
    CbcPtr model(Cbc_newModel());
    int cols = static_cast<int>(col_lower_.size());
    int rows = static_cast<int>(row_lower_.size());
    Cbc_loadProblem(model.get(), cols, rows, start_.data(), index_.data(), value_.data(), col_lower_.data(),
                    col_upper_.data(), objective_.data(), row_lower_.data(), row_upper_.data());
    for (int col : integers_) Cbc_setInteger(model.get(), col);
    return model;
  }

 private:
  std::vector<CoinBigIndex> start_;
  std::vector<int> index_;
  std::vector<double> value_;
  std::vector<double> col_lower_, col_upper_, objective_;
  std::vector<double> row_lower_, row_upper_;
  std::vector<int> integers_;
};

struct Pair {
  int client, site;
};

// One CBC run of one model. `reach` (uncapacitated p-median only; empty: every
// pair) limits client c's assignment variables to the sites within reach[c];
// a slack variable then stands for "farther", priced at the next distance.
struct ModelRun {
  CbcOutcome outcome;
  int64_t model_objective = 0;  // CBC's objective of its solution (in the problem's sense)
  bool model_proven = false;
};

ModelRun RunModel(const LocationProblem& pr, const std::vector<int64_t>& reach, double time_limit_s,
                  const LocationSolution* start) {
  const int n = pr.clients, m = pr.sites;
  const bool capacitated = IsCapacitated(pr);
  const bool covering = IsCovering(pr);
  const bool reduced = !reach.empty();
  // Max covering maximises: the model minimises the negated covered weight.
  const double sense = Maximises(pr) ? -1.0 : 1.0;
  // The assignment variables: every pair (or those within reach) for p-median,
  // the covering pairs for the covering models (none for uncapacitated
  // covering, which needs no x).
  const bool with_x = pr.objective == LocationObjective::kPMedian || capacitated;
  std::vector<Pair> pairs;
  std::vector<std::vector<int>> pairs_of_site(m);
  std::vector<int64_t> beyond(reduced ? n : 0, kFar);  // per client: the nearest distance beyond its reach
  if (with_x) {
    for (int c = 0; c < n; ++c) {
      for (int s = 0; s < m; ++s) {
        if (covering && !Covers(pr, c, s)) continue;
        if (reduced && Dist(pr, c, s) > reach[c]) {
          beyond[c] = std::min(beyond[c], Dist(pr, c, s));
          continue;
        }
        pairs_of_site[s].push_back(static_cast<int>(pairs.size()));
        pairs.push_back({c, s});
      }
    }
  }

  ModelBuilder model;
  // Rows. Per client: its assignment (with x) or its cover (without).
  std::vector<int> client_row(n);
  for (int c = 0; c < n; ++c) {
    if (with_x) {
      // p-median and set covering: exactly one site; max covering: at most one.
      double lower = pr.objective == LocationObjective::kMaxCovering ? -kInfinity : 1.0;
      client_row[c] = model.AddRow(lower, 1.0);
    } else if (pr.objective == LocationObjective::kMaxCovering) {
      client_row[c] = model.AddRow(-kInfinity, 0.0);  // z_c - Σ y_s ≤ 0
    } else {
      client_row[c] = model.AddRow(1.0, kInfinity);  // Σ y_s ≥ 1
    }
  }
  int link_base = 0;
  for (size_t k = 0; k < pairs.size(); ++k) {
    int row = model.AddRow(-kInfinity, 0.0);  // x_cs - y_s ≤ 0
    if (k == 0) link_base = row;
  }
  std::vector<int> capacity_row(m, -1);
  if (capacitated) {
    for (int s = 0; s < m; ++s) capacity_row[s] = model.AddRow(-kInfinity, 0.0);  // Σ w x - cap y ≤ 0
  }
  int count_row = -1;
  if (pr.objective != LocationObjective::kSetCovering) count_row = model.AddRow(pr.p, pr.p);

  // Columns: y_s first (column s), then x, then z or the slacks.
  for (int s = 0; s < m; ++s) {
    double objective = pr.objective == LocationObjective::kSetCovering ? static_cast<double>(OpeningCostOf(pr, s)) : 0;
    model.AddColumn(IsFixed(pr, s) ? 1.0 : 0.0, 1.0, objective, true);
    if (!with_x) {
      double coefficient = pr.objective == LocationObjective::kMaxCovering ? -1.0 : 1.0;
      for (int c = 0; c < n; ++c) {
        if (Covers(pr, c, s)) model.Entry(client_row[c], coefficient);
      }
    }
    for (int k : pairs_of_site[s]) model.Entry(link_base + k, -1.0);
    if (capacitated) model.Entry(capacity_row[s], -static_cast<double>(pr.capacity[s]));
    if (count_row >= 0) model.Entry(count_row, 1.0);
  }
  const int first_x = m;
  for (size_t k = 0; k < pairs.size(); ++k) {
    const Pair& pair = pairs[k];
    double w = static_cast<double>(WeightOf(pr, pair.client));
    double objective = pr.objective == LocationObjective::kPMedian
                           ? w * static_cast<double>(Dist(pr, pair.client, pair.site))
                           : (pr.objective == LocationObjective::kMaxCovering ? -w : 0.0);
    model.AddColumn(0.0, 1.0, objective, capacitated);
    model.Entry(client_row[pair.client], 1.0);
    model.Entry(link_base + static_cast<int>(k), 1.0);
    if (capacitated) model.Entry(capacity_row[pair.site], w);
  }
  if (!with_x && pr.objective == LocationObjective::kMaxCovering) {
    for (int c = 0; c < n; ++c) {
      model.AddColumn(0.0, 1.0, -static_cast<double>(WeightOf(pr, c)), false);
      model.Entry(client_row[c], 1.0);
    }
  }
  for (int c = 0; c < static_cast<int>(beyond.size()); ++c) {
    if (beyond[c] == kFar) continue;  // every site is within reach
    model.AddColumn(0.0, 1.0, static_cast<double>(WeightOf(pr, c)) * static_cast<double>(beyond[c]), false);
    model.Entry(client_row[c], 1.0);
  }

  auto cbc = model.Load();
  Cbc_setLogLevel(cbc.get(), 0);
  Cbc_setMaximumSeconds(cbc.get(), std::max(0.01, time_limit_s));
  // The limit is wall-clock time (CBC counts processor time by default).
  Cbc_setParameter(cbc.get(), "timeMode", "elapsed");
  if (pr.objective == LocationObjective::kPMedian && !capacitated) {
    // Measured on OR-Library pmed6 and pmed11: presolve makes the root LP of
    // this model 6-8 times slower, and cuts and CBC's own heuristics add
    // little to its strong LP bound and our incumbent; without them pmed11 is
    // proven optimal in 7 s instead of not at all in 20 s.
    Cbc_setParameter(cbc.get(), "presolve", "off");
    Cbc_setParameter(cbc.get(), "cuts", "off");
    if (start != nullptr) Cbc_setParameter(cbc.get(), "heuristics", "off");
  }
  if (start != nullptr) {
    // A MIP start names the integer variables at 1; CBC completes the rest.
    std::vector<int> cols;
    for (int s : start->open) cols.push_back(s);
    if (capacitated) {
      for (size_t k = 0; k < pairs.size(); ++k) {
        if (start->assigned[pairs[k].client] == pairs[k].site) cols.push_back(first_x + static_cast<int>(k));
      }
    }
    std::vector<double> ones(cols.size(), 1.0);
    Cbc_setMIPStartI(cbc.get(), static_cast<int>(cols.size()), cols.data(), ones.data());
  }
  Cbc_solve(cbc.get());

  ModelRun run;
  CbcOutcome& outcome = run.outcome;
  outcome.proven_infeasible = Cbc_isProvenInfeasible(cbc.get()) != 0;
  double best_possible = Cbc_getBestPossibleObjValue(cbc.get());
  if (std::isfinite(best_possible) && std::abs(best_possible) < 1e18) {
    // Objective coefficients are integers, so the bound rounds inwards.
    outcome.has_bound = true;
    outcome.bound = sense > 0 ? static_cast<int64_t>(std::ceil(best_possible - 1e-6))
                              : static_cast<int64_t>(std::floor(-best_possible + 1e-6));
  }
  const double* x = Cbc_bestSolution(cbc.get());
  if (x == nullptr) return run;

  LocationSolution& solution = outcome.solution;
  for (int s = 0; s < m; ++s) {
    if (x[s] > 0.5) solution.open.push_back(s);
  }
  if (capacitated) {
    solution.assigned.assign(n, -1);
    for (size_t k = 0; k < pairs.size(); ++k) {
      if (x[first_x + k] > 0.5) solution.assigned[pairs[k].client] = pairs[k].site;
    }
    solution.objective = ObjectiveOf(pr, solution.open, solution.assigned);
  } else {
    AssignNearest(pr, solution);
  }
  outcome.has_solution = true;
  solution.method = "cbc";
  run.model_objective = std::llround(sense * Cbc_getObjValue(cbc.get()));
  run.model_proven = Cbc_isProvenOptimal(cbc.get()) != 0;
  return run;
}

// Uncapacitated p-median by the radius formulation's idea (J. García, M. Labbé
// and A. Marín (2011), Solving large p-median problems with a radius
// formulation, INFORMS Journal on Computing 23(4):546–556): each client gets
// assignment variables only for the sites within its reach, and a slack priced
// at the next distance beyond. Every reach gives a relaxation, so CBC's bound
// holds for the whole problem; when the exact cost of CBC's optimum equals the
// model's, it is optimal; otherwise the reach of the clients whose nearest open
// site lies beyond it grows to that site, and CBC runs again. The models stay a
// fraction of the full one, whose root LP CBC cannot interrupt.
CbcOutcome SolveReduced(const LocationProblem& pr, double time_limit_s, const LocationSolution* start) {
  const int n = pr.clients, m = pr.sites;
  Deadline deadline(time_limit_s);
  std::vector<int64_t> reach(n, 0);
  // The initial reach: the site the start assigns (so the start fits the
  // model), and at least the few nearest sites.
  const int nearest = std::min(m, 8);
  std::vector<int64_t> row(m);
  for (int c = 0; c < n; ++c) {
    for (int s = 0; s < m; ++s) row[s] = Dist(pr, c, s);
    std::nth_element(row.begin(), row.begin() + (nearest - 1), row.end());
    reach[c] = row[nearest - 1];
    if (start != nullptr) reach[c] = std::max(reach[c], Dist(pr, c, start->assigned[c]));
  }

  CbcOutcome best;
  LocationSolution incumbent;
  if (start != nullptr) incumbent = *start;
  while (true) {
    double before = deadline.RemainingSeconds();
    ModelRun run = RunModel(pr, reach, before, start != nullptr ? &incumbent : nullptr);
    double took = before - deadline.RemainingSeconds();
    const CbcOutcome& out = run.outcome;
    if (out.has_bound && (!best.has_bound || out.bound > best.bound)) {
      best.has_bound = true;
      best.bound = out.bound;
    }
    if (out.has_solution && (!best.has_solution || out.solution.objective < best.solution.objective)) {
      best.has_solution = true;
      best.solution = out.solution;
      incumbent = out.solution;
      start = &incumbent;
    }
    if (!out.has_solution || !run.model_proven) break;  // out of time: keep what we have
    // The model is solved: its optimum bounds the whole problem.
    if (!best.has_bound || run.model_objective > best.bound) {
      best.has_bound = true;
      best.bound = run.model_objective;
    }
    if (out.solution.objective == run.model_objective) {
      best.solution.proven_optimal = best.solution.objective == best.bound;
      break;
    }
    bool grown = false;
    for (int c = 0; c < n; ++c) {
      int64_t d = Dist(pr, c, out.solution.assigned[c]);
      if (d > reach[c]) {
        reach[c] = d;
        grown = true;
      }
    }
    // The next model is larger: without at least the time this one took, CBC
    // would overrun the limit in its root LP, which it does not interrupt.
    if (!grown || deadline.RemainingSeconds() < took) break;
  }
  if (best.has_solution && best.has_bound && best.solution.objective == best.bound) {
    best.solution.proven_optimal = true;
  }
  return best;
}

}  // namespace

CbcOutcome SolveWithCbc(const LocationProblem& pr, double time_limit_s, const LocationSolution* start) {
  if (pr.objective == LocationObjective::kPMedian && !IsCapacitated(pr)) {
    return SolveReduced(pr, time_limit_s, start);
  }
  ModelRun run = RunModel(pr, {}, time_limit_s, start);
  CbcOutcome outcome = run.outcome;
  if (outcome.has_solution) {
    outcome.solution.proven_optimal = run.model_proven;
    if (run.model_proven) {
      outcome.has_bound = true;
      outcome.bound = outcome.solution.objective;
    }
  }
  return outcome;
}

}  // namespace fupin::engine::detail
