#pragma once
// The region tree held in memory (a prefecture has about 1,300 regions), with
// the queries every module needs: one region, children, ancestors, subtree,
// search by name or pinyin. Immutable after Load(); safe to share across threads.
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/result.h"
#include "db/database.h"
#include "regions/model.h"

namespace fupin::regions {

class RegionTree {
 public:
  // Reads every region. Throws db::DbError on a database failure.
  static RegionTree Load(db::Connection& conn);
  static RegionTree FromRegions(std::vector<Region> regions);

  // nullptr when unknown.
  const Region* Find(std::string_view code) const;
  // kNotFound naming the code when unknown.
  Result<const Region*> Get(std::string_view code) const;

  // Children in code order.
  std::vector<const Region*> Children(std::string_view code) const;
  // From the root down to the parent of `code` (empty for the root or an unknown code).
  std::vector<const Region*> Ancestors(std::string_view code) const;
  // `code` and everything below it, in code order (depth first).
  std::vector<const Region*> Subtree(std::string_view code) const;
  // The ancestor of `code` (or `code` itself) at `level`; nullptr if none.
  const Region* AncestorAt(std::string_view code, Level level) const;
  // True when `code` is `ancestor` or lies below it.
  bool Covers(std::string_view ancestor, std::string_view code) const;

  // The region a user means by `code_or_name`: a 12-digit code, or a name,
  // short name or pinyin (without spaces or case) that names exactly one
  // region. kNotFound when nothing matches; kInvalidArgument listing the
  // candidates when the name is ambiguous (e.g. a village name used twice).
  Result<const Region*> Resolve(std::string_view code_or_name) const;

  // Regions whose name, short name or pinyin contains `query` (pinyin matched
  // without spaces and case), best matches first: exact, prefix, substring.
  std::vector<const Region*> Search(std::string_view query, size_t limit = 20) const;

  // The root (the prefecture); nullptr for an empty tree.
  const Region* Root() const { return root_ < 0 ? nullptr : &regions_[static_cast<size_t>(root_)]; }
  const std::vector<Region>& All() const { return regions_; }
  // The position in All() of a region of this tree, and of the parent of the
  // region at position `i` (-1 for the root or an unknown parent): for code
  // that sums figures up the tree in arrays instead of maps.
  size_t IndexOf(const Region* r) const { return static_cast<size_t>(r - regions_.data()); }  // r from this tree
  int ParentIndex(size_t i) const { return parents_[i]; }

 private:
  std::vector<Region> regions_;
  std::unordered_map<std::string, size_t> index_;
  std::unordered_map<std::string, std::vector<size_t>> children_;
  std::vector<int> parents_;
  int root_ = -1;  // a position, not a pointer: a copied tree stays whole
};

}  // namespace fupin::regions
