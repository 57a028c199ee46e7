#include "regions/tree.h"

#include <algorithm>

#include <fmt/format.h>

namespace fupin::regions {
namespace {

std::string Compact(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == ' ') continue;
    out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  return out;
}

}  // namespace

RegionTree RegionTree::Load(db::Connection& conn) {
  auto st = conn.Prepare(
      "SELECT code, name, level, parent_code, kind, name_short, name_pinyin, name_en, lon_e6, lat_e6, coord_source "
      "FROM regions ORDER BY code");
  std::vector<Region> regions;
  while (st->Step()) {
    Region r;
    r.code = st->Text(0);
    r.name = st->Text(1);
    r.level = ParseLevel(st->Text(2)).value_or(Level::kVillage);
    r.parent_code = st->Text(3);
    r.kind = st->Text(4);
    r.name_short = st->Text(5);
    r.name_pinyin = st->Text(6);
    r.name_en = st->Text(7);
    r.lon_e6 = st->OptInt(8);
    r.lat_e6 = st->OptInt(9);
    r.coord_source = st->Text(10);
    regions.push_back(std::move(r));
  }
  return FromRegions(std::move(regions));
}

RegionTree RegionTree::FromRegions(std::vector<Region> regions) {
  RegionTree tree;
  std::sort(regions.begin(), regions.end(), [](const Region& a, const Region& b) { return a.code < b.code; });
  tree.regions_ = std::move(regions);
  for (size_t i = 0; i < tree.regions_.size(); ++i) tree.index_.emplace(tree.regions_[i].code, i);
  tree.parents_.assign(tree.regions_.size(), -1);
  for (size_t i = 0; i < tree.regions_.size(); ++i) {
    const Region& r = tree.regions_[i];
    auto parent = r.parent_code.empty() ? tree.index_.end() : tree.index_.find(r.parent_code);
    if (parent == tree.index_.end()) {
      if (tree.root_ < 0 || r.level < tree.regions_[static_cast<size_t>(tree.root_)].level) {
        tree.root_ = static_cast<int>(i);
      }
    } else {
      tree.children_[r.parent_code].push_back(i);
      tree.parents_[i] = static_cast<int>(parent->second);
    }
  }
  return tree;
}

const Region* RegionTree::Find(std::string_view code) const {
  auto it = index_.find(std::string(code));
  return it == index_.end() ? nullptr : &regions_[it->second];
}

Result<const Region*> RegionTree::Get(std::string_view code) const {
  const Region* r = Find(code);
  if (!r) return Error::NotFound(fmt::format("no region with code '{}'", code));
  return r;
}

std::vector<const Region*> RegionTree::Children(std::string_view code) const {
  std::vector<const Region*> out;
  auto it = children_.find(std::string(code));
  if (it == children_.end()) return out;
  for (size_t i : it->second) out.push_back(&regions_[i]);
  return out;
}

std::vector<const Region*> RegionTree::Ancestors(std::string_view code) const {
  std::vector<const Region*> out;
  const Region* r = Find(code);
  while (r && !r->parent_code.empty()) {
    r = Find(r->parent_code);
    if (r) out.push_back(r);
  }
  std::reverse(out.begin(), out.end());
  return out;
}

std::vector<const Region*> RegionTree::Subtree(std::string_view code) const {
  std::vector<const Region*> out;
  const Region* start = Find(code);
  if (!start) return out;
  std::vector<const Region*> stack{start};
  while (!stack.empty()) {
    const Region* r = stack.back();
    stack.pop_back();
    out.push_back(r);
    auto children = Children(r->code);
    for (auto it = children.rbegin(); it != children.rend(); ++it) stack.push_back(*it);
  }
  return out;
}

const Region* RegionTree::AncestorAt(std::string_view code, Level level) const {
  const Region* r = Find(code);
  while (r && r->level > level) r = r->parent_code.empty() ? nullptr : Find(r->parent_code);
  return (r && r->level == level) ? r : nullptr;
}

bool RegionTree::Covers(std::string_view ancestor, std::string_view code) const {
  const Region* r = Find(code);
  while (r) {
    if (r->code == ancestor) return true;
    r = r->parent_code.empty() ? nullptr : Find(r->parent_code);
  }
  return false;
}

Result<const Region*> RegionTree::Resolve(std::string_view code_or_name) const {
  if (const Region* r = Find(code_or_name)) return r;
  std::string q = Compact(code_or_name);
  std::vector<const Region*> exact;
  for (const Region& r : regions_) {
    if (r.name == code_or_name || r.name_short == code_or_name || (!q.empty() && Compact(r.name_pinyin) == q) ||
        (!q.empty() && Compact(r.name_en) == q)) {
      exact.push_back(&r);
    }
  }
  if (exact.size() == 1) return exact.front();
  if (exact.empty()) return Error::NotFound(fmt::format("no region with the code or name '{}'", code_or_name));
  std::string list;
  for (size_t i = 0; i < exact.size() && i < 5; ++i) {
    list += fmt::format("{}{} {}", i ? ", " : "", exact[i]->code, exact[i]->name);
  }
  return Error::Invalid(fmt::format("'{}' names {} regions ({}{}); give the code", code_or_name, exact.size(), list,
                                    exact.size() > 5 ? ", …" : ""));
}

std::vector<const Region*> RegionTree::Search(std::string_view query, size_t limit) const {
  std::string q = Compact(query);
  if (q.empty()) return {};
  std::vector<std::pair<int, const Region*>> hits;
  for (const Region& r : regions_) {
    int best = -1;
    for (const std::string& candidate : {r.name, r.name_short, Compact(r.name_pinyin), Compact(r.name_en)}) {
      if (candidate.empty()) continue;
      if (candidate == q) {
        best = std::max(best, 3);
      } else if (candidate.starts_with(q)) {
        best = std::max(best, 2);
      } else if (candidate.find(q) != std::string::npos) {
        best = std::max(best, 1);
      }
    }
    if (best >= 0) hits.emplace_back(best, &r);
  }
  std::stable_sort(hits.begin(), hits.end(), [](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first > b.first;
    return a.second->level < b.second->level;
  });
  std::vector<const Region*> out;
  for (size_t i = 0; i < hits.size() && i < limit; ++i) out.push_back(hits[i].second);
  return out;
}

}  // namespace fupin::regions
