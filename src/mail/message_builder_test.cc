#include "mail/message_builder.h"

#include <random>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include <gmime/gmime.h>
#include <gtest/gtest.h>

#include "mail/gmime_runtime.h"
#include "mail/gobject_ptr.h"
#include "mail/html_to_text.h"
#include "mail/rfc2047.h"

namespace mailmark {
namespace {

MessageInput BasicInput() {
  MessageInput in;
  in.from_name = "Ann Sender";
  in.from_email = "ann@example.com";
  in.to_email = "bob@example.org";
  in.subject = "Hello Bob";
  in.html = "<p>Hi <b>Bob</b>,</p><p>See <a href=\"https://x.test/d\">the docs</a>.</p>";
  in.text = "Hi Bob,\n\nSee the docs: https://x.test/d";
  in.message_id = "<0123456789abcdef0123456789abcdef@example.com>";
  in.date = FromMillis(1'795'000'000'000);
  return in;
}

GObjectPtr<GMimeMessage> Parse(const std::string& raw) {
  EnsureGMimeInitialized();
  GObjectPtr<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(raw.data(), raw.size()));
  GObjectPtr<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
  return GObjectPtr<GMimeMessage>(g_mime_parser_construct_message(parser.get(), nullptr));
}

std::string Header(GMimeMessage* message, const char* name) {
  const char* value = g_mime_object_get_header(GMIME_OBJECT(message), name);
  return value ? value : "";
}

bool HasHeader(GMimeMessage* message, const char* name) {
  return g_mime_object_get_header(GMIME_OBJECT(message), name) != nullptr;
}

std::string FromName(GMimeMessage* message) {
  InternetAddressList* from = g_mime_message_get_from(message);
  if (internet_address_list_length(from) != 1) return "<not one From>";
  const char* name = internet_address_get_name(internet_address_list_get_address(from, 0));
  return name ? name : "";
}

std::string FirstAddr(InternetAddressList* list) {
  if (internet_address_list_length(list) < 1) return "";
  InternetAddress* ia = internet_address_list_get_address(list, 0);
  if (!INTERNET_ADDRESS_IS_MAILBOX(ia)) return "<group>";
  return internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia));
}

std::string WithoutCr(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c != '\r') out.push_back(c);
  }
  return out;
}

// Transfer-decoded content of a leaf part, line ends normalised to LF.
std::string DecodedContent(GMimeObject* object) {
  GMimeDataWrapper* wrapper = g_mime_part_get_content(GMIME_PART(object));
  GObjectPtr<GMimeStream> out(g_mime_stream_mem_new());
  g_mime_data_wrapper_write_to_stream(wrapper, out.get());
  GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(out.get()));
  return WithoutCr(std::string_view(reinterpret_cast<const char*>(bytes->data), bytes->len));
}

std::vector<std::string> ReferenceIds(const std::string& value) {
  std::vector<std::string> ids;
  GMimeReferences* refs = g_mime_references_parse(nullptr, value.c_str());
  for (int i = 0; refs != nullptr && i < g_mime_references_length(refs); ++i) {
    ids.push_back("<" + std::string(g_mime_references_get_message_id(refs, i)) + ">");
  }
  if (refs != nullptr) g_mime_references_free(refs);
  return ids;
}

// Wire-format rules every built message must follow, whatever the input.
void ExpectWellFormedWire(const std::string& raw) {
  ASSERT_FALSE(raw.empty());
  std::size_t line_length = 0;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == '\r') {
      ASSERT_TRUE(i + 1 < raw.size() && raw[i + 1] == '\n') << "bare CR at " << i;
    } else if (c == '\n') {
      ASSERT_TRUE(i > 0 && raw[i - 1] == '\r') << "bare LF at " << i;
      line_length = 0;
      continue;
    } else {
      ++line_length;
      ASSERT_LE(line_length, 998u) << "line too long at " << i;
    }
    ASSERT_NE(c, '\0') << "NUL at " << i;
  }
  EXPECT_TRUE(raw.ends_with("\r\n"));
}

struct Parts {
  GMimeObject* text = nullptr;
  GMimeObject* html = nullptr;
};

