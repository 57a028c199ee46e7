#include "reports/catalogue.h"

#include <fmt/format.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <cstdio>
#include <cstdlib>
#include <set>

#include "base/embedded_data.h"

namespace fupin::reports {
namespace {

namespace bj = boost::json;

bool IsSnakeCase(std::string_view s) {
  if (s.empty() || s.size() > 64 || !(s[0] >= 'a' && s[0] <= 'z')) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

// Reads one indicator object; the first problem is returned, naming its place.
class IndicatorReader {
 public:
  IndicatorReader(const bj::object& object, std::string place) : object_(object), place_(std::move(place)) {}

  Result<Indicator> Read() {
    static const std::set<std::string, std::less<>> known = {"code",        "name_zh", "name_en",      "numerator",
                                                             "denominator", "factor",  "divisor",      "decimals",
                                                             "unit_zh",     "unit_en", "definition_en"};
    for (const auto& field : object_) {
      if (!known.contains(std::string_view(field.key()))) {
        return Fail(std::string(field.key()),
                    "is not a field of an indicator; the fields are code, name_zh, "
                    "name_en, numerator, denominator, factor, divisor, decimals, unit_zh, "
                    "unit_en, definition_en");
      }
    }
    Indicator ind;
    if (!Text("code", true, ind.code)) return error_;
    if (!IsSnakeCase(ind.code)) return Fail("code", "must be snake_case: a-z, 0-9 and _, starting with a letter");
    if (!Text("name_zh", true, ind.name_zh) || !Text("name_en", true, ind.name_en)) return error_;
    if (!Text("numerator", true, ind.numerator) || !Text("denominator", false, ind.denominator)) return error_;
    for (const auto& [field, count] : {std::pair{"numerator", &ind.numerator}, {"denominator", &ind.denominator}}) {
      if (count->empty()) continue;
      if (!FindCount(*count)) {
        return Fail(field, fmt::format("'{}' is not a count; the counts are: {}", *count, CountNames()));
      }
    }
    if (!Integer("factor", 1, 1000000000, ind.factor) || !Integer("divisor", 1, 1000000000, ind.divisor)) {
      return error_;
    }
    int64_t decimals = 0;
    if (!Integer("decimals", 0, 6, decimals)) return error_;
    ind.decimals = static_cast<int>(decimals);
    if (!Text("unit_zh", false, ind.unit_zh) || !Text("unit_en", false, ind.unit_en) ||
        !Text("definition_en", false, ind.definition_en)) {
      return error_;
    }
    return ind;
  }

 private:
  Error Fail(const std::string& field, const std::string& why) {
    error_ = Error::Invalid(fmt::format("{}.{} {}", place_, field, why), place_ + "." + field);
    return error_;
  }

  bool Text(const char* field, bool required, std::string& out) {
    const bj::value* v = object_.if_contains(field);
    if (!v) {
      if (required) Fail(field, "is missing");
      return !required;
    }
    if (!v->is_string()) {
      Fail(field, "must be a string");
      return false;
    }
    out = std::string(v->as_string());
    if (required && out.empty()) {
      Fail(field, "is empty");
      return false;
    }
    return true;
  }

  bool Integer(const char* field, int64_t min, int64_t max, int64_t& out) {
    const bj::value* v = object_.if_contains(field);
    if (!v) return true;  // the default stays
    if (!v->is_int64() && !v->is_uint64()) {
      Fail(field, fmt::format("must be a whole number from {} to {}", min, max));
      return false;
    }
    const int64_t n =
        v->is_int64() ? v->as_int64() : static_cast<int64_t>(std::min<uint64_t>(v->as_uint64(), INT64_MAX));
    if (n < min || n > max) {
      Fail(field, fmt::format("is {}; it must be from {} to {}", n, min, max));
      return false;
    }
    out = n;
    return true;
  }

  const bj::object& object_;
  std::string place_;
  Error error_ = Error::Internal("no error");
};

// a / b rounded half away from zero; b > 0.
int64_t DivideRounded(__int128 a, __int128 b) {
  const bool negative = a < 0;
  const __int128 m = negative ? -a : a;
  const __int128 q = (2 * m + b) / (2 * b);
  return static_cast<int64_t>(negative ? -q : q);
}

}  // namespace

std::vector<std::string> Indicator::Counts() const {
  std::vector<std::string> out = {numerator};
  if (!denominator.empty()) out.push_back(denominator);
  return out;
}

Result<IndicatorCatalogue> IndicatorCatalogue::Parse(std::string_view json) {
  boost::system::error_code ec;
  bj::value root = bj::parse(json, ec);
  if (ec) return Error::Invalid(fmt::format("the catalogue is not JSON: {}", ec.message()), "catalogue");
  if (!root.is_object()) return Error::Invalid("the catalogue must be a JSON object", "catalogue");
  for (const auto& field : root.as_object()) {
    if (field.key() != "indicators" && field.key() != "about") {
      return Error::Invalid(fmt::format("catalogue.{} is not a field of the catalogue; the fields are indicators "
                                        "and about",
                                        std::string_view(field.key())),
                            "catalogue");
    }
  }
  const bj::value* list = root.as_object().if_contains("indicators");
  if (!list || !list->is_array()) {
    return Error::Invalid("the catalogue needs \"indicators\": an array of indicators", "indicators");
  }
  IndicatorCatalogue catalogue;
  std::set<std::string> codes;
  size_t i = 0;
  for (const bj::value& item : list->as_array()) {
    const std::string place = fmt::format("indicators[{}]", i++);
    if (!item.is_object()) return Error::Invalid(place + " must be an object", place);
    auto ind = IndicatorReader(item.as_object(), place).Read();
    if (!ind) return ind.error();
    if (!codes.insert(ind->code).second) {
      return Error::Invalid(fmt::format("{}.code '{}' is used twice", place, ind->code), place + ".code");
    }
    catalogue.indicators_.push_back(std::move(*ind));
  }
  if (catalogue.indicators_.empty()) return Error::Invalid("the catalogue has no indicators", "indicators");
  return catalogue;
}

const IndicatorCatalogue& IndicatorCatalogue::BuiltIn() {
  static const IndicatorCatalogue catalogue = [] {
    auto parsed = Parse(embedded::IndicatorsJson());
    if (!parsed) {
      // The file is part of the program and checked by its tests.
      std::fprintf(stderr, "built-in indicator catalogue: %s\n", parsed.error().message.c_str());
      std::abort();
    }
    return std::move(*parsed);
  }();
  return catalogue;
}

const Indicator* IndicatorCatalogue::Find(std::string_view code) const {
  for (const Indicator& ind : indicators_) {
    if (ind.code == code) return &ind;
  }
  return nullptr;
}

Result<const Indicator*> IndicatorCatalogue::Get(std::string_view code) const {
  if (const Indicator* ind = Find(code)) return ind;
  std::string valid;
  for (const Indicator& ind : indicators_) {
    if (!valid.empty()) valid += ", ";
    valid += ind.code;
  }
  return Error::Invalid(fmt::format("unknown indicator '{}'; valid indicators: {}", code, valid), "indicator");
}

std::vector<std::string> IndicatorCatalogue::Counts() const {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const Indicator& ind : indicators_) {
    for (const std::string& c : ind.Counts()) {
      if (seen.insert(c).second) out.push_back(c);
    }
  }
  return out;
}

IndicatorValue Evaluate(const Indicator& indicator, const CountTable& counts, std::string_view region_code) {
  IndicatorValue v;
  for (const std::string& c : indicator.Counts()) {
    if (!counts.Available(c)) {
      const CountInfo* info = FindCount(c);
      v.no_data = fmt::format("no {} records for {}", info ? info->source : c, counts.year());
      v.no_records = true;
      return v;
    }
  }
  v.numerator = counts.Value(indicator.numerator, region_code);
  v.denominator = indicator.denominator.empty() ? 1 : counts.Value(indicator.denominator, region_code);
  if (v.denominator == 0) {
    v.no_data = fmt::format("{} is 0", indicator.denominator);
    return v;
  }
  __int128 scale = 1;
  for (int i = 0; i < indicator.decimals; ++i) scale *= 10;
  v.scaled = DivideRounded(static_cast<__int128>(v.numerator) * indicator.factor * scale,
                           static_cast<__int128>(v.denominator) * indicator.divisor);
  return v;
}

Cell ValueCell(const Indicator& indicator, const IndicatorValue& value) {
  if (!value.scaled) return Cell::Empty("no data");
  return Cell::Decimal(*value.scaled, indicator.decimals);
}

}  // namespace fupin::reports
