#include "demo/people.h"

#include <fmt/format.h>

#include "registry/model.h"

namespace fupin::demo {
namespace {

// Common surnames of the prefecture's Hui, Dongxiang and Han families, weighted
// roughly; a synthetic choice, not a statistic.
const std::vector<std::pair<const char*, int64_t>> kSurnames = {
    {"马", 30}, {"王", 8}, {"张", 6}, {"李", 6}, {"何", 4}, {"韩", 4}, {"妥", 3}, {"汪", 3}, {"虎", 2},
    {"冶", 2},  {"赵", 3}, {"刘", 3}, {"陈", 2}, {"杨", 3}, {"周", 2}, {"罗", 2}, {"孔", 1}, {"白", 2},
    {"祁", 1},  {"苏", 2}, {"喇", 1}, {"沈", 1}, {"高", 2}, {"康", 1}, {"穆", 1}, {"哈", 1}};
const char* kMaleChars[] = {"明", "强", "军", "伟", "勇", "忠", "福", "海", "林", "德", "志", "平", "国", "华",
                            "成", "俊", "文", "学", "有", "保", "兴", "龙", "祥", "贵", "山", "鹏", "彪", "东"};
const char* kFemaleChars[] = {"花", "兰", "英", "梅", "芳", "秀", "莲", "霞", "珍", "燕", "玲", "丽", "娟", "萍",
                              "红", "凤", "琴", "艳", "雪", "静", "慧", "娜", "蓉", "菊", "婷", "月", "洁", "云"};

std::string Surname(Random& rng) {
  static const std::vector<int64_t> weights = [] {
    std::vector<int64_t> w;
    for (const auto& s : kSurnames) w.push_back(s.second);
    return w;
  }();
  return kSurnames[rng.Pick(weights)].first;
}

std::string GivenName(Random& rng, char sex) {
  const char** pool = sex == 'M' ? kMaleChars : kFemaleChars;
  size_t n = sex == 'M' ? std::size(kMaleChars) : std::size(kFemaleChars);
  std::string name = pool[rng.Below(n)];
  if (rng.Chance(0.7)) name += pool[rng.Below(n)];
  return name;
}

std::string IdNumber(Random& rng, const std::string& county_prefix, int birth_year, char sex) {
  int month = static_cast<int>(rng.Between(1, 12));
  int day = static_cast<int>(rng.Between(1, 28));
  int seq = static_cast<int>(rng.Between(0, 499)) * 2 + (sex == 'M' ? 1 : 0);
  std::string first17 = fmt::format("{}{:04d}{:02d}{:02d}{:03d}", county_prefix, birth_year, month, day, seq);
  return first17 + registry::IdCheckCharacter(first17);
}

}  // namespace

std::vector<Person> MakeFamily(Random& rng, int size, const std::string& county_prefix, int base_year) {
  std::vector<Person> family;
  std::string surname = Surname(rng);
  auto add = [&](std::string name, const char* relation, char sex, int birth_year) {
    Person p;
    p.name = std::move(name);
    p.relation = relation;
    p.sex = sex;
    p.birth_year = std::min(birth_year, base_year);
    p.id_number = IdNumber(rng, county_prefix, p.birth_year, sex);
    family.push_back(std::move(p));
  };
  if (size == 1) {
    char sex = rng.Chance(0.6) ? 'M' : 'F';
    add(surname + GivenName(rng, sex), "head", sex, static_cast<int>(rng.Between(1935, 1975)));
    return family;
  }
  int head_birth = static_cast<int>(rng.Between(1950, 1988));
  char head_sex = rng.Chance(0.88) ? 'M' : 'F';
  add(surname + GivenName(rng, head_sex), "head", head_sex, head_birth);
  char spouse_sex = head_sex == 'M' ? 'F' : 'M';
  add(Surname(rng) + GivenName(rng, spouse_sex), "spouse", spouse_sex,
      head_birth + static_cast<int>(rng.Between(-2, 4)));
  int remaining = size - 2;
  if (remaining >= 3 && head_birth >= 1965 && rng.Chance(0.5)) {
    int parents = remaining >= 4 && rng.Chance(0.5) ? 2 : 1;
    for (int k = 0; k < parents; ++k) {
      char sex = parents == 2 ? (k == 0 ? 'M' : 'F') : (rng.Chance(0.4) ? 'M' : 'F');
      add((sex == 'M' ? surname : Surname(rng)) + GivenName(rng, sex), "parent", sex,
          head_birth - static_cast<int>(rng.Between(22, 32)));
    }
    remaining -= parents;
  }
  int child_birth = head_birth + static_cast<int>(rng.Between(20, 28));
  for (int k = 0; k < remaining; ++k) {
    bool grandchild = head_birth < 1962 && k >= 2;
    char sex = rng.Chance(0.52) ? 'M' : 'F';
    int birth = grandchild ? child_birth + static_cast<int>(rng.Between(20, 26)) : child_birth;
    add(surname + GivenName(rng, sex), grandchild ? "grandchild" : "child", sex, birth);
    child_birth += static_cast<int>(rng.Between(1, 3));
  }
  return family;
}

}  // namespace fupin::demo
