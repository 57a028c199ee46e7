#pragma once
// Synthetic people for the demo: names, family composition, and resident
// identity numbers that are well-formed (GB 11643 check character) but made
// up. Every member the demo writes is marked id_synthetic = 1.
#include <cstdint>
#include <string>
#include <vector>

#include "demo/random.h"

namespace fupin::demo {

struct Person {
  std::string name;
  std::string relation;  // head, spouse, child, parent, grandchild
  char sex = 'M';        // 'M' or 'F'
  int birth_year = 0;
  std::string id_number;
};

// A household of `size` people living in the county whose 6-digit code prefix
// is `county_prefix`; the head first. `base_year` is the first year of the
// registry (nobody is born after it).
std::vector<Person> MakeFamily(Random& rng, int size, const std::string& county_prefix, int base_year);

}  // namespace fupin::demo
