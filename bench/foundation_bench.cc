// Micro-benchmarks of the foundation's pure parts, linked against the library:
// the demo plan, CSV parsing, and the region tree. Run: build/fupin_bench
// (results in docs/BENCHMARKS.md). The end-to-end commands are timed by
// bench/run.sh.
#include <benchmark/benchmark.h>

#include <string>

#include "base/csv.h"
#include "base/embedded_data.h"
#include "demo/plan.h"
#include "demo/scenario.h"
#include "regions/loader.h"
#include "regions/tree.h"

namespace {

fupin::regions::RegionTree Tree() {
  auto regions = fupin::regions::ParseDivisions(fupin::embedded::DivisionsCsv(), fupin::embedded::CoordinatesCsv());
  return fupin::regions::RegionTree::FromRegions(std::move(*regions));
}

// The exact plan of the whole Linxia scenario: 1,089 villages × 9 years.
void BM_DemoPlanScale1(benchmark::State& state) {
  auto tree = Tree();
  auto counties = fupin::demo::CountiesOf(tree);
  auto scenario = fupin::demo::ParseScenario(fupin::embedded::ScenarioLinxiaCsv());
  for (auto _ : state) {
    auto plan = fupin::demo::MakePlan(*scenario, counties, 1.0, 2020, 300);
    benchmark::DoNotOptimize(plan);
  }
}
BENCHMARK(BM_DemoPlanScale1)->Unit(benchmark::kMillisecond);

// Parsing household_years-shaped rows, with a quoted field now and then.
void BM_CsvReadRows(benchmark::State& state) {
  std::string text = "household_id,year,members,status,monitor_kind,exit_year,income_per_capita_fen,needs_unmet\n";
  for (int i = 0; i < 100000; ++i) {
    text += std::to_string(i) + ",2016,5,poor,,," + std::to_string(250000 + i % 1000) +
            (i % 10 == 0 ? ",\"housing;water\"\n" : ",\n");
  }
  for (auto _ : state) {
    fupin::csv::Reader reader(text);
    int64_t rows = 0;
    while (true) {
      auto next = reader.Next();
      if (!next || !*next) break;
      ++rows;
    }
    benchmark::DoNotOptimize(rows);
  }
  state.SetItemsProcessed(state.iterations() * 100001);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(text.size()));
}
BENCHMARK(BM_CsvReadRows)->Unit(benchmark::kMillisecond);

// Loading the divisions and walking the whole tree.
void BM_RegionTreeBuildAndSubtree(benchmark::State& state) {
  for (auto _ : state) {
    auto tree = Tree();
    benchmark::DoNotOptimize(tree.Subtree(tree.Root()->code).size());
  }
}
BENCHMARK(BM_RegionTreeBuildAndSubtree)->Unit(benchmark::kMillisecond);

}  // namespace
