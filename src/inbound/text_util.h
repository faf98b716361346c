// Small text helpers shared by the inbound classifiers: case folding, trimming, searching.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mailmark::inbound {

std::string_view TrimView(std::string_view text);  // without surrounding blanks, CR and LF
std::string AsciiLower(std::string_view text);
// Lower case for ASCII and the Latin-1 letters of UTF-8 (À-Þ), enough to compare the
// subject phrases of the languages supported here ("RÉPONSE" -> "réponse").
std::string FoldCase(std::string_view text);
bool StartsWith(std::string_view text, std::string_view prefix);
// Case-insensitive (FoldCase) search; npos when absent.
std::size_t FindFolded(std::string_view folded_haystack, std::string_view needle);
bool ContainsFolded(std::string_view folded_haystack, std::string_view needle);
// Lines split on LF with a trailing CR removed.
std::vector<std::string_view> SplitLines(std::string_view text);
// The first addr-spec-looking token at or after `pos` ("local@domain.tld", angle brackets,
// quotes and a trailing dot stripped), lower-cased; empty when there is none.
std::string FirstAddress(std::string_view text, std::size_t pos = 0);
// Every such address in order, lower-cased.
std::vector<std::string> AllAddresses(std::string_view text);
// "<id>" from an id with or without angle brackets; empty for blank input.
std::string AngleId(std::string_view id);

}  // namespace mailmark::inbound
