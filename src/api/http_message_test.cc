#include "api/http_message.h"

#include <gtest/gtest.h>

namespace mailmark {
namespace {

TEST(HttpMessage, HeadersAreCaseInsensitiveAndMayRepeat) {
  HttpRequest r;
  r.headers.Add("Cookie", "a=1");
  r.headers.Add("content-type", "text/csv");
  r.headers.Add("COOKIE", "b=2");
  EXPECT_TRUE(r.has_header("cookie"));
  EXPECT_EQ(r.get_header_value_count("Cookie"), 2u);
  EXPECT_EQ(r.get_header_value("cookie"), "a=1");
  EXPECT_EQ(r.get_header_value("cookie", 1), "b=2");
  EXPECT_EQ(r.get_header_value("cookie", 2), "");
  EXPECT_EQ(r.get_header_value("Content-Type"), "text/csv");
  EXPECT_FALSE(r.has_header("Authorization"));
}

TEST(HttpMessage, ContentLengthOnlyWhenValidAndSingle) {
  HttpRequest r;
  EXPECT_FALSE(r.content_length());
  r.headers.Add("Content-Length", "42");
  EXPECT_EQ(r.content_length(), 42u);
  r.headers.Add("Content-Length", "42");
  EXPECT_FALSE(r.content_length()) << "two of them";
  HttpRequest bad;
  bad.headers.Add("Content-Length", "4x");
  EXPECT_FALSE(bad.content_length());
}

TEST(HttpMessage, TargetsAreSplitAndDecoded) {
  std::string path;
  std::vector<std::pair<std::string, std::string>> params;
  ParseTarget("/api/mailboxes/x/outbox/%3Cm%40x%3E?limit=2&q=a+b%26c&flag&&=v", &path, &params);
  EXPECT_EQ(path, "/api/mailboxes/x/outbox/<m@x>");
  ASSERT_EQ(params.size(), 4u);
  EXPECT_EQ(params[0], std::make_pair(std::string("limit"), std::string("2")));
  EXPECT_EQ(params[1], std::make_pair(std::string("q"), std::string("a b&c")));
  EXPECT_EQ(params[2], std::make_pair(std::string("flag"), std::string("")));
  EXPECT_EQ(params[3], std::make_pair(std::string(""), std::string("v")));
  ParseTarget("/a+b%2", &path, &params);
  EXPECT_EQ(path, "/a+b%2") << "a plus in a path is a plus; a broken escape stays";
  EXPECT_TRUE(params.empty());
  EXPECT_EQ(PercentDecode("%zz%41%4a%4A", false), "%zzAJJ");
}

TEST(HttpMessage, ParamsAreLookedUpByName) {
  HttpRequest r;
  ParseTarget("/x?status=active&status=paused", &r.path, &r.params);
  EXPECT_TRUE(r.has_param("status"));
  EXPECT_EQ(r.get_param_value("status"), "active");
  EXPECT_FALSE(r.has_param("Status"));
  EXPECT_EQ(r.get_param_value("none"), "");
}

TEST(HttpMessage, ResponseHeadersAreSetOnce) {
  HttpResponse res;
  res.set_header("Cache-Control", "no-cache");
  res.set_header("cache-control", "no-store");
  EXPECT_EQ(res.headers.size(), 1u);
  EXPECT_EQ(res.header("CACHE-CONTROL"), "no-store");
  EXPECT_EQ(res.header("Allow"), "");
}

}  // namespace
}  // namespace mailmark
