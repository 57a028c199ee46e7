// The OpenAPI document is kept true: every route the server knows is in it,
// and everything in it is a route the server knows.
#include <set>
#include <string>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <gtest/gtest.h>

#include "api/app.h"

namespace fupin::api {
namespace {

namespace bj = boost::json;

bj::value Document() {
  boost::system::error_code ec;
  bj::value doc = bj::parse(bj::string_view(OpenApiDocument().data(), OpenApiDocument().size()), ec);
  EXPECT_FALSE(ec) << "docs/openapi.json is not valid JSON: " << ec.message();
  return doc;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

TEST(OpenApiTest, DocumentsExactlyTheRoutesServed) {
  RouteTable table;
  AddAllRoutes(table);
  std::set<std::string> served;
  for (const auto& e : table.router().entries()) served.insert(Lower(e.method) + " " + e.pattern);

  bj::value doc = Document();
  ASSERT_TRUE(doc.is_object());
  std::set<std::string> documented;
  for (const auto& [path, item] : doc.at("paths").as_object()) {
    for (const auto& [method, op] : item.as_object()) {
      if (method == "parameters") continue;
      documented.insert(std::string(method) + " " + std::string(path));
    }
  }
  for (const std::string& route : served) EXPECT_TRUE(documented.count(route)) << "not documented: " << route;
  for (const std::string& route : documented) EXPECT_TRUE(served.count(route)) << "documented, not served: " << route;
  EXPECT_GT(served.size(), 10u);
}

TEST(OpenApiTest, EveryOperationIsComplete) {
  bj::value doc = Document();
  ASSERT_TRUE(doc.is_object());
  EXPECT_EQ(std::string(doc.at("openapi").as_string()).substr(0, 2), "3.");
  const bj::object& schemas = doc.at("components").at("schemas").as_object();
  EXPECT_TRUE(schemas.contains("Error"));
  for (const auto& [path, item] : doc.at("paths").as_object()) {
    std::string p(path);
    for (const auto& [method, op] : item.as_object()) {
      std::string where = std::string(method) + " " + p;
      const bj::object& o = op.as_object();
      EXPECT_TRUE(o.contains("summary")) << where;
      EXPECT_TRUE(o.contains("operationId")) << where;
      ASSERT_TRUE(o.contains("responses")) << where;
      EXPECT_FALSE(o.at("responses").as_object().empty()) << where;
      // Each {name} of the path is a declared path parameter.
      std::set<std::string> declared;
      if (o.contains("parameters")) {
        for (const auto& param : o.at("parameters").as_array()) {
          const bj::object& po = param.as_object();
          if (po.contains("in") && po.at("in").as_string() == "path") {
            declared.insert(std::string(po.at("name").as_string()));
          }
        }
      }
      for (size_t open = p.find('{'); open != std::string::npos; open = p.find('{', open + 1)) {
        std::string name = p.substr(open + 1, p.find('}', open) - open - 1);
        EXPECT_TRUE(declared.count(name)) << where << ": path parameter " << name << " not declared";
      }
    }
  }
}

}  // namespace
}  // namespace fupin::api
