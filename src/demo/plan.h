#pragma once
// The demo's plan: exact counts per village and year (registered rural
// population, poor people), which villages are deep-poverty and registered
// poor villages, and when each poor village exits — all derived from the
// scenario's targets so that the records, once generated, reproduce every
// target exactly. Pure: no database.
//
// How the targets are met (see docs/DEMO.md):
//  1. The prefecture's population follows the straight line through its two
//     targets; counties pinned by a cited (poor, incidence) pair follow the
//     line through their pins; the other counties share the rest by weight.
//     Each village grows by non-negative yearly increments, so growth is new
//     households registering.
//  2. The deep-poverty villages hold exactly the population that gives the
//     cited 2016 incidence for the cited poor people.
//  3. Each county's poor people split between its deep-poverty villages and
//     the rest with a constant odds ratio fixed by 2016; within each group, a
//     bounded apportionment keeps every poor village at or above the exit
//     threshold until its exit year and below it from then on, and no village
//     ever gains poor people (households only leave poverty).
#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"
#include "demo/scenario.h"

namespace fupin::demo {

struct VillageInput {
  std::string code;
  std::string township_code;
};

struct CountyInput {
  std::string code;
  std::vector<VillageInput> villages;  // administrative villages
};

struct VillagePlan {
  std::string code;
  std::string township_code;
  std::string county_code;
  bool deep_poverty = false;
  bool poor_village = false;  // on the register of poor villages
  int exit_year = 0;          // poor villages: first year below the threshold
  std::vector<int64_t> population;  // by year index (year - first_year)
  std::vector<int64_t> poor;
};

struct CountyPlan {
  std::string code;
  std::vector<int64_t> population;
  std::vector<int64_t> poor;
  std::vector<size_t> villages;  // indexes into Plan::villages
};

struct Plan {
  int first_year = 0;
  int last_year = 0;
  std::vector<VillagePlan> villages;
  std::vector<CountyPlan> counties;
  std::vector<int64_t> household_size_weights;  // index = size - 1
  int Years() const { return last_year - first_year + 1; }
};

// Builds the plan for `scale` (1 = the real counts; 0.01 = a hundredth of the
// people on the same villages). `threshold_hundredths` is the village exit
// threshold (3 % = 300). Fails with a message naming the county, group and year
// when the targets cannot be met together.
Result<Plan> MakePlan(const Scenario& scenario, const std::vector<CountyInput>& counties, double scale, uint64_t seed,
                      int64_t threshold_hundredths);

// The smallest population, nearest `approx`, whose incidence for `poor` rounds
// to `incidence_hundredths` — how a cited (poor, incidence) pair pins a
// population. Fails when no integer population fits.
Result<int64_t> PinPopulation(int64_t poor, int64_t incidence_hundredths, double approx);

}  // namespace fupin::demo

namespace fupin::regions {
class RegionTree;
}

namespace fupin::demo {

// The counties of the tree's root with their administrative villages (村委会),
// in code order.
std::vector<CountyInput> CountiesOf(const regions::RegionTree& tree);

}  // namespace fupin::demo
