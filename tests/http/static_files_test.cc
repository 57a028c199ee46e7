#include "http/static_files.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "http/gzip.h"

namespace fupin::http {
namespace {

namespace fs = std::filesystem;

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/fupin-static-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    root_ = pattern;
    web_ = root_ / "web";
    fs::create_directories(web_ / "assets");
    Write("index.html", "<!doctype html><title>app</title>");
    Write("secret-outside.txt", "outside", root_);
    Write("assets/index-3f2a.js", BigText("console.log('x');"));
    Write("style.css", "body{}");
    Write("app.js", "let a;");
    Write("app.mjs", "export {};");
    Write("data.json", "{}");
    Write("icon.svg", "<svg/>");
    Write("logo.png", "\x89PNG....");
    Write("photo.jpg", "jpg");
    Write("pic.webp", "webp");
    Write("favicon.ico", "ico");
    Write("font.woff2", "woff2");
    Write("robots.txt", "User-agent: *");
    Write("app.js.map", "{}");
    Write("site.webmanifest", "{}");
    Write("blob.bin", "bin");
    Write(".env", "SECRET=1");
  }
  void TearDown() override { fs::remove_all(root_); }

  static std::string BigText(const std::string& unit) {
    std::string s;
    while (s.size() < 4000) s += unit;
    return s;
  }
  void Write(const std::string& rel, const std::string& content, fs::path base = {}) {
    if (base.empty()) base = web_;
    std::ofstream(base / rel, std::ios::binary) << content;
  }
  static Request Get(std::string path, Fields headers = {}) {
    Request r;
    r.method = "GET";
    r.path = std::move(path);
    r.target = r.path;
    r.headers = std::move(headers);
    return r;
  }
  static std::string HeaderOf(const Response& r, std::string_view name) {
    for (const auto& [n, v] : r.headers) {
      if (n == name) return v;
    }
    return "";
  }

  fs::path root_;
  fs::path web_;
};

TEST_F(StaticFilesTest, ContentTypesByExtension) {
  StaticFiles files(web_.string());
  struct Case {
    const char* path;
    const char* type;
    bool compressible;
  };
  const Case cases[] = {
      {"/index.html", "text/html; charset=utf-8", true},
      {"/app.js", "text/javascript; charset=utf-8", true},
      {"/app.mjs", "text/javascript; charset=utf-8", true},
      {"/style.css", "text/css; charset=utf-8", true},
      {"/data.json", "application/json", true},
      {"/icon.svg", "image/svg+xml", true},
      {"/logo.png", "image/png", false},
      {"/photo.jpg", "image/jpeg", false},
      {"/pic.webp", "image/webp", false},
      {"/favicon.ico", "image/x-icon", true},
      {"/font.woff2", "font/woff2", false},
      {"/robots.txt", "text/plain; charset=utf-8", true},
      {"/app.js.map", "application/json", true},
      {"/site.webmanifest", "application/manifest+json", true},
      {"/blob.bin", "application/octet-stream", false},
  };
  for (const Case& c : cases) {
    std::optional<Response> r = files.Serve(Get(c.path));
    ASSERT_TRUE(r.has_value()) << c.path;
    EXPECT_EQ(r->status, 200) << c.path;
    EXPECT_EQ(r->content_type, c.type) << c.path;
    EXPECT_EQ(r->compressible, c.compressible) << c.path;
  }
  EXPECT_EQ(files.Serve(Get("/style.css"))->body, "body{}");
}

TEST_F(StaticFilesTest, AssetsAreImmutableOtherFilesRevalidated) {
  StaticFiles files(web_.string());
  std::optional<Response> asset = files.Serve(Get("/assets/index-3f2a.js"));
  ASSERT_TRUE(asset);
  EXPECT_EQ(HeaderOf(*asset, "Cache-Control"), "public, max-age=31536000, immutable");
  // Large text is served with its gzip form prepared once.
  ASSERT_TRUE(asset->gzipped);
  EXPECT_LT(asset->gzipped->size(), asset->body.size());
  EXPECT_EQ(Gunzip(*asset->gzipped).value(), asset->body);
  EXPECT_EQ(HeaderOf(*files.Serve(Get("/app.js")), "Cache-Control"), "no-cache");
  EXPECT_EQ(HeaderOf(*files.Serve(Get("/")), "Cache-Control"), "no-cache");
  EXPECT_FALSE(files.Serve(Get("/app.js"))->gzipped);  // too small to be worth it
}

