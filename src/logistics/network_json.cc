#include "logistics/network_json.h"

#include <fmt/format.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <cmath>
#include <optional>
#include <string>

#include "accounts/model.h"
#include "base/text.h"
#include "db/pool.h"
#include "logistics/model.h"
#include "logistics/planner.h"
#include "regions/tree.h"

namespace fupin::logistics {
namespace {

namespace bj = boost::json;

constexpr const char* kFields[] = {"county",           "seed", "stations",    "radius_km",
                                   "points_radius_km", "date", "time_limit_s"};

// The fields of one body, each looked up once; the first problem is kept.
class Fields {
 public:
  explicit Fields(const bj::object& object) : object_(object) {}

  const bj::value* Find(const char* name) const {
    auto it = object_.find(name);
    if (it == object_.end() || it->value().is_null()) return nullptr;
    return &it->value();
  }

  std::optional<std::string> Text(const char* name, size_t bytes) {
    const bj::value* v = Find(name);
    if (!v) return std::nullopt;
    if (!v->is_string() || v->get_string().size() != bytes) {
      Problem(name, fmt::format("must be a string of {} bytes", bytes));
      return std::nullopt;
    }
    return std::string(v->get_string().data(), v->get_string().size());
  }

  std::optional<int64_t> Whole(const char* name, int64_t min, int64_t max) {
    const bj::value* v = Find(name);
    if (!v) return std::nullopt;
    if (!v->is_int64() || v->get_int64() < min || v->get_int64() > max) {
      Problem(name, fmt::format("must be a whole number from {} to {}{}", min, max, Got(*v)));
      return std::nullopt;
    }
    return v->get_int64();
  }

  // Any JSON number within [min, max]; the bounds are written as given ("0.1").
  std::optional<double> Number(const char* name, double min, double max, const char* range) {
    const bj::value* v = Find(name);
    if (!v) return std::nullopt;
    std::optional<double> x;
    if (v->is_int64()) x = static_cast<double>(v->get_int64());
    if (v->is_uint64()) x = static_cast<double>(v->get_uint64());
    if (v->is_double()) x = v->get_double();
    if (!x || !std::isfinite(*x) || *x < min || *x > max) {
      Problem(name, fmt::format("must be a number from {}{}", range, Got(*v)));
      return std::nullopt;
    }
    return x;
  }

  void Problem(const char* name, std::string message) {
    if (!problem_) problem_ = Error::Invalid(fmt::format("{}: {}", name, message), name);
  }

  Status Finish() {
    if (!problem_) {
      for (const auto& [key, value] : object_) {
        std::string_view k(key.data(), key.size());
        bool known = false;
        for (const char* f : kFields) known = known || k == f;
        if (!known) {
          problem_ = Error::Invalid(fmt::format("{}: is not a field of this request", k), std::string(k));
          break;
        }
      }
    }
    if (problem_) return *problem_;
    return {};
  }

 private:
  static std::string Got(const bj::value& v) {
    if (v.is_int64()) return fmt::format(" (got {})", v.get_int64());
    if (v.is_double()) return fmt::format(" (got {})", v.get_double());
    return "";
  }

  const bj::object& object_;
  std::optional<Error> problem_;
};

int64_t Metres(double km) { return std::llround(km * 1000.0); }

}  // namespace

Result<NetworkRequest> ParseNetworkRequest(std::string_view body) {
  if (body.empty()) return Error::Invalid("the request needs a JSON object as its body", "body");
  if (!text::IsValidUtf8(body)) return Error::Invalid("the body is not valid UTF-8", "body");
  boost::system::error_code ec;
  bj::parse_options options;
  options.max_depth = 16;
  bj::value root = bj::parse(bj::string_view(body.data(), body.size()), ec, {}, options);
  if (ec) return Error::Invalid("the body is not valid JSON: " + ec.message(), "body");
  if (!root.is_object()) return Error::Invalid("the body must be a JSON object", "body");

  Fields fields(root.get_object());
  NetworkRequest request;
  request.time_limit_s = kNetworkDefaultTimeLimitS;
  std::optional<std::string> county = fields.Text("county", 12);
  if (!county && !fields.Find("county")) fields.Problem("county", "is required: a county's 12-digit code");
  request.county = county.value_or("");
  if (county && !regions::IsRegionCode(*county)) {
    fields.Problem("county", fmt::format("must be a county's 12-digit code, not '{}'", *county));
  }
  std::optional<int64_t> stations = fields.Whole("stations", 1, 10'000);
  std::optional<double> radius = fields.Number("radius_km", 0.1, 1000, "0.1 to 1000");
  if (fields.Find("stations") && fields.Find("radius_km")) {
    fields.Problem("radius_km", "give stations (p-median) or radius_km (set covering), not both");
  } else if (!fields.Find("stations") && !fields.Find("radius_km")) {
    fields.Problem("stations", "give stations (the p-median with K stations) or radius_km (set covering within R km)");
  }
  request.stations = static_cast<int>(stations.value_or(0));
  request.radius_m = radius ? Metres(*radius) : 0;
  std::optional<double> points = fields.Number("points_radius_km", 0.1, 100, "0.1 to 100");
  if (points) request.points_radius_m = Metres(*points);
  if (const bj::value* date = fields.Find("date")) {
    if (!date->is_string() ||
        !ParseDate(std::string_view(date->get_string().data(), date->get_string().size()), "date")) {
      fields.Problem("date", "must be a real date YYYY-MM-DD");
    } else {
      request.date.assign(date->get_string().data(), date->get_string().size());
    }
  }
  std::optional<int64_t> seed = fields.Whole("seed", 1, static_cast<int64_t>(kMaxSeed));
  request.seed = static_cast<uint64_t>(seed.value_or(1));
  std::optional<double> limit = fields.Number("time_limit_s", 0.1, kNetworkMaxTimeLimitS, "0.1 to 10");
  if (limit) request.time_limit_s = *limit;
  if (Status s = fields.Finish(); !s) return s.error();
  return request;
}

Status CheckNetworkAccess(const regions::RegionTree& tree, const accounts::Principal& principal,
                          std::string_view county) {
  using accounts::Role;
  if (principal.role != Role::kAdmin && principal.role != Role::kOfficial && principal.role != Role::kCountyOperator) {
    return Error::Denied(
        fmt::format("role {} may not plan the logistics network (county operators, officials and admins may)",
                    accounts::RoleName(principal.role)));
  }
  Result<const regions::Region*> region = tree.Get(county);
  if (!region) return region.error();
  if ((*region)->level != regions::Level::kCounty) {
    return Error::Invalid(fmt::format("county is the code of a county; {} {} is a {}", (*region)->code, (*region)->name,
                                      regions::LevelName((*region)->level)),
                          "county");
  }
  if (!accounts::InScope(tree, principal, county)) {
    const regions::Region* grant = tree.Find(principal.region_code);
    return Error::Denied(fmt::format("role {} may not plan the logistics network of {} {} (outside {} {})",
                                     accounts::RoleName(principal.role), (*region)->code, (*region)->name,
                                     principal.region_code, grant ? grant->name : std::string("(unknown region)")));
  }
  return {};
}

Result<std::string> PlanNetworkJson(db::Pool& pool, const regions::RegionTree& tree, const NetworkRequest& request) {
  return db::WithConnection<std::string>(pool, "logistics", [&](db::Connection& conn) -> Result<std::string> {
    Result<NetworkResult> result = PlanNetwork(conn, tree, request);
    if (!result) return result.error();
    return NetworkJson(*result, tree);
  });
}

}  // namespace fupin::logistics
