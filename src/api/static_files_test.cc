// The web UI's files: what is served from the build folder, what falls back to index.html,
// what is refused, and the same through the real server (GET and HEAD).
#include "api/static_files.h"

#include <fstream>

#include "api/api_test_fixture.h"

namespace mailmark {
namespace {

namespace fs = std::filesystem;

void Write(const fs::path& file, const std::string& text) {
  fs::create_directories(file.parent_path());
  std::ofstream(file, std::ios::binary) << text;
}

std::string HeaderOf(const StaticAnswer& a, const std::string& name) {
  for (const auto& [n, v] : a.headers)
    if (n == name) return v;
  return "";
}

// A folder laid out like the Vite build, and a secret beside it that must never be served.
class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = fs::temp_directory_path() / ("mm_static_test_" + RandomHex(8));
    ui_ = base_ / "ui";
    Write(base_ / "secret.txt", "the secret");
    Write(ui_ / "index.html", "<!doctype html><title>UI</title>");
    Write(ui_ / "assets" / "index-3f2a.js", "console.log(1)");
    Write(ui_ / "assets" / "index-3f2a.css", "body{}");
    Write(ui_ / "favicon.svg", "<svg/>");
    Write(ui_ / "robots.txt", "User-agent: *");
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(base_, ec);
  }

  fs::path base_, ui_;
};

TEST(StaticFiles, UiPathsAreEverythingButTheApiAndUnsubscribePages) {
  for (const char* p : {"/", "/index.html", "/mailboxes/abc", "/assets/x.js", "/apix", "/ux",
                        "/unsubscribe", "/api-docs"})
    EXPECT_TRUE(IsUiPath(p)) << p;
  for (const char* p : {"/api", "/api/", "/api/nope", "/api/sequences/x", "/u", "/u/", "/u/tok"})
    EXPECT_FALSE(IsUiPath(p)) << p;
}