// Asserts the multipart/alternative shape and returns its two parts.
Parts AlternativeParts(GMimeMessage* message) {
  Parts parts;
  GMimeObject* body = g_mime_message_get_mime_part(message);
  EXPECT_TRUE(body != nullptr && GMIME_IS_MULTIPART(body));
  if (body == nullptr || !GMIME_IS_MULTIPART(body)) return parts;
  GMimeContentType* type = g_mime_object_get_content_type(body);
  EXPECT_TRUE(g_mime_content_type_is_type(type, "multipart", "alternative"));
  GMimeMultipart* multipart = GMIME_MULTIPART(body);
  EXPECT_EQ(g_mime_multipart_get_count(multipart), 2);
  if (g_mime_multipart_get_count(multipart) != 2) return parts;
  parts.text = g_mime_multipart_get_part(multipart, 0);
  parts.html = g_mime_multipart_get_part(multipart, 1);
  for (auto [part, subtype] : {std::pair{parts.text, "plain"}, std::pair{parts.html, "html"}}) {
    GMimeContentType* part_type = g_mime_object_get_content_type(part);
    EXPECT_TRUE(g_mime_content_type_is_type(part_type, "text", subtype)) << subtype;
    const char* charset = g_mime_object_get_content_type_parameter(part, "charset");
    EXPECT_STREQ(charset, "utf-8");
    GMimeContentEncoding encoding = g_mime_part_get_content_encoding(GMIME_PART(part));
    EXPECT_TRUE(encoding == GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE ||
                encoding == GMIME_CONTENT_ENCODING_BASE64)
        << subtype << " encoding " << encoding;
  }
  return parts;
}

TEST(MessageBuilderTest, BasicMessageRoundTrips) {
  MessageInput in = BasicInput();
  std::string raw = BuildMessage(in);
  ExpectWellFormedWire(raw);
  auto message = Parse(raw);
  ASSERT_TRUE(message);
  EXPECT_STREQ(g_mime_message_get_subject(message.get()), "Hello Bob");
  EXPECT_EQ(FromName(message.get()), "Ann Sender");
  EXPECT_EQ(FirstAddr(g_mime_message_get_from(message.get())), "ann@example.com");
  EXPECT_EQ(FirstAddr(g_mime_message_get_to(message.get())), "bob@example.org");
  EXPECT_EQ(internet_address_list_length(g_mime_message_get_to(message.get())), 1);
  EXPECT_EQ(Header(message.get(), "Date"), FormatRfc5322(in.date));
  EXPECT_EQ(Header(message.get(), "MIME-Version"), "1.0");
  EXPECT_FALSE(HasHeader(message.get(), "In-Reply-To"));
  EXPECT_FALSE(HasHeader(message.get(), "References"));
  EXPECT_FALSE(HasHeader(message.get(), "List-Unsubscribe"));
  EXPECT_FALSE(HasHeader(message.get(), "List-Unsubscribe-Post"));
  Parts parts = AlternativeParts(message.get());
  ASSERT_TRUE(parts.text && parts.html);
  EXPECT_EQ(DecodedContent(parts.text), *in.text);
  EXPECT_EQ(DecodedContent(parts.html), in.html);
}

TEST(MessageBuilderTest, MessageIdIsExactlyAsGiven) {
  MessageInput in = BasicInput();
  std::string raw = BuildMessage(in);
  EXPECT_NE(raw.find("\r\nMessage-ID: " + in.message_id + "\r\n"), std::string::npos) << raw;
  auto message = Parse(raw);
  EXPECT_EQ(Header(message.get(), "Message-ID"), in.message_id);
  EXPECT_STREQ(g_mime_message_get_message_id(message.get()),
               in.message_id.substr(1, in.message_id.size() - 2).c_str());
}

TEST(MessageBuilderTest, InternationalSubjectsAndNamesRoundTripExactly) {
  std::string long_subject;
  for (int i = 0; i < 120; ++i) long_subject += "word" + std::to_string(i) + " ";
  long_subject += "end";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"Jörg Müller", "Grüße aus Köln, Jörg"},
      {"🚀 Launch", "🚀 Launch"},
      {"山田 太郎", "日本語の件名です。ご確認ください。"},
      {"Ann", long_subject},
      {"Ann", std::string(1500, 'x')},  // one "word" far longer than a header line may be
      {"Ann", "Ünïcödé " + std::string(600, 'y') + " and 🚀🚀🚀 " + long_subject},
      {"Doe, \"Johnny\" <J>", "quotes \"and\" =?utf-8?q?fake?= words"},
  };
  for (const auto& [name, subject] : cases) {
    MessageInput in = BasicInput();
    in.from_name = name;
    in.subject = subject;
    std::string raw = BuildMessage(in);
    ExpectWellFormedWire(raw);
    auto message = Parse(raw);
    ASSERT_TRUE(message);
    EXPECT_STREQ(g_mime_message_get_subject(message.get()), subject.c_str()) << raw;
    EXPECT_EQ(FromName(message.get()), name) << raw;
    EXPECT_EQ(FirstAddr(g_mime_message_get_from(message.get())), "ann@example.com");
  }
}

