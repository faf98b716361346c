#include "inbound/header_decode.h"

#include <gtest/gtest.h>

#include <string>

namespace mailmark::inbound {
namespace {

TEST(DecodeHeaderText, AdjacentBase64WordsFirstEndingInPaddingKeepTheSecond) {
  // GMime 3.2.13 (bug #133) returns "Re: Überblick" for this.
  EXPECT_EQ(DecodeHeaderText(
                "=?UTF-8?B?UmU6IMOcYmVyYmxpY2s=?= =?UTF-8?B?IMO8YmVyIGRlbiBRMy1GYWhycGxhbg==?="),
            "Re: Überblick über den Q3-Fahrplan");
  EXPECT_EQ(DecodeHeaderText("=?UTF-8?B?SsO8cmdlbg==?=\r\n =?UTF-8?B?IE3DvGxsZXI=?="),
            "Jürgen Müller");
  EXPECT_EQ(DecodeHeaderText("=?UTF-8?B?UmU6IMOcYmVy?= =?UTF-8?B?w7xiZXIgZGVu?="),
            "Re: Überüber den");
}

TEST(DecodeHeaderText, CharacterSplitAcrossTwoWordsIsJoinedBeforeConversion) {
  // "é" is C3 A9: the first word ends with C3, the second starts with A9.
  EXPECT_EQ(DecodeHeaderText("=?utf-8?q?caf=C3?= =?utf-8?q?=A9?="), "café");
  EXPECT_EQ(DecodeHeaderText("=?UTF-8?B?Y2Fmww==?= =?UTF-8?B?qQ==?="), "café");
}

TEST(DecodeHeaderText, QEncodingCharsetsAndLiterals) {
  EXPECT_EQ(DecodeHeaderText("=?iso-8859-1?Q?R=E9ponse_automatique?= : hello"),
            "Réponse automatique : hello");
  EXPECT_EQ(DecodeHeaderText("=?windows-1252?Q?=80_5?="), "€ 5");
  EXPECT_EQ(DecodeHeaderText("=?UTF-8*de?Q?Gr=C3=BC=C3=9Fe?="), "Grüße");
  EXPECT_EQ(DecodeHeaderText("Re: =?utf-8?q?a?= =?iso-8859-1?q?=E9?= z"), "Re: aé z");
  EXPECT_EQ(DecodeHeaderText("plain   text  "), "plain   text");
  EXPECT_EQ(DecodeHeaderText("Grüße"), "Grüße");  // raw UTF-8 kept
  EXPECT_EQ(DecodeHeaderText("Gr\xFC\xDF"
                             "e"),
            "Grüße");                              // raw Latin-1 read as windows-1252
  EXPECT_EQ(DecodeHeaderText("a\r\n\tb"), "a b");  // folded, the tab becomes a space
}

TEST(DecodeHeaderText, MalformedWordsStayAsWritten) {
  EXPECT_EQ(DecodeHeaderText("=?utf-8?x?abc?="), "=?utf-8?x?abc?=");
  EXPECT_EQ(DecodeHeaderText("=?utf-8?q?no end"), "=?utf-8?q?no end");
  EXPECT_EQ(DecodeHeaderText("=??q?a?="), "=??q?a?=");
  EXPECT_EQ(DecodeHeaderText("=?"), "=?");
  EXPECT_EQ(DecodeHeaderText("=?utf-8?q?a b?="), "=?utf-8?q?a b?=");
  // Unknown charset: bytes that are not UTF-8 become U+FFFD, never a failure.
  EXPECT_EQ(DecodeHeaderText("=?x-unknown?q?ok=FF?="), "ok\xEF\xBF\xBD");
  EXPECT_EQ(DecodeHeaderText("=?utf-8?q?line=0Abreak?="), "line break");
}

TEST(DecodeHeaderText, HostileInputIsLinear) {
  std::string hostile;
  for (int i = 0; i < 20000; ++i) hostile += "=?x?Q?a";
  EXPECT_TRUE(DecodeHeaderText(hostile) == hostile);  // no word ends: all literal
  std::string words;
  for (int i = 0; i < 20000; ++i) words += "=?utf-8?b?YQ==?= ";
  EXPECT_TRUE(DecodeHeaderText(words) == std::string(20000, 'a'));
  EXPECT_EQ(DecodeHeaderText(""), "");
  EXPECT_EQ(DecodeHeaderText(std::string("\0\x01\x7f", 3)), "   ");  // controls: spaces
}

TEST(UnfoldHeader, RemovesLineBreaksKeepsBlanks) {
  EXPECT_EQ(UnfoldHeader(" a\r\n b\n\tc \r\n"), "a b\tc");
}

}  // namespace
}  // namespace mailmark::inbound