TEST(StaticFiles, ContentTypesByExtension) {
  EXPECT_EQ(ContentTypeFor("index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("app.JS"), "text/javascript; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("a.css"), "text/css; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("a.svg"), "image/svg+xml");
  EXPECT_EQ(ContentTypeFor("a.png"), "image/png");
  EXPECT_EQ(ContentTypeFor("favicon.ico"), "image/x-icon");
  EXPECT_EQ(ContentTypeFor("f.woff2"), "font/woff2");
  EXPECT_EQ(ContentTypeFor("m.json"), "application/json; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("robots.txt"), "text/plain; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("index.js.map"), "application/json; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("archive.tar.gz"), "");
  EXPECT_EQ(ContentTypeFor("README"), "");
}

TEST_F(StaticFilesTest, FilesAreServedWithTheirTypeAndCaching) {
  StaticAnswer js = ServeUi(ui_, "/assets/index-3f2a.js");
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.body, "console.log(1)");
  EXPECT_EQ(js.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(HeaderOf(js, "Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(HeaderOf(js, "X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(HeaderOf(js, "Referrer-Policy"), "same-origin");
  EXPECT_EQ(HeaderOf(js, "X-Frame-Options"), "DENY");
  EXPECT_EQ(HeaderOf(js, "Content-Security-Policy"), "");

  StaticAnswer css = ServeUi(ui_, "/assets/index-3f2a.css");
  EXPECT_EQ(css.content_type, "text/css; charset=utf-8");
  StaticAnswer svg = ServeUi(ui_, "/favicon.svg");
  EXPECT_EQ(svg.status, 200);
  EXPECT_EQ(svg.content_type, "image/svg+xml");
  EXPECT_EQ(HeaderOf(svg, "Cache-Control"), "no-cache") << "only hashed assets are immutable";
  EXPECT_EQ(ServeUi(ui_, "/robots.txt").body, "User-agent: *");
}

TEST_F(StaticFilesTest, UiRoutesGetIndexHtmlWithThePolicy) {
  for (const char* path : {"/", "/index.html", "/mailboxes/abc", "/sequences/s1/enrollments",
                           "//mailboxes", "/contacts/bob@example.com"}) {
    StaticAnswer a = ServeUi(ui_, path);
    EXPECT_EQ(a.status, 200) << path;
    EXPECT_EQ(a.body, "<!doctype html><title>UI</title>") << path;
    EXPECT_EQ(a.content_type, "text/html; charset=utf-8") << path;
    EXPECT_EQ(HeaderOf(a, "Cache-Control"), "no-cache") << path;
    EXPECT_EQ(HeaderOf(a, "Content-Security-Policy"), kUiContentSecurityPolicy) << path;
    EXPECT_EQ(HeaderOf(a, "X-Frame-Options"), "DENY") << path;
  }
}

TEST_F(StaticFilesTest, MissingFilesAre404NotThePage) {
  for (const char* path : {"/assets/index-old.js", "/assets/", "/assets", "/assets/sub/x",
                           "/favicon.ico", "/logo.png", "/manifest.json"}) {
    StaticAnswer a = ServeUi(ui_, path);
    EXPECT_EQ(a.status, 404) << path;
    EXPECT_EQ(a.content_type, "text/plain; charset=utf-8") << path;
    EXPECT_EQ(HeaderOf(a, "X-Content-Type-Options"), "nosniff") << path;
  }
}

TEST_F(StaticFilesTest, NothingOutsideTheFolderIsReachable) {
  for (const char* path : {"/../secret.txt", "/assets/../../secret.txt", "/./index.html", "/..",
                           "/assets/..\\..\\secret.txt", "relative.txt", ""}) {
    StaticAnswer a = ServeUi(ui_, path);
    EXPECT_EQ(a.status, 404) << path;
    EXPECT_EQ(a.body.find("the secret"), std::string::npos) << path;
  }
  std::string with_nul("/index.html\0.txt", 16);
  EXPECT_EQ(ServeUi(ui_, with_nul).status, 404);

  // Symlinks that lead out are not followed; one that stays inside is.
  fs::create_symlink(base_ / "secret.txt", ui_ / "leak.txt");
  fs::create_directory_symlink(base_, ui_ / "up");
  fs::create_symlink(ui_ / "robots.txt", ui_ / "robots2.txt");
  EXPECT_EQ(ServeUi(ui_, "/leak.txt").status, 404);
  StaticAnswer through_dir = ServeUi(ui_, "/up/secret.txt");
  EXPECT_EQ(through_dir.status, 404);
  EXPECT_EQ(through_dir.body.find("the secret"), std::string::npos);
  EXPECT_EQ(ServeUi(ui_, "/robots2.txt").body, "User-agent: *");
  // Nor is an index.html that is a link out of the folder.
  fs::remove(ui_ / "index.html");
  fs::create_symlink(base_ / "secret.txt", ui_ / "index.html");
  StaticAnswer index = ServeUi(ui_, "/");
  EXPECT_EQ(index.body.find("the secret"), std::string::npos);
  EXPECT_NE(index.body.find("not built"), std::string::npos);
}

TEST_F(StaticFilesTest, NotBuiltSaysHowToBuild) {
  fs::path none = base_ / "missing";
  StaticAnswer root = ServeUi(none, "/");
  EXPECT_EQ(root.status, 200);
  EXPECT_EQ(root.content_type, "text/html; charset=utf-8");
  EXPECT_NE(root.body.find("The web UI is not built"), std::string::npos);
  EXPECT_NE(root.body.find("make run"), std::string::npos);
  EXPECT_EQ(HeaderOf(root, "Content-Security-Policy"), kUiContentSecurityPolicy);
  EXPECT_EQ(ServeUi(none, "/mailboxes/abc").status, 404);
  // A folder without index.html is not a build either.
  fs::remove(ui_ / "index.html");
  EXPECT_NE(ServeUi(ui_, "/").body.find("not built"), std::string::npos);
}

TEST_F(StaticFilesTest, ARebuildIsServedWithoutARestart) {
  EXPECT_EQ(ServeUi(ui_, "/assets/index-3f2a.js").status, 200);
  fs::remove_all(ui_);
  EXPECT_NE(ServeUi(ui_, "/").body.find("not built"), std::string::npos);
  Write(ui_ / "index.html", "<p>v2</p>");
  Write(ui_ / "assets" / "index-9c1d.js", "v2()");
  EXPECT_EQ(ServeUi(ui_, "/").body, "<p>v2</p>");
  EXPECT_EQ(ServeUi(ui_, "/assets/index-9c1d.js").body, "v2()");
  EXPECT_EQ(ServeUi(ui_, "/assets/index-3f2a.js").status, 404);
}

// ---- through the server ----

class UiServerTest : public ApiTest {
 protected:
  UiServerTest() {
    ui_ = fs::temp_directory_path() / ("mm_ui_server_test_" + RandomHex(8));
    options_.ui_dir = ui_;
  }
  void TearDown() override {
    ApiTest::TearDown();
    std::error_code ec;
    fs::remove_all(ui_, ec);
  }
  fs::path ui_;
};

TEST_F(UiServerTest, ServesTheUiBesideTheApi) {
  Answer before = Get("/", "");
  EXPECT_EQ(before.status, 200);
  EXPECT_NE(before.body.find("make run"), std::string::npos);

  Write(ui_ / "index.html", "<!doctype html><div id=root></div>");
  Write(ui_ / "assets" / "app-1.js", "run()");
  Answer root = Get("/", "");
  EXPECT_EQ(root.status, 200);
  EXPECT_EQ(root.body, "<!doctype html><div id=root></div>");
  EXPECT_EQ(root.Header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(root.Header("Content-Security-Policy"), kUiContentSecurityPolicy);
  EXPECT_EQ(root.Header("Cache-Control"), "no-cache");
  EXPECT_EQ(root.Header("Referrer-Policy"), "same-origin");
  Answer route = Get("/mailboxes/mbx_1?tab=outbox", "");
  EXPECT_EQ(route.status, 200);
  EXPECT_EQ(route.body, root.body);
  Answer js = Get("/assets/app-1.js", "");
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.body, "run()");
  EXPECT_EQ(js.Header("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(js.Header("Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(js.Header("X-Content-Type-Options"), "nosniff");

  // HEAD: the same headers, no body.
  httplib::Client cli = Client();
  auto head = cli.Head("/assets/app-1.js");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->body, "");
  EXPECT_EQ(head->get_header_value("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(head->get_header_value("Cache-Control"), "public, max-age=31536000, immutable");

  // Escapes are decoded before the path is judged.
  Write(ui_.parent_path() / (ui_.filename().string() + "-secret.txt"), "the secret");
  Answer escaped = Get("/%2e%2e/" + ui_.filename().string() + "-secret.txt", "");
  EXPECT_EQ(escaped.status, 404);
  EXPECT_EQ(escaped.body.find("the secret"), std::string::npos);
  fs::remove(ui_.parent_path() / (ui_.filename().string() + "-secret.txt"));
}

TEST_F(UiServerTest, TheApiAndUnsubscribePathsAreNotTheUis) {
  Write(ui_ / "index.html", "<p>ui</p>");
  Answer api = Get("/api/nope", alice_);
  EXPECT_EQ(api.status, 404);
  EXPECT_EQ(api.code(), "route_not_found");
  EXPECT_EQ(Get("/api", "").code(), "route_not_found");
  EXPECT_EQ(Get("/u", "").code(), "route_not_found");
  Answer unsubscribe = Get("/u/not-a-token", "");
  EXPECT_EQ(unsubscribe.status, 404);
  EXPECT_EQ(unsubscribe.body.find("<p>ui</p>"), std::string::npos);
  EXPECT_EQ(Get("/api/health", "").json["status"], "ok");
  // Only GET and HEAD reach the UI.
  Answer post = Send("POST", "/mailboxes", "", "{}");
  EXPECT_EQ(post.status, 404);
  EXPECT_EQ(post.code(), "route_not_found");
}

}  // namespace
}  // namespace mailmark