TEST(MessageBuilderTest, SurroundingBlanksAreTrimmed) {
  MessageInput in = BasicInput();
  in.from_name = "  spaced  name  ";
  in.subject = "  leading and trailing  ";
  auto message = Parse(BuildMessage(in));
  EXPECT_STREQ(g_mime_message_get_subject(message.get()), "leading and trailing");
  EXPECT_EQ(FromName(message.get()), "spaced  name");
  in.subject = "  Grüße  ";
  message = Parse(BuildMessage(in));
  EXPECT_STREQ(g_mime_message_get_subject(message.get()), "Grüße");
}

// GMime 3.2.13's own encoder output loses text when its decoder reads it back (bug #133);
// the builder writes its own encoded-words, which every random mix must survive.
TEST(MessageBuilderTest, RandomMixedScriptSubjectsAndNamesRoundTrip) {
  std::mt19937 rng(2024);
  const std::vector<std::string> units = {"日", "ö", "a",  " ", "🚀", "é", "Б", "x", "=?",
                                          "?=", "_", "\"", "=", "?", ",", "<", "Q", "\t"};
  for (int round = 0; round < 500; ++round) {
    std::string subject = "s";
    std::string name = "n";
    for (std::size_t i = 0, n = 1 + rng() % 90; i < n; ++i) subject += units[rng() % units.size()];
    for (std::size_t i = 0, n = 1 + rng() % 40; i < n; ++i) name += units[rng() % units.size()];
    subject += "e";
    name += "e";
    MessageInput in = BasicInput();
    in.subject = subject;
    in.from_name = name;
    std::string raw = BuildMessage(in);
    ExpectWellFormedWire(raw);
    auto message = Parse(raw);
    ASSERT_TRUE(message);
    auto tabs_to_spaces = [](std::string s) {
      for (char& c : s) c = c == '\t' ? ' ' : c;
      return s;
    };
    EXPECT_STREQ(g_mime_message_get_subject(message.get()), tabs_to_spaces(subject).c_str()) << raw;
    EXPECT_EQ(FromName(message.get()), tabs_to_spaces(name)) << raw;
    EXPECT_EQ(FirstAddr(g_mime_message_get_from(message.get())), "ann@example.com") << raw;
  }
}

TEST(MessageBuilderTest, InvalidUtf8InHeadersBecomesReplacementCharacters) {
  MessageInput in = BasicInput();
  in.subject = "bad \xC3 byte \xFF end";
  auto message = Parse(BuildMessage(in));
  EXPECT_STREQ(g_mime_message_get_subject(message.get()), "bad \uFFFD byte \uFFFD end");
}

TEST(MessageBuilderTest, NonAsciiHeadersAreEncodedWords) {
  MessageInput in = BasicInput();
  in.from_name = "Jörg Müller";
  in.subject = "🚀 Launch";
  std::string raw = BuildMessage(in);
  std::string headers = raw.substr(0, raw.find("\r\n\r\n"));
  for (char c : headers) EXPECT_LT(static_cast<unsigned char>(c), 0x80) << headers;
  EXPECT_NE(headers.find("=?"), std::string::npos);
}

TEST(MessageBuilderTest, EmptyNameGivesBareAddress) {
  MessageInput in = BasicInput();
  in.from_name = "";
  auto message = Parse(BuildMessage(in));
  EXPECT_EQ(FromName(message.get()), "");
  EXPECT_EQ(FirstAddr(g_mime_message_get_from(message.get())), "ann@example.com");
}

TEST(MessageBuilderTest, ThreadHeadersNameEarlierMessages) {
  MessageInput in = BasicInput();
  in.references = {"<first@example.com>", "<second@example.com>", "<third@example.com>"};
  auto message = Parse(BuildMessage(in));
  EXPECT_EQ(Header(message.get(), "In-Reply-To"), "<third@example.com>");
  EXPECT_EQ(ReferenceIds(Header(message.get(), "References")), in.references);
}

TEST(MessageBuilderTest, BlankReferencesAreSkipped) {
  MessageInput in = BasicInput();
  in.references = {"", "<a@x.test>", "  ", "<b@x.test>", ""};
  auto message = Parse(BuildMessage(in));
  EXPECT_EQ(Header(message.get(), "In-Reply-To"), "<b@x.test>");
  EXPECT_EQ(ReferenceIds(Header(message.get(), "References")),
            (std::vector<std::string>{"<a@x.test>", "<b@x.test>"}));
  in.references = {"", " "};
  message = Parse(BuildMessage(in));
  EXPECT_FALSE(HasHeader(message.get(), "In-Reply-To"));
  EXPECT_FALSE(HasHeader(message.get(), "References"));
}

TEST(MessageBuilderTest, InvalidUtf8InBodiesIsReplaced) {
  MessageInput in = BasicInput();
  in.html = "<p>bad \xFF byte</p>";
  in.text.reset();
  auto message = Parse(BuildMessage(in));
  Parts parts = AlternativeParts(message.get());
  ASSERT_TRUE(parts.text && parts.html);
  EXPECT_EQ(DecodedContent(parts.html), "<p>bad \uFFFD byte</p>");
  EXPECT_EQ(DecodedContent(parts.text), "bad \uFFFD byte");
}