TEST_F(StaticFilesTest, RefusesTraversal) {
  StaticFiles files(web_.string());
  const char* paths[] = {"/../secret-outside.txt", "/assets/../../secret-outside.txt", "/assets/../index.html",
                         "//etc/passwd",           "/./index.html",                   "/.env",
                         "/assets//index-3f2a.js", "/..",                             "/assets/..\\..\\x"};
  for (const char* path : paths) {
    std::optional<Response> r = files.Serve(Get(path));
    ASSERT_TRUE(r.has_value()) << path;
    EXPECT_EQ(r->status, 404) << path;
    EXPECT_EQ(r->body.find("outside"), std::string::npos) << path;
  }
  std::optional<Response> nul = files.Serve(Get(std::string("/index.html\0.png", 16)));
  ASSERT_TRUE(nul);
  EXPECT_EQ(nul->status, 404);
  Request relative = Get("index.html");
  EXPECT_EQ(files.Serve(relative)->status, 404);
}

TEST_F(StaticFilesTest, EtagAndNotModified) {
  StaticFiles files(web_.string());
  std::optional<Response> first = files.Serve(Get("/app.js"));
  ASSERT_TRUE(first);
  std::string etag = HeaderOf(*first, "ETag");
  ASSERT_FALSE(etag.empty());
  EXPECT_EQ(etag.front(), '"');

  for (std::string inm : {etag, "W/" + etag, "\"other\", " + etag, std::string("*")}) {
    std::optional<Response> again = files.Serve(Get("/app.js", {{"if-none-match", inm}}));
    ASSERT_TRUE(again);
    EXPECT_EQ(again->status, 304) << inm;
    EXPECT_TRUE(again->body.empty());
    EXPECT_EQ(HeaderOf(*again, "ETag"), etag);
  }
  EXPECT_EQ(files.Serve(Get("/app.js", {{"if-none-match", "\"stale\""}}))->status, 200);

  // A changed file is read again, with a new tag.
  Write("app.js", "let a = 'changed, and longer';");
  std::optional<Response> changed = files.Serve(Get("/app.js", {{"if-none-match", etag}}));
  ASSERT_TRUE(changed);
  EXPECT_EQ(changed->status, 200);
  EXPECT_EQ(changed->body, "let a = 'changed, and longer';");
  EXPECT_NE(HeaderOf(*changed, "ETag"), etag);
}

TEST_F(StaticFilesTest, SinglePageAppFallback) {
  StaticFiles files(web_.string());
  for (const char* path : {"/", "/villages/622921", "/households", "/assets/"}) {
    std::optional<Response> r = files.Serve(Get(path));
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 200) << path;
    EXPECT_EQ(r->body, "<!doctype html><title>app</title>") << path;
    EXPECT_EQ(HeaderOf(*r, "Cache-Control"), "no-cache") << path;
  }
  // A missing file with an extension is a real 404, left to the caller.
  EXPECT_FALSE(files.Serve(Get("/missing.js")));
  EXPECT_FALSE(files.Serve(Get("/assets/old-1234.css")));
  // Never for the API, and only for GET and HEAD.
  EXPECT_FALSE(files.Serve(Get("/api/v1/nothing")));
  EXPECT_FALSE(files.Serve(Get("/api/")));
  EXPECT_FALSE(files.Serve(Get("/api")));
  Request post = Get("/");
  post.method = "POST";
  EXPECT_FALSE(files.Serve(post));
  Request head = Get("/app.js");
  head.method = "HEAD";
  ASSERT_TRUE(files.Serve(head));
  EXPECT_EQ(files.Serve(head)->status, 200);
}

TEST_F(StaticFilesTest, PlaceholderWhenTheInterfaceIsNotBuilt) {
  StaticFiles files((root_ / "no-such-dir").string());
  for (const char* path : {"/", "/villages/1"}) {
    std::optional<Response> r = files.Serve(Get(path));
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->content_type, "text/html; charset=utf-8");
    EXPECT_NE(r->body.find("扶贫"), std::string::npos);
    EXPECT_NE(r->body.find("not built yet"), std::string::npos);
    EXPECT_NE(r->body.find("/api/v1/openapi.json"), std::string::npos);
    EXPECT_NE(r->body.find("name=\"viewport\""), std::string::npos);
    // No external resources: no scheme-qualified URL, no scripts or images.
    EXPECT_EQ(r->body.find("://"), std::string::npos);
    EXPECT_EQ(r->body.find("<script"), std::string::npos);
    EXPECT_EQ(r->body.find("<img"), std::string::npos);
  }
  EXPECT_FALSE(files.Serve(Get("/app.js")));
  EXPECT_FALSE(files.Serve(Get("/api/v1/x")));
}

}  // namespace
}  // namespace fupin::http
