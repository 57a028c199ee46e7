#include "demo/plan.h"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "demo/apportion.h"
#include "demo/random.h"
#include "registry/model.h"

namespace fupin::demo {
namespace {

int64_t RoundHalfUp(double v) { return static_cast<int64_t>(std::floor(v + 0.5)); }

int64_t Scaled(int64_t value, double scale) { return RoundHalfUp(static_cast<double>(value) * scale); }

// Smallest x with x * 10000 >= threshold * population: the fewest poor people
// that keep a village at or above the threshold.
int64_t AtThreshold(int64_t population, int64_t threshold) { return (threshold * population + 9999) / 10000; }

double Logit(double p) { return std::log(p / (1 - p)); }
double Sigmoid(double x) { return 1 / (1 + std::exp(-x)); }

struct Group {
  std::vector<size_t> villages;  // indexes into plan.villages
  std::vector<int64_t> total;    // poor people by year
};

}  // namespace

Result<int64_t> PinPopulation(int64_t poor, int64_t incidence_hundredths, double approx) {
  int64_t center = RoundHalfUp(approx);
  for (int64_t delta = 0; delta <= std::max<int64_t>(1000, center / 100); ++delta) {
    for (int64_t candidate : {center - delta, center + delta}) {
      if (candidate <= 0) continue;
      registry::Incidence inc{poor, candidate};
      if (inc.Hundredths() == incidence_hundredths) return candidate;
    }
  }
  return Error::Invalid(fmt::format("no population gives {} poor people an incidence of {}.{:02d} %", poor,
                                    incidence_hundredths / 100, incidence_hundredths % 100));
}

Result<Plan> MakePlan(const Scenario& s, const std::vector<CountyInput>& counties, double scale, uint64_t seed,
                      int64_t threshold) {
  Plan plan;
  plan.first_year = s.first_year;
  plan.last_year = s.last_year;
  const int n = plan.Years();
  if (n < 2) return Error::Invalid("scenario: poor_people targets must span at least two years");
  const std::string& pref = s.prefecture;
  auto year_of = [&](int i) { return plan.first_year + i; };
  for (const auto& [size, weight] : s.household_size_weights) {
    if (size < 1 || size > 20) return Error::Invalid("scenario: household sizes must be 1..20");
    if (static_cast<int>(plan.household_size_weights.size()) < size) plan.household_size_weights.resize(size, 0);
    plan.household_size_weights[static_cast<size_t>(size - 1)] = weight;
  }

  // 1. Prefecture population: the straight line through its two targets.
  if (s.rural_population.size() != 2) return Error::Invalid("scenario: exactly two rural_population targets expected");
  auto p1 = *s.rural_population.begin();
  auto p2 = *s.rural_population.rbegin();
  double y1 = p1.first.second, y2 = p2.first.second;
  std::vector<int64_t> pref_pop(n), pref_poor(n);
  for (int i = 0; i < n; ++i) {
    double exact = static_cast<double>(p1.second) +
                   (year_of(i) - y1) * static_cast<double>(p2.second - p1.second) / (y2 - y1);
    pref_pop[i] = RoundHalfUp(RoundHalfUp(exact) * scale);
    auto it = s.poor_people.find({pref, year_of(i)});
    if (it == s.poor_people.end()) {
      return Error::Invalid(fmt::format("scenario: no poor_people target for the prefecture in {}", year_of(i)));
    }
    pref_poor[i] = Scaled(it->second, scale);
  }

  // 2. County poor people: the scenario's county values, scaled so they add up
  //    to the prefecture exactly.
  size_t nc = counties.size();
  std::vector<std::vector<int64_t>> county_poor(nc, std::vector<int64_t>(n));
  for (int i = 0; i < n; ++i) {
    std::vector<double> weights(nc);
    int64_t sum = 0;
    for (size_t c = 0; c < nc; ++c) {
      auto it = s.poor_people.find({counties[c].code, year_of(i)});
      if (it == s.poor_people.end()) {
        return Error::Invalid(
            fmt::format("scenario: no poor_people target for county {} in {}", counties[c].code, year_of(i)));
      }
      weights[c] = static_cast<double>(it->second);
      sum += it->second;
    }
    auto pit = s.poor_people.find({pref, year_of(i)});
    if (sum != pit->second) {
      return Error::Invalid(fmt::format("scenario: county poor people add up to {} in {}, the prefecture has {}", sum,
                                        year_of(i), pit->second));
    }
    auto parts = Apportion(pref_poor[i], weights);
    for (size_t c = 0; c < nc; ++c) county_poor[c][i] = parts[c];
  }

  // 3. County populations: pinned counties follow the line through their
  //    cited (poor, incidence) pairs; the others share the rest by weight,
  //    year by year in non-negative increments.
  std::vector<std::vector<int64_t>> county_pop(nc, std::vector<int64_t>(n, 0));
  std::vector<bool> pinned(nc, false);
  std::vector<int64_t> rest(n);
  for (int i = 0; i < n; ++i) rest[i] = pref_pop[i];
  for (size_t c = 0; c < nc; ++c) {
    std::vector<std::pair<int, int64_t>> pins;
    for (const auto& [key, incidence] : s.poverty_incidence) {
      if (key.first != counties[c].code) continue;
      int i = key.second - plan.first_year;
      if (i < 0 || i >= n) continue;
      int64_t poor = county_poor[c][i];
      auto pop = PinPopulation(poor, incidence, static_cast<double>(poor) * 10000.0 / static_cast<double>(incidence));
      if (!pop) return Error::Invalid(fmt::format("county {} in {}: {}", counties[c].code, key.second, pop.error().message));
      pins.emplace_back(i, *pop);
    }
    if (pins.empty()) continue;
    if (pins.size() < 2) return Error::Invalid(fmt::format("county {}: a pinned county needs two cited years", counties[c].code));
    pinned[c] = true;
    auto [i1, q1] = pins.front();
    auto [i2, q2] = pins.back();
    for (int i = 0; i < n; ++i) {
      county_pop[c][i] = q1 + RoundHalfUp(static_cast<double>(i - i1) * static_cast<double>(q2 - q1) / (i2 - i1));
      rest[i] -= county_pop[c][i];
    }
  }
  std::vector<double> pop_weights;
  std::vector<size_t> free_counties;
  for (size_t c = 0; c < nc; ++c) {
    if (pinned[c]) continue;
    auto it = s.county_population_weight.find(counties[c].code);
    if (it == s.county_population_weight.end()) {
      return Error::Invalid(fmt::format("scenario: no county_population_weight for {}", counties[c].code));
    }
    free_counties.push_back(c);
    pop_weights.push_back(static_cast<double>(it->second));
  }
  for (int i = 0; i < n; ++i) {
    int64_t amount = i == 0 ? rest[0] : rest[i] - rest[i - 1];
    if (amount < 0) return Error::Invalid(fmt::format("the unpinned counties would shrink in {}", year_of(i)));
    auto parts = Apportion(amount, pop_weights);
    for (size_t k = 0; k < free_counties.size(); ++k) {
      size_t c = free_counties[k];
      county_pop[c][i] = (i == 0 ? 0 : county_pop[c][i - 1]) + parts[k];
    }
  }

  // 4. Villages: which are deep-poverty, which registered poor, when each exits.
  Random rng = Random::Stream(seed, 1);
  const int i2016 = 2016 - plan.first_year;
  if (i2016 < 0 || i2016 >= n) return Error::Invalid("scenario years must include 2016");
  for (size_t c = 0; c < nc; ++c) {
    const CountyInput& county = counties[c];
    CountyPlan cp;
    cp.code = county.code;
    cp.population = county_pop[c];
    cp.poor = county_poor[c];
    std::vector<size_t> order(county.villages.size());
    for (size_t k = 0; k < order.size(); ++k) order[k] = k;
    rng.Shuffle(order);
    int64_t deep = s.deep_poverty_villages.count(county.code) ? s.deep_poverty_villages.at(county.code) : 0;
    int64_t deep_poor = s.deep_poverty_villages_poor.count(county.code) ? s.deep_poverty_villages_poor.at(county.code) : 0;
    int64_t poor = s.poor_villages.count(county.code) ? s.poor_villages.at(county.code) : 0;
    if (deep > static_cast<int64_t>(order.size()) || deep_poor > deep || poor < deep_poor ||
        poor - deep_poor > static_cast<int64_t>(order.size()) - deep) {
      return Error::Invalid(fmt::format("scenario: village counts of county {} do not fit its {} villages", county.code,
                                        order.size()));
    }
    // Exit years, latest first; deep-poverty poor villages exit last.
    std::vector<int> exits;
    for (const auto& [key, count] : s.village_exits) {
      if (key.first == county.code) exits.insert(exits.end(), static_cast<size_t>(count), key.second);
    }
    if (static_cast<int64_t>(exits.size()) != poor) {
      return Error::Invalid(fmt::format("scenario: county {} has {} poor villages but {} village exits", county.code,
                                        poor, exits.size()));
    }
    std::sort(exits.rbegin(), exits.rend());
    size_t first = plan.villages.size();
    for (size_t k = 0; k < order.size(); ++k) {
      const VillageInput& in = county.villages[order[k]];
      VillagePlan v;
      v.code = in.code;
      v.township_code = in.township_code;
      v.county_code = county.code;
      v.deep_poverty = static_cast<int64_t>(k) < deep;
      bool is_deep_poor = static_cast<int64_t>(k) < deep_poor;
      bool is_other_poor = static_cast<int64_t>(k) >= deep && static_cast<int64_t>(k) < deep + (poor - deep_poor);
      v.poor_village = is_deep_poor || is_other_poor;
      v.population.assign(n, 0);
      v.poor.assign(n, 0);
      plan.villages.push_back(std::move(v));
    }
    // Poor villages in order: deep first (they get the latest exits), then others.
    size_t e = 0;
    for (size_t k = first; k < plan.villages.size(); ++k) {
      if (plan.villages[k].poor_village && plan.villages[k].deep_poverty) plan.villages[k].exit_year = exits[e++];
    }
    for (size_t k = first; k < plan.villages.size(); ++k) {
      if (plan.villages[k].poor_village && !plan.villages[k].deep_poverty) plan.villages[k].exit_year = exits[e++];
    }
    for (size_t k = first; k < plan.villages.size(); ++k) cp.villages.push_back(k);
    plan.counties.push_back(std::move(cp));
  }

  // 5. Village populations. 2016 first: the deep-poverty villages together
  //    hold exactly the population that gives the cited incidence.
  auto deep_pop_total = PinPopulation(
      Scaled(s.deep_poverty_poor_2016, scale), s.deep_poverty_incidence_2016,
      static_cast<double>(Scaled(s.deep_poverty_poor_2016, scale)) * 10000.0 /
          static_cast<double>(std::max<int64_t>(1, s.deep_poverty_incidence_2016)));
  if (!deep_pop_total) return Error::Invalid("deep-poverty villages: " + deep_pop_total.error().message);
  std::vector<double> village_weight(plan.villages.size());
  for (size_t v = 0; v < plan.villages.size(); ++v) village_weight[v] = std::exp(0.45 * rng.Normal());
  std::vector<double> deep_weights(nc);
  for (size_t c = 0; c < nc; ++c) {
    int64_t deep = 0;
    for (size_t v : plan.counties[c].villages) deep += plan.villages[v].deep_poverty;
    deep_weights[c] = static_cast<double>(county_pop[c][i2016]) * static_cast<double>(deep) /
                      static_cast<double>(plan.counties[c].villages.size());
  }
  std::vector<int64_t> county_deep_pop = Apportion(*deep_pop_total, deep_weights);
  for (size_t c = 0; c < nc; ++c) {
    const auto& vs = plan.counties[c].villages;
    std::vector<double> wd, wo;
    std::vector<size_t> vd, vo;
    for (size_t v : vs) {
      (plan.villages[v].deep_poverty ? wd : wo).push_back(village_weight[v]);
      (plan.villages[v].deep_poverty ? vd : vo).push_back(v);
    }
    if (county_deep_pop[c] >= county_pop[c][i2016]) {
      return Error::Invalid(fmt::format("county {}: deep-poverty villages would hold everyone", counties[c].code));
    }
    // At least a handful of people per village, so that small scales keep
    // every village inhabited in every year.
    auto at_least = [](int64_t total, const std::vector<double>& w) -> Result<std::vector<int64_t>> {
      std::vector<int64_t> lower(w.size(), 4), upper(w.size(), std::max<int64_t>(total, 4));
      return ApportionBounded(total, lower, upper, w);
    };
    auto dparts = at_least(county_deep_pop[c], wd);
    auto oparts = at_least(county_pop[c][i2016] - county_deep_pop[c], wo);
    if (!dparts || !oparts) {
      return Error::Invalid(fmt::format("county {}: too few people for its villages at this scale", counties[c].code));
    }
    for (size_t k = 0; k < vd.size(); ++k) plan.villages[vd[k]].population[i2016] = (*dparts)[k];
    for (size_t k = 0; k < vo.size(); ++k) plan.villages[vo[k]].population[i2016] = (*oparts)[k];
    std::vector<double> all_weights;
    for (size_t v : vs) all_weights.push_back(village_weight[v]);
    for (int i = i2016 + 1; i < n; ++i) {
      auto inc = Apportion(county_pop[c][i] - county_pop[c][i - 1], all_weights);
      for (size_t k = 0; k < vs.size(); ++k) plan.villages[vs[k]].population[i] = plan.villages[vs[k]].population[i - 1] + inc[k];
    }
    for (int i = i2016 - 1; i >= 0; --i) {
      auto dec = Apportion(county_pop[c][i + 1] - county_pop[c][i], all_weights);
      for (size_t k = 0; k < vs.size(); ++k) {
        auto& pop = plan.villages[vs[k]].population;
        pop[i] = pop[i + 1] - dec[k];
      }
    }
    for (size_t v : vs) {
      for (int i = 0; i < n; ++i) {
        if (plan.villages[v].population[i] < 3) {
          return Error::Invalid(fmt::format("village {} would have {} people in {}: the scale is too small",
                                            plan.villages[v].code, plan.villages[v].population[i], year_of(i)));
        }
      }
    }
  }

  // 6. Each county's poor people split between deep-poverty villages and the
  //    rest: exact in 2016, a constant odds ratio in the other years.
  auto deep_poor_2016 = [&]() {
    std::vector<double> w(nc);
    for (size_t c = 0; c < nc; ++c) {
      w[c] = static_cast<double>(county_deep_pop[c]) * static_cast<double>(county_poor[c][i2016]) /
             static_cast<double>(county_pop[c][i2016]);
    }
    return Apportion(Scaled(s.deep_poverty_poor_2016, scale), w);
  }();
  std::vector<Group> groups;  // two per county: deep, other
  for (size_t c = 0; c < nc; ++c) {
    Group deep, other;
    for (size_t v : plan.counties[c].villages) (plan.villages[v].deep_poverty ? deep : other).villages.push_back(v);
    deep.total.assign(n, 0);
    other.total.assign(n, 0);
    auto group_pop = [&](const Group& g, int i) {
      int64_t p = 0;
      for (size_t v : g.villages) p += plan.villages[v].population[i];
      return p;
    };
    int64_t d16 = deep_poor_2016[c];
    if (d16 > county_poor[c][i2016]) return Error::Invalid(fmt::format("county {}: deep-poverty poor exceed the county", counties[c].code));
    double d_rate = static_cast<double>(d16) / std::max<double>(1, static_cast<double>(group_pop(deep, i2016)));
    double o_rate = static_cast<double>(county_poor[c][i2016] - d16) /
                    std::max<double>(1, static_cast<double>(group_pop(other, i2016)));
    double k = (d_rate > 0 && o_rate > 0 && d_rate < 1 && o_rate < 1) ? Logit(d_rate) - Logit(o_rate) : 0;
    for (int i = 0; i < n; ++i) {
      if (i == i2016) {
        deep.total[i] = d16;
      } else if (deep.villages.empty() || county_poor[c][i] == 0) {
        deep.total[i] = 0;
      } else {
        double dp = static_cast<double>(group_pop(deep, i)), op = static_cast<double>(group_pop(other, i));
        double lo = 0, hi = 1;
        for (int it = 0; it < 100; ++it) {
          double o = (lo + hi) / 2;
          double d = o <= 0 ? 0 : Sigmoid(Logit(o) + k);
          if (dp * d + op * o < static_cast<double>(county_poor[c][i])) lo = o; else hi = o;
        }
        double d = Sigmoid(Logit(std::max(hi, 1e-12)) + k);
        deep.total[i] = std::min<int64_t>(county_poor[c][i], RoundHalfUp(dp * d));
      }
    }
    // Neither group may gain poor people from one year to the next; 2016 stays exact.
    for (int i = i2016 + 1; i < n; ++i) {
      deep.total[i] = std::min(deep.total[i], deep.total[i - 1]);
      int64_t prev_other = county_poor[c][i - 1] - deep.total[i - 1];
      if (county_poor[c][i] - deep.total[i] > prev_other) deep.total[i] = county_poor[c][i] - prev_other;
    }
    for (int i = i2016 - 1; i >= 0; --i) {
      deep.total[i] = std::max(deep.total[i], deep.total[i + 1]);
      int64_t next_other = county_poor[c][i + 1] - deep.total[i + 1];
      if (county_poor[c][i] - deep.total[i] < next_other) deep.total[i] = county_poor[c][i] - next_other;
    }
    for (int i = 0; i < n; ++i) other.total[i] = county_poor[c][i] - deep.total[i];
    groups.push_back(std::move(deep));
    groups.push_back(std::move(other));
  }

  // 7. Within each group, year by year: poor villages stay at or above the
  //    threshold until they exit and fall below it in their exit year; no
  //    village gains poor people. The split between a county's two groups may
  //    move by what the bounds demand (small scales); 2016 stays exact.
  for (size_t c = 0; c < nc; ++c) {
    Group& deep = groups[2 * c];
    Group& other = groups[2 * c + 1];
    for (int i = 0; i < n; ++i) {
      struct Bounds {
        std::vector<int64_t> lower, upper;
        std::vector<double> weight;
        int64_t sum_lower = 0, sum_upper = 0;
      };
      auto bounds_of = [&](const Group& group) {
        Bounds b;
        for (size_t v_index : group.villages) {
          const VillagePlan& v = plan.villages[v_index];
          int64_t need = 0;
          // The fewest poor people that keep it at or above the threshold in
          // every later year before its exit (poor people never grow back).
          if (v.poor_village) {
            for (int t = i; t < n && year_of(t) < v.exit_year; ++t) {
              need = std::max(need, AtThreshold(v.population[t], threshold));
            }
          }
          int64_t cap = i == 0 ? (v.population[0] * 85) / 100 : v.poor[i - 1];
          if (v.poor_village && year_of(i) >= v.exit_year) {
            cap = std::min(cap, AtThreshold(v.population[i], threshold) - 1);
          }
          cap = std::max<int64_t>(cap, 0);
          b.lower.push_back(need);
          b.upper.push_back(cap);
          if (i == 0) {
            double intensity = v.poor_village ? (v.deep_poverty ? 3.0 : 2.0) : (v.deep_poverty ? 2.2 : 0.7);
            b.weight.push_back(static_cast<double>(v.population[0]) * intensity);
          } else {
            b.weight.push_back(static_cast<double>(cap - need));
          }
          b.sum_lower += need;
          b.sum_upper += cap;
        }
        return b;
      };
      Bounds bd = bounds_of(deep), bo = bounds_of(other);
      int64_t total = county_poor[c][i];
      int64_t lo = std::max(bd.sum_lower, total - bo.sum_upper);
      int64_t hi = std::min(bd.sum_upper, total - bo.sum_lower);
      if (lo > hi) {
        return Error::Invalid(fmt::format("county {}, {}: {} poor people do not fit its villages' bounds",
                                          counties[c].code, year_of(i), total));
      }
      if (i == i2016 && (deep.total[i] < lo || deep.total[i] > hi)) {
        return Error::Invalid(fmt::format("county {}: the 2016 deep-poverty share {} does not fit {}..{}",
                                          counties[c].code, deep.total[i], lo, hi));
      }
      deep.total[i] = std::clamp(deep.total[i], lo, hi);
      other.total[i] = total - deep.total[i];
      for (auto [group, b] : {std::make_pair(&deep, &bd), std::make_pair(&other, &bo)}) {
        if (group->villages.empty()) continue;
        auto parts = ApportionBounded(group->total[i], b->lower, b->upper, b->weight);
        if (!parts) {
          return Error::Invalid(fmt::format("county {}, {}: {}", counties[c].code, year_of(i), parts.error().message));
        }
        for (size_t k = 0; k < group->villages.size(); ++k) plan.villages[group->villages[k]].poor[i] = (*parts)[k];
      }
    }
  }
  return plan;
}

}  // namespace fupin::demo

#include "regions/tree.h"

namespace fupin::demo {

std::vector<CountyInput> CountiesOf(const regions::RegionTree& tree) {
  std::vector<CountyInput> out;
  if (!tree.Root()) return out;
  for (const regions::Region* county : tree.Children(tree.Root()->code)) {
    CountyInput in;
    in.code = county->code;
    for (const regions::Region* r : tree.Subtree(county->code)) {
      if (r->IsAdministrativeVillage()) in.villages.push_back({r->code, r->parent_code});
    }
    out.push_back(std::move(in));
  }
  return out;
}

}  // namespace fupin::demo