TEST(MessageBuilderTest, ManyReferencesStayWithinLineLimits) {
  MessageInput in = BasicInput();
  for (int i = 0; i < 200; ++i) in.references.push_back("<" + std::to_string(i) + "abcdef@x.test>");
  std::string raw = BuildMessage(in);
  ExpectWellFormedWire(raw);
  auto message = Parse(raw);
  EXPECT_EQ(ReferenceIds(Header(message.get(), "References")), in.references);
  EXPECT_EQ(Header(message.get(), "In-Reply-To"), in.references.back());
}

TEST(MessageBuilderTest, TextIsDerivedFromHtmlWhenAbsent) {
  MessageInput in = BasicInput();
  in.text.reset();
  auto message = Parse(BuildMessage(in));
  Parts parts = AlternativeParts(message.get());
  ASSERT_TRUE(parts.text);
  EXPECT_EQ(DecodedContent(parts.text), HtmlToText(in.html));
  EXPECT_EQ(DecodedContent(parts.text), "Hi Bob,\n\nSee the docs (https://x.test/d).");
}

TEST(MessageBuilderTest, LongAndInternationalBodiesRoundTrip) {
  std::string long_line;
  for (int i = 0; i < 5000; ++i) long_line.push_back(static_cast<char>('a' + i % 26));
  const std::vector<std::string> htmls = {
      "<p>" + long_line + "</p>",
      "<p>日本語の本文です。" + std::string(3000, 'z') + "</p>",
      "<div>🚀🚀🚀 " + long_line + " Grüße</div>",
      std::string(100, '\n') + "<p>trailing spaces   \n\n.\nFrom start\n</p>",
      "日本語だけの長い本文。日本語だけの長い本文。日本語だけの長い本文。日本語だけの長い本文。",
  };
  for (const std::string& html : htmls) {
    MessageInput in = BasicInput();
    in.html = html;
    in.text = html + "\n(text)";
    std::string raw = BuildMessage(in);
    ExpectWellFormedWire(raw);
    auto message = Parse(raw);
    Parts parts = AlternativeParts(message.get());
    ASSERT_TRUE(parts.text && parts.html);
    EXPECT_EQ(DecodedContent(parts.html), html);
    EXPECT_EQ(DecodedContent(parts.text), html + "\n(text)");
  }
}

TEST(MessageBuilderTest, CrlfInBodiesIsNormalised) {
  MessageInput in = BasicInput();
  in.text = "line1\r\nline2\rline3\n";
  in.html = "<p>a</p>\r\n<p>b</p>";
  std::string raw = BuildMessage(in);
  ExpectWellFormedWire(raw);
  auto message = Parse(raw);
  Parts parts = AlternativeParts(message.get());
  EXPECT_EQ(DecodedContent(parts.text), "line1\nline2\nline3\n");
  EXPECT_EQ(DecodedContent(parts.html), "<p>a</p>\n<p>b</p>");
}

TEST(MessageBuilderTest, ListUnsubscribeWithOneClick) {
  MessageInput in = BasicInput();
  in.list_unsubscribe_url = "https://app.example.com/u/abc123";
  in.list_unsubscribe_mailto = "mailto:unsubscribe@example.com?subject=abc123";
  auto message = Parse(BuildMessage(in));
  EXPECT_EQ(Header(message.get(), "List-Unsubscribe"),
            "<https://app.example.com/u/abc123>, "
            "<mailto:unsubscribe@example.com?subject=abc123>");
  EXPECT_EQ(Header(message.get(), "List-Unsubscribe-Post"), "List-Unsubscribe=One-Click");
}

TEST(MessageBuilderTest, LongListUnsubscribeUrisStayVerbatim) {
  // Tokens make one-click URLs long; they must never become encoded-words.
  MessageInput in = BasicInput();
  in.list_unsubscribe_url = "https://app.example.com/unsubscribe/" + std::string(300, 't');
  in.list_unsubscribe_mailto = "mailto:u@example.com?subject=" + std::string(120, 'k');
  std::string raw = BuildMessage(in);
  ExpectWellFormedWire(raw);
  EXPECT_NE(raw.find("<" + *in.list_unsubscribe_url + ">"), std::string::npos) << raw;
  EXPECT_NE(raw.find("<" + *in.list_unsubscribe_mailto + ">"), std::string::npos) << raw;
  auto message = Parse(raw);
  EXPECT_EQ(Header(message.get(), "List-Unsubscribe"),
            "<" + *in.list_unsubscribe_url + ">, <" + *in.list_unsubscribe_mailto + ">");
}

