#include "http/router.h"

#include <gtest/gtest.h>

namespace fupin::http {
namespace {

TEST(RouterTest, MatchesLiteralsBeforeParameters) {
  Router<int> router;
  router.Add("GET", "/api/v1/regions/{code}", 1);
  router.Add("GET", "/api/v1/regions/search", 2);
  router.Add("POST", "/api/v1/change-requests/{id}/approve", 3);
  router.Add("GET", "/api/v1/change-requests/{id}", 4);

  auto m = router.Find("GET", "/api/v1/regions/search");
  ASSERT_EQ(m.outcome, Router<int>::Outcome::kFound);
  EXPECT_EQ(m.entry->route, 2);

  m = router.Find("GET", "/api/v1/regions/622900000000");
  ASSERT_EQ(m.outcome, Router<int>::Outcome::kFound);
  EXPECT_EQ(m.entry->route, 1);
  ASSERT_EQ(m.params.size(), 1u);
  EXPECT_EQ(m.params[0].first, "code");
  EXPECT_EQ(m.params[0].second, "622900000000");

  m = router.Find("POST", "/api/v1/change-requests/17/approve");
  ASSERT_EQ(m.outcome, Router<int>::Outcome::kFound);
  EXPECT_EQ(m.params[0].second, "17");
}

TEST(RouterTest, TellsMissingPathFromWrongMethod) {
  Router<int> router;
  router.Add("GET", "/api/v1/session", 1);
  router.Add("DELETE", "/api/v1/session", 2);
  EXPECT_EQ(router.Find("GET", "/api/v1/sessions").outcome, Router<int>::Outcome::kNoPath);
  EXPECT_EQ(router.Find("GET", "/api/v1/session/").outcome, Router<int>::Outcome::kNoPath);
  EXPECT_EQ(router.Find("GET", "/api/v1/regions//x").outcome, Router<int>::Outcome::kNoPath);
  auto m = router.Find("PUT", "/api/v1/session");
  EXPECT_EQ(m.outcome, Router<int>::Outcome::kNoMethod);
  EXPECT_EQ(m.allow, "GET, DELETE");
}

TEST(RouterTest, ParametersMatchOneNonEmptySegment) {
  Router<int> router;
  router.Add("GET", "/api/v1/households/{id}", 1);
  EXPECT_EQ(router.Find("GET", "/api/v1/households/").outcome, Router<int>::Outcome::kNoPath);
  EXPECT_EQ(router.Find("GET", "/api/v1/households/1/2").outcome, Router<int>::Outcome::kNoPath);
  EXPECT_EQ(router.Find("GET", "/api/v1/households/1").outcome, Router<int>::Outcome::kFound);
}

}  // namespace
}  // namespace fupin::http