TEST(MessageBuilderTest, UnusableUnsubscribeUrisAreLeftOut) {
  MessageInput in = BasicInput();
  in.list_unsubscribe_url = "https://x.test/" + std::string(1200, 'u');
  in.list_unsubscribe_mailto = "mailto:u@x.test";
  auto message = Parse(BuildMessage(in));
  EXPECT_EQ(Header(message.get(), "List-Unsubscribe"), "<mailto:u@x.test>");
  EXPECT_FALSE(HasHeader(message.get(), "List-Unsubscribe-Post"));
  in.list_unsubscribe_url = "https://x.test/ü";
  in.list_unsubscribe_mailto = "mailto:a@b> <https://evil.test";
  message = Parse(BuildMessage(in));
  EXPECT_FALSE(HasHeader(message.get(), "List-Unsubscribe"));
  EXPECT_FALSE(HasHeader(message.get(), "List-Unsubscribe-Post"));
}

TEST(MessageBuilderTest, ListUnsubscribeMailtoOnlyHasNoOneClick) {
  MessageInput in = BasicInput();
  in.list_unsubscribe_mailto = "mailto:u@example.com";
  auto message = Parse(BuildMessage(in));
  EXPECT_EQ(Header(message.get(), "List-Unsubscribe"), "<mailto:u@example.com>");
  EXPECT_FALSE(HasHeader(message.get(), "List-Unsubscribe-Post"));
}

TEST(MessageBuilderTest, ExtraHeadersAreWritten) {
  MessageInput in = BasicInput();
  std::string long_url = "https://x.test/" + std::string(300, 'p');
  std::string long_intl = "日本語 " + std::string(200, 'q') + " Grüße 🚀 =?utf-8?q?x?=";
  in.extra_headers = {{"X-Mailmark-Enrollment", "enr_123"},
                      {"X-Note", "Grüße"},
                      {"X-Url", long_url},
                      {"X-Long", long_intl}};
  std::string raw = BuildMessage(in);
  ExpectWellFormedWire(raw);
  auto message = Parse(raw);
  EXPECT_EQ(Header(message.get(), "X-Mailmark-Enrollment"), "enr_123");
  EXPECT_EQ(Header(message.get(), "X-Note"), "Grüße");
  EXPECT_EQ(Header(message.get(), "X-Url"), long_url);
  EXPECT_NE(raw.find("X-Url: " + long_url + "\r\n"), std::string::npos);
  EXPECT_EQ(Header(message.get(), "X-Long"), long_intl);
}

TEST(MessageBuilderTest, HeaderInjectionIsNeutralised) {
  MessageInput in = BasicInput();
  in.subject = "Hi\r\nBcc: victim1@evil.test";
  in.from_name = "Ann\r\nBcc: victim2@evil.test";
  in.to_email = "bob@example.org\r\nBcc: victim3@evil.test";
  in.message_id = "<id@example.com>\r\nBcc: victim4@evil.test";
  in.references = {"<r@x>\nBcc: victim5@evil.test"};
  in.list_unsubscribe_url = "https://x.test/u\r\nBcc: victim6@evil.test";
  in.extra_headers = {
      {"X-Mailmark-Enrollment", "enr_1\r\nBcc: victim7@evil.test"},
      {"X-Bare-Lf", "a\nBcc: victim8@evil.test\n\n<html>body</html>"},
      {"X-Cr", "a\rBcc: victim9@evil.test"},
      {"Bad Name", "dropped"},
      {"X-Colon:Bcc", "dropped"},
      {"X-Newline\r\nBcc", "dropped"},
      {"", "dropped"},
      {"From", "Mallory <mallory@evil.test>"},
      {"content-type", "text/plain"},
  };
  std::string raw = BuildMessage(in);
  ExpectWellFormedWire(raw);
  auto message = Parse(raw);
  ASSERT_TRUE(message);
  EXPECT_FALSE(HasHeader(message.get(), "Bcc")) << raw;
  EXPECT_EQ(internet_address_list_length(g_mime_message_get_bcc(message.get())), 0);
  EXPECT_EQ(raw.find("\nBcc:"), std::string::npos) << raw;
  EXPECT_EQ(raw.find("\nbcc:"), std::string::npos) << raw;
  EXPECT_EQ(raw.find("dropped"), std::string::npos) << raw;
  EXPECT_EQ(raw.find("mallory"), std::string::npos) << raw;
  EXPECT_EQ(Header(message.get(), "X-Mailmark-Enrollment"), "enr_1  Bcc: victim7@evil.test");
  EXPECT_TRUE(Header(message.get(), "In-Reply-To").starts_with("<r@x>"));
  EXPECT_EQ(FromName(message.get()), "Ann  Bcc: victim2@evil.test");
  EXPECT_EQ(internet_address_list_length(g_mime_message_get_from(message.get())), 1);
  Parts parts = AlternativeParts(message.get());
  EXPECT_TRUE(parts.text && parts.html);
}

TEST(MessageBuilderTest, IsThreadSafe) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 50;
  std::vector<int> failures(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([t, &failures] {
      for (int i = 0; i < kPerThread; ++i) {
        MessageInput in = BasicInput();
        in.subject = "Grüße 🚀 " + std::to_string(t) + "/" + std::to_string(i);
        in.from_name = "Jörg " + std::to_string(t);
        in.message_id = "<m" + std::to_string(t) + "-" + std::to_string(i) + "@x.test>";
        in.text.reset();
        auto message = Parse(BuildMessage(in));
        bool ok = message && g_mime_message_get_subject(message.get()) == in.subject &&
                  FromName(message.get()) == in.from_name &&
                  Header(message.get(), "Message-ID") == in.message_id;
        if (!ok) ++failures[static_cast<std::size_t>(t)];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(failures[static_cast<std::size_t>(t)], 0) << t;
}

// The boundary of a built message, from its Content-Type header.
std::string BoundaryOf(const std::string& raw) {
  std::smatch match;
  if (!std::regex_search(raw, match, std::regex("boundary=\"([^\"]+)\""))) return "";
  return match[1];
}

std::size_t Occurrences(std::string_view text, std::string_view needle) {
  std::size_t count = 0;
  for (std::size_t at = text.find(needle); at != std::string_view::npos;
       at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

TEST(MessageBuilderTest, WireFormatIsExact) {
  MessageInput in = BasicInput();
  in.references = {"<a@x.test>", "<b@x.test>"};
  in.list_unsubscribe_url = "https://app.example.com/u/abc123";
  in.list_unsubscribe_mailto = "mailto:unsubscribe@example.com?subject=abc123";
  in.extra_headers = {{"X-Mailmark-Enrollment", "enr_123"}, {"X-Note", "Grüße"}};
  in.text = "Hi Bob,\n\nSee the docs: https://x.test/d\n";
  std::string raw = BuildMessage(in);
  std::string boundary = BoundaryOf(raw);
  EXPECT_TRUE(std::regex_match(boundary, std::regex("=_mm_[0-9a-f]{32}"))) << boundary;
  EXPECT_EQ(raw,
            "From: Ann Sender <ann@example.com>\r\n"
            "To: bob@example.org\r\n"
            "Subject: Hello Bob\r\n"
            "Date: " +
                FormatRfc5322(in.date) +
                "\r\n"
                "Message-ID: <0123456789abcdef0123456789abcdef@example.com>\r\n"
                "In-Reply-To: <b@x.test>\r\n"
                "References: <a@x.test> <b@x.test>\r\n"
                "List-Unsubscribe: <https://app.example.com/u/abc123>,\r\n"
                " <mailto:unsubscribe@example.com?subject=abc123>\r\n"
                "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"
                "X-Mailmark-Enrollment: enr_123\r\n"
                "X-Note: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\r\n"
                "MIME-Version: 1.0\r\n"
                "Content-Type: multipart/alternative;\r\n"
                " boundary=\"" +
                boundary +
                "\"\r\n"
                "\r\n"
                "--" +
                boundary +
                "\r\n"
                "Content-Type: text/plain; charset=utf-8\r\n"
                "Content-Transfer-Encoding: quoted-printable\r\n"
                "\r\n"
                "Hi Bob,\r\n"
                "\r\n"
                "See the docs: https://x.test/d\r\n"
                "\r\n"
                "--" +
                boundary +
                "\r\n"
                "Content-Type: text/html; charset=utf-8\r\n"
                "Content-Transfer-Encoding: quoted-printable\r\n"
                "\r\n"
                "<p>Hi <b>Bob</b>,</p><p>See <a href=3D\"https://x.test/d\">the docs</a>.</p>\r\n"
                "--" +
                boundary + "--\r\n");
}

TEST(MessageBuilderTest, DisplayNamesAreQuotedOnlyWhenNeeded) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"Ann-Marie O'Neil", "From: Ann-Marie O'Neil <ann@example.com>\r\n"},
      {"spaced  name", "From: \"spaced  name\" <ann@example.com>\r\n"},
      {"Doe, \"J\\\" <x>", "From: \"Doe, \\\"J\\\\\\\" <x>\" <ann@example.com>\r\n"},
      {"Dr. Who", "From: \"Dr. Who\" <ann@example.com>\r\n"},
      {"Jörg", "From: =?UTF-8?Q?J=C3=B6rg?= <ann@example.com>\r\n"},
      {"", "From: ann@example.com\r\n"},
  };
  for (const auto& [name, line] : cases) {
    MessageInput in = BasicInput();
    in.from_name = name;
    std::string raw = BuildMessage(in);
    EXPECT_TRUE(raw.starts_with(line)) << raw;
    auto message = Parse(raw);
    EXPECT_EQ(FromName(message.get()), name) << raw;
    EXPECT_EQ(FirstAddr(g_mime_message_get_from(message.get())), "ann@example.com");
  }
}

// Folded, GMime would read the line break into the name; as encoded-words, Python 3.11 would
// read blanks into it.
TEST(MessageBuilderTest, LongPlainNamesStayOnOneLine) {
  MessageInput in = BasicInput();
  for (const std::string& name :
       {"Ann " + std::string(60, 'a') + " " + std::string(60, 'b') + " Sender",
        "Dr.  " + std::string(60, 'a') + "  \"" + std::string(60, 'b') + "\""}) {
    in.from_name = name;
    std::string raw = BuildMessage(in);
    std::string from = raw.substr(0, raw.find("\r\n"));
    EXPECT_EQ(from.find("=?"), std::string::npos) << from;
    EXPECT_TRUE(from.ends_with(" <ann@example.com>")) << from;
    auto message = Parse(raw);
    EXPECT_EQ(FromName(message.get()), in.from_name) << from;
    EXPECT_EQ(FirstAddr(g_mime_message_get_from(message.get())), "ann@example.com");
  }
  // Past the line limit only encoded-words can carry it.
  in.from_name = std::string(30, 'n') + " " + std::string(70, 'a') + " " + std::string(70, 'b');
  for (int i = 0; i < 5; ++i) in.from_name += " " + in.from_name.substr(0, 171);
  ASSERT_FALSE(NeedsEncodedWords(in.from_name));
  std::string raw = BuildMessage(in);
  ExpectWellFormedWire(raw);
  EXPECT_TRUE(raw.starts_with("From: =?UTF-8?Q?")) << raw;
  EXPECT_EQ(FromName(Parse(raw).get()), in.from_name);
}

TEST(MessageBuilderTest, InternationalDomainsAreAsciiInHeaders) {
  MessageInput in = BasicInput();
  in.from_email = "ann@bücher.test";
  in.to_email = "bob@münchen.example";
  std::string raw = BuildMessage(in);
  EXPECT_NE(raw.find("\r\nTo: bob@xn--mnchen-3ya.example\r\n"), std::string::npos) << raw;
  EXPECT_TRUE(raw.starts_with("From: Ann Sender <ann@xn--bcher-kva.test>\r\n")) << raw;
}

TEST(MessageBuilderTest, AbsurdlyLongAddressesAndIdsStayWithinLineLimits) {
  MessageInput in = BasicInput();
  in.from_name = "Jörg";
  in.from_email = std::string(1500, 'f') + "@x.test";
  in.to_email = std::string(1500, 't') + "@x.test";
  in.message_id = "<" + std::string(1500, 'm') + "@x.test>";
  in.references = {"<" + std::string(1500, 'r') + "@x.test>", "<ok@x.test>"};
  in.extra_headers = {{"X-Long", std::string(1500, 'e')}};
  std::string raw = BuildMessage(in);
  ExpectWellFormedWire(raw);
  EXPECT_NE(raw.find("\r\nMessage-ID: <" + std::string(899, 'm') + "\r\n"), std::string::npos);
  auto message = Parse(raw);
  ASSERT_TRUE(message);
  EXPECT_EQ(Header(message.get(), "X-Long"), std::string(1500, 'e'));  // encoded-words, intact
  EXPECT_EQ(Header(message.get(), "In-Reply-To"), "<ok@x.test>");
  EXPECT_EQ(FromName(message.get()), "Jörg");
}

TEST(MessageBuilderTest, BoundaryLookalikesInBodiesStayContent) {
  MessageInput in = BasicInput();
  std::string boundary = BoundaryOf(BuildMessage(in));
  in.html = "<p>x</p>\n--" + boundary + "\n--" + boundary + "--\n--=_mm_\n";
  in.text = "--" + boundary + "\r\n--=_mm_ text\n";
  std::string raw = BuildMessage(in);
  std::string own = BoundaryOf(raw);
  EXPECT_NE(own, boundary);
  EXPECT_EQ(Occurrences(raw, "--" + own), 3u);
  EXPECT_EQ(Occurrences(raw, "\r\n--=_mm_"), 3u) << raw;  // only our three delimiter lines
  auto message = Parse(raw);
  Parts parts = AlternativeParts(message.get());
  ASSERT_TRUE(parts.text && parts.html);
  EXPECT_EQ(DecodedContent(parts.html), in.html);
  EXPECT_EQ(DecodedContent(parts.text), "--" + boundary + "\n--=_mm_ text\n");
}

GMimeContentEncoding EncodingOf(GMimeObject* part) {
  return g_mime_part_get_content_encoding(GMIME_PART(part));
}

// GMime's rule (g_mime_utils_best_encoding), which the builder keeps: base64 once more than 17 %
// of the bytes are non-ASCII.
TEST(MessageBuilderTest, TransferEncodingFollowsTheShareOfNonAsciiBytes) {
  auto text_encoding = [](const std::string& text) {
    MessageInput in = BasicInput();
    in.text = text;
    auto message = Parse(BuildMessage(in));
    Parts parts = AlternativeParts(message.get());
    EXPECT_EQ(DecodedContent(parts.text), text);
    return EncodingOf(parts.text);
  };
  std::string e = "é";     // 2 non-ASCII bytes
  std::string euro = "€";  // 3
  EXPECT_EQ(text_encoding(e + e + e + e + e + e + e + euro + std::string(83, 'a')),
            GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);  // 17 of 100
  EXPECT_EQ(text_encoding(e + e + e + e + e + e + e + e + e + std::string(82, 'a')),
            GMIME_CONTENT_ENCODING_BASE64);  // 18 of 100
  EXPECT_EQ(text_encoding(""), GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
  EXPECT_EQ(text_encoding("日本語"), GMIME_CONTENT_ENCODING_BASE64);
}

// Whatever the bodies hold, each part decodes back to exactly the (repaired) input, in both
// transfer encodings, and the message keeps the wire rules.
TEST(MessageBuilderTest, RandomBodiesDecodeExactly) {
  std::mt19937 rng(99);
  const std::vector<std::string> units = {"a", "Z", "7",    " ",     "\t", "\n", "\r\n", "\r",
                                          "=", ".", "F",    "From ", "-",  "ü",  "日",   "🚀",
                                          "<", ">", "\xFF", "\xC3",  "=_", "~",  "\x01", "?="};
  auto random_text = [&] {
    std::string text;
    for (std::size_t i = 0, n = rng() % 400; i < n; ++i) {
      const std::string& unit = units[rng() % units.size()];
      for (std::size_t k = 0, r = 1 + (rng() % 5 == 0 ? rng() % 120 : 0); k < r; ++k) text += unit;
    }
    return text;
  };
  auto expected = [](const std::string& input) {
    std::string valid = ValidUtf8(input);
    std::string out;
    for (std::size_t i = 0; i < valid.size(); ++i) {
      if (valid[i] != '\r') {
        out += valid[i];
      } else if (i + 1 == valid.size() || valid[i + 1] != '\n') {
        out += '\n';
      }
    }
    return out;
  };
  int seen[2] = {0, 0};
  for (int round = 0; round < 400; ++round) {
    MessageInput in = BasicInput();
    in.html = random_text();
    in.text = random_text();
    std::string raw = BuildMessage(in);
    ExpectWellFormedWire(raw);
    std::string body = raw.substr(raw.find("\r\n\r\n"));
    for (std::size_t start = 0, end; (end = body.find("\r\n", start)) != std::string::npos;
         start = end + 2) {
      ASSERT_LE(end - start, 76u) << body.substr(start, end - start);
    }
    auto message = Parse(raw);
    ASSERT_TRUE(message);
    Parts parts = AlternativeParts(message.get());
    ASSERT_TRUE(parts.text && parts.html);
    ASSERT_EQ(DecodedContent(parts.html), expected(in.html)) << raw;
    ASSERT_EQ(DecodedContent(parts.text), expected(*in.text)) << raw;
    for (auto [part, input] : {std::pair{parts.html, in.html}, std::pair{parts.text, *in.text}}) {
      std::string text = expected(input);
      bool gmime_base64 =
          g_mime_utils_best_encoding(reinterpret_cast<const unsigned char*>(text.data()),
                                     text.size()) == GMIME_CONTENT_ENCODING_BASE64;
      EXPECT_EQ(EncodingOf(part) == GMIME_CONTENT_ENCODING_BASE64, gmime_base64);
    }
    ++seen[EncodingOf(parts.html) == GMIME_CONTENT_ENCODING_BASE64];
  }
  EXPECT_GT(seen[0], 20);  // both encodings were exercised
  EXPECT_GT(seen[1], 20);
}

TEST(MessageBuilderTest, EachMessageGetsItsOwnBoundary) {
  MessageInput in = BasicInput();
  std::string a = BuildMessage(in);
  std::string b = BuildMessage(in);
  EXPECT_NE(a, b);  // only the random boundary differs
  auto boundary = [](GMimeMessage* m) {
    return std::string(
        g_mime_multipart_get_boundary(GMIME_MULTIPART(g_mime_message_get_mime_part(m))));
  };
  EXPECT_NE(boundary(Parse(a).get()), boundary(Parse(b).get()));
}

}  // namespace
}  // namespace mailmark
