#include "inbound/auto_reply.h"

#include <array>
#include <cctype>
#include <chrono>
#include <utility>

#include "inbound/text_util.h"

namespace mailmark {
namespace {

using inbound::AsciiLower;
using inbound::FoldCase;
using inbound::StartsWith;
using inbound::TrimView;
namespace chrono = std::chrono;

// Out-of-office subject phrases, anywhere in the subject (folded case).
constexpr std::array kSubjectPhrases = {
    "out of office",        "out of the office",
    "automatic reply",      "auto reply",
    "auto-reply",           "autoreply",
    "automatic response",   "auto response",
    "auto-response",        "autoresponse",
    "away from the office", "away from office",
    "vacation reply",       "vacation response",
    "abwesenheitsnotiz",    "abwesenheitsmeldung",
    "automatische antwort", "nicht im büro",
    "außer haus",           "ausser haus",
    "réponse automatique",  "reponse automatique",
    "message d'absence",    "absent du bureau",
    "respuesta automática", "respuesta automatica",
    "fuera de la oficina",  "fuera de oficina",
    "risposta automatica",  "fuori ufficio",
    "fuori sede",           "automatisch antwoord",
    "afwezigheidsbericht",  "buiten kantoor",
    "resposta automática",  "resposta automatica",
    "fora do escritório",   "automatiskt svar",
    "automatisk svar",      "autosvar",
};

// Words that mark an automatic reply only at the start of the subject ("Absence: Re: ...").
constexpr std::array kSubjectStarts = {
    "auto:",    "absence", "absent", "assente",  "ausente", "ausencia",
    "abwesend", "afwezig", "ooo",    "frånvaro", "fravær",
};

bool IsWordByte(char c) {
  auto u = static_cast<unsigned char>(c);
  return std::isalnum(u) || u >= 0x80;
}

std::optional<std::string> OutOfOfficeSubject(std::string_view subject) {
  std::string folded = FoldCase(TrimView(subject));
  for (const char* phrase : kSubjectPhrases) {
    if (folded.find(phrase) != std::string::npos) return std::string(phrase);
  }
  for (std::string_view word : kSubjectStarts) {
    if (!StartsWith(folded, word)) continue;
    if (word.back() == ':' || folded.size() == word.size() || !IsWordByte(folded[word.size()])) {
      return std::string(word);
    }
  }
  return std::nullopt;
}

// ---- return dates ----

enum class Lang { kEn, kFr, kDe, kEs };

struct Trigger {
  const char* phrase;  // folded case
  Lang lang;
};

constexpr std::array kTriggers = {
    Trigger{"back on", Lang::kEn},
    Trigger{"back in the office on", Lang::kEn},
    Trigger{"back in office on", Lang::kEn},
    Trigger{"returning", Lang::kEn},
    Trigger{"return on", Lang::kEn},
    Trigger{"return to the office on", Lang::kEn},
    Trigger{"until", Lang::kEn},
    Trigger{"through", Lang::kEn},
    Trigger{"de retour le", Lang::kFr},
    Trigger{"retour le", Lang::kFr},
    Trigger{"jusqu'au", Lang::kFr},
    Trigger{"zurück am", Lang::kDe},
    Trigger{"zurück ab", Lang::kDe},
    Trigger{"wieder am", Lang::kDe},
    Trigger{"wieder im büro am", Lang::kDe},
    Trigger{"ab dem", Lang::kDe},
    Trigger{"bis zum", Lang::kDe},
    Trigger{"bis", Lang::kDe},
    Trigger{"de vuelta el", Lang::kEs},
    Trigger{"regreso el", Lang::kEs},
    Trigger{"volveré el", Lang::kEs},
    Trigger{"hasta el", Lang::kEs},
};

struct Name {
  const char* text;  // folded case
  int value;
};

// Month names and abbreviations, en/fr/de/es; longer spellings first where one prefixes another.
constexpr std::array kMonths = {
    Name{"january", 1},    Name{"janvier", 1},   Name{"januar", 1},     Name{"jänner", 1},
    Name{"enero", 1},      Name{"jan", 1},       Name{"february", 2},   Name{"février", 2},
    Name{"fevrier", 2},    Name{"februar", 2},   Name{"febrero", 2},    Name{"févr", 2},
    Name{"feb", 2},        Name{"march", 3},     Name{"mars", 3},       Name{"märz", 3},
    Name{"maerz", 3},      Name{"marzo", 3},     Name{"mar", 3},        Name{"april", 4},
    Name{"avril", 4},      Name{"abril", 4},     Name{"apr", 4},        Name{"mayo", 5},
    Name{"may", 5},        Name{"mai", 5},       Name{"june", 6},       Name{"juin", 6},
    Name{"juni", 6},       Name{"junio", 6},     Name{"jun", 6},        Name{"july", 7},
    Name{"juillet", 7},    Name{"juli", 7},      Name{"julio", 7},      Name{"juil", 7},
    Name{"jul", 7},        Name{"august", 8},    Name{"août", 8},       Name{"aout", 8},
    Name{"agosto", 8},     Name{"aug", 8},       Name{"september", 9},  Name{"septembre", 9},
    Name{"septiembre", 9}, Name{"setiembre", 9}, Name{"sept", 9},       Name{"sep", 9},
    Name{"october", 10},   Name{"octobre", 10},  Name{"oktober", 10},   Name{"octubre", 10},
    Name{"oct", 10},       Name{"okt", 10},      Name{"november", 11},  Name{"novembre", 11},
    Name{"noviembre", 11}, Name{"nov", 11},      Name{"december", 12},  Name{"décembre", 12},
    Name{"decembre", 12},  Name{"dezember", 12}, Name{"diciembre", 12}, Name{"déc", 12},
    Name{"dec", 12},       Name{"dez", 12},      Name{"dic", 12},
};

// Weekdays (0 = Sunday); `full` names may stand alone, abbreviations only before a date.
struct Weekday {
  const char* text;
  unsigned value;
  bool full;
};
constexpr std::array kWeekdays = {
    Weekday{"monday", 1, true},    Weekday{"tuesday", 2, true},  Weekday{"wednesday", 3, true},
    Weekday{"thursday", 4, true},  Weekday{"friday", 5, true},   Weekday{"saturday", 6, true},
    Weekday{"sunday", 0, true},    Weekday{"lundi", 1, true},    Weekday{"mardi", 2, true},
    Weekday{"mercredi", 3, true},  Weekday{"jeudi", 4, true},    Weekday{"vendredi", 5, true},
    Weekday{"samedi", 6, true},    Weekday{"dimanche", 0, true}, Weekday{"montag", 1, true},
    Weekday{"dienstag", 2, true},  Weekday{"mittwoch", 3, true}, Weekday{"donnerstag", 4, true},
    Weekday{"freitag", 5, true},   Weekday{"samstag", 6, true},  Weekday{"sonntag", 0, true},
    Weekday{"lunes", 1, true},     Weekday{"martes", 2, true},   Weekday{"miércoles", 3, true},
    Weekday{"miercoles", 3, true}, Weekday{"jueves", 4, true},   Weekday{"viernes", 5, true},
    Weekday{"sábado", 6, true},    Weekday{"sabado", 6, true},   Weekday{"domingo", 0, true},
    Weekday{"mon", 1, false},      Weekday{"tue", 2, false},     Weekday{"wed", 3, false},
    Weekday{"thu", 4, false},      Weekday{"fri", 5, false},     Weekday{"sat", 6, false},
    Weekday{"sun", 0, false},
};

// A cursor over folded text.
struct Cursor {
  std::string_view s;
  std::size_t i = 0;

  bool AtEnd() const { return i >= s.size(); }
  char Peek() const { return AtEnd() ? '\0' : s[i]; }
  void SkipBlanks() {
    while (!AtEnd() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == ',')) ++i;
  }
  // A number of 1..max_digits digits not followed by another digit.
  std::optional<int> Number(std::size_t max_digits) {
    std::size_t start = i;
    int value = 0;
    while (!AtEnd() && std::isdigit(static_cast<unsigned char>(s[i])) && i - start < max_digits) {
      value = value * 10 + (s[i] - '0');
      ++i;
    }
    if (i == start || (!AtEnd() && std::isdigit(static_cast<unsigned char>(s[i])))) {
      i = start;
      return std::nullopt;
    }
    return value;
  }
  // `word` here, ending at a word boundary (a trailing '.' of an abbreviation is eaten).
  bool Word(std::string_view word) {
    if (s.substr(i, word.size()) != word) return false;
    std::size_t end = i + word.size();
    if (end < s.size() && IsWordByte(s[end])) return false;
    i = end;
    if (Peek() == '.') ++i;
    return true;
  }
  bool Literal(std::string_view text) {
    if (s.substr(i, text.size()) != text) return false;
    i += text.size();
    return true;
  }
};

std::optional<int> Month(Cursor& c) {
  for (const Name& month : kMonths) {
    if (c.Word(month.text)) return month.value;
  }
  return std::nullopt;
}

std::optional<unsigned> WeekdayAt(Cursor& c, bool full_only) {
  for (const Weekday& day : kWeekdays) {
    if (full_only && !day.full) continue;
    if (c.Word(day.text)) return day.value;
  }
  return std::nullopt;
}

void SkipOrdinal(Cursor& c) {
  for (const char* suffix : {"st", "nd", "rd", "th", "er"}) {
    if (c.Word(suffix)) return;
  }
  if (c.Peek() == '.') ++c.i;
}

struct DateParts {
  int year = 0;  // 0: not given
  int month = 0;
  int day = 0;
};

std::optional<int> Year(Cursor& c) {
  Cursor probe = c;
  probe.SkipBlanks();
  // Four digits only: "7 December 25" is too ambiguous in prose.
  std::optional<int> year = probe.Number(4);
  if (!year || *year < 1970 || *year > 2200) return std::nullopt;
  c = probe;
  return year;
}

// A date written with digits only: ISO, or d.m[.y], or m/d[/y] (en) / d/m[/y].
std::optional<DateParts> NumericDate(Cursor& c, Lang lang) {
  Cursor start = c;
  std::optional<int> first = c.Number(4);
  if (!first) return std::nullopt;
  char sep = c.Peek();
  if (sep != '.' && sep != '/' && sep != '-') return c = start, std::nullopt;
  ++c.i;
  std::optional<int> second = c.Number(2);
  if (!second) return c = start, std::nullopt;
  DateParts date;
  if (*first > 999) {  // ISO year-month-day
    if (sep != '-' || !c.Literal("-")) return c = start, std::nullopt;
    std::optional<int> day = c.Number(2);
    if (!day) return c = start, std::nullopt;
    return DateParts{*first, *second, *day};
  }
  if (*first > 31) return c = start, std::nullopt;
  if (sep == '.' || lang != Lang::kEn || *first > 12) {
    date.day = *first;
    date.month = *second;
  } else {
    date.month = *first;
    date.day = *second;
  }
  if (c.Peek() == sep) {
    Cursor after = c;
    ++after.i;
    std::optional<int> year = after.Number(4);
    if (year) {
      date.year = *year < 100 ? 2000 + *year : *year;
      c = after;
    } else if (sep == '.') {
      ++c.i;  // "7.12." ends with the separator
    }
  }
  return date;
}

// "december 7[th][, 2026]" or "7[th|.] [of|de] december [de] [2026]".
std::optional<DateParts> WordDate(Cursor& c) {
  Cursor start = c;
  if (std::optional<int> month = Month(c)) {
    c.SkipBlanks();
    std::optional<int> day = c.Number(2);
    if (!day) return c = start, std::nullopt;
    SkipOrdinal(c);
    DateParts date{0, *month, *day};
    if (std::optional<int> year = Year(c)) date.year = *year;
    return date;
  }
  std::optional<int> day = c.Number(2);
  if (!day) return std::nullopt;
  SkipOrdinal(c);
  c.SkipBlanks();
  if (c.Word("of") || c.Word("de")) c.SkipBlanks();
  std::optional<int> month = Month(c);
  if (!month) return c = start, std::nullopt;
  DateParts date{0, *month, *day};
  Cursor before_year = c;
  c.SkipBlanks();
  if (!c.Word("de")) c = before_year;
  if (std::optional<int> year = Year(c)) date.year = *year;
  return date;
}

std::optional<Timestamp> ToTimestamp(const DateParts& date, std::optional<Timestamp> sent) {
  if (date.month < 1 || date.month > 12 || date.day < 1 || date.day > 31) return std::nullopt;
  auto make = [&](int year) {
    return chrono::year_month_day{chrono::year{year}, chrono::month{unsigned(date.month)},
                                  chrono::day{unsigned(date.day)}};
  };
  if (date.year != 0) {
    chrono::year_month_day ymd = make(date.year);
    if (!ymd.ok()) return std::nullopt;
    return Timestamp(chrono::sys_days(ymd));
  }
  if (!sent) return std::nullopt;
  chrono::sys_days sent_day = chrono::floor<chrono::days>(*sent);
  int year = int(chrono::year_month_day(sent_day).year());
  for (int candidate : {year, year + 1}) {
    chrono::year_month_day ymd = make(candidate);
    if (ymd.ok() && chrono::sys_days(ymd) >= sent_day) return Timestamp(chrono::sys_days(ymd));
  }
  return std::nullopt;
}

// A date starting exactly at c (an optional weekday first), or a weekday alone.
std::optional<Timestamp> DateAt(Cursor c, Lang lang, std::optional<Timestamp> sent) {
  Cursor after_weekday = c;
  std::optional<unsigned> weekday = WeekdayAt(after_weekday, false);
  if (weekday) {
    after_weekday.SkipBlanks();
    if (after_weekday.Word("the") || after_weekday.Word("le") || after_weekday.Word("el") ||
        after_weekday.Word("den")) {
      after_weekday.SkipBlanks();
    }
  }
  Cursor d = weekday ? after_weekday : c;
  std::optional<DateParts> date = NumericDate(d, lang);
  if (!date) date = WordDate(d);
  if (date) return ToTimestamp(*date, sent);
  Cursor full = c;
  std::optional<unsigned> alone = WeekdayAt(full, true);
  if (!sent || !alone) return std::nullopt;
  chrono::sys_days day = chrono::floor<chrono::days>(*sent);
  chrono::weekday wanted{*alone};
  do {
    day += chrono::days{1};
  } while (chrono::weekday(day) != wanted);
  return Timestamp(day);
}

}  // namespace

std::optional<Timestamp> FindReturnDate(std::string_view text, std::optional<Timestamp> sent) {
  std::string folded = FoldCase(text.substr(0, 64 * 1024));
  constexpr std::size_t kWindow = 80;
  std::optional<Timestamp> best;
  std::size_t best_at = std::string::npos;
  for (const Trigger& trigger : kTriggers) {
    std::string_view phrase = trigger.phrase;
    for (std::size_t at = folded.find(phrase); at != std::string::npos && at < best_at;
         at = folded.find(phrase, at + 1)) {
      bool starts_word = at == 0 || !IsWordByte(folded[at - 1]);
      std::size_t end = at + phrase.size();
      if (!starts_word || (end < folded.size() && IsWordByte(folded[end]))) continue;
      std::size_t limit = std::min(folded.size(), end + kWindow);
      for (std::size_t i = end; i < limit; ++i) {
        if (IsWordByte(folded[i - 1])) continue;  // only at the start of a word
        std::optional<Timestamp> date = DateAt(Cursor{folded, i}, trigger.lang, sent);
        if (date) {
          best = date;
          best_at = at;
          break;
        }
      }
      if (best_at == at) break;
    }
  }
  return best;
}

std::optional<AutoReply> DetectAutoReply(const ParsedInbound& in) {
  AutoReply reply;
  std::string auto_submitted = AsciiLower(TrimView(in.Header("auto-submitted")));
  auto_submitted = std::string(TrimView(auto_submitted.substr(0, auto_submitted.find(';'))));
  std::string precedence = AsciiLower(TrimView(in.Header("precedence")));
  std::string return_path;
  for (char c : in.Header("return-path")) {
    if (c != ' ' && c != '\t') return_path += c;
  }
  std::string content_type = AsciiLower(in.Header("content-type"));
  if (!auto_submitted.empty() && auto_submitted != "no") {
    reply.reason = "auto-submitted: " + auto_submitted;
  } else if (in.headers.contains("x-autoreply")) {
    reply.reason = "x-autoreply";
  } else if (in.headers.contains("x-autorespond")) {
    reply.reason = "x-autorespond";
  } else if (in.headers.contains("x-autoresponder")) {
    reply.reason = "x-autoresponder";
  } else if (precedence == "auto_reply" || precedence == "bulk" || precedence == "junk") {
    reply.reason = "precedence: " + precedence;
  } else if (return_path == "<>") {
    reply.reason = "empty return-path";
  } else if (StartsWith(content_type, "multipart/report") &&
             content_type.find("disposition-notification") != std::string::npos) {
    reply.reason = "read receipt";
  } else if (std::optional<std::string> phrase = OutOfOfficeSubject(in.subject)) {
    reply.reason = "subject: " + *phrase;
  } else {
    return std::nullopt;
  }
  reply.return_date = FindReturnDate(in.subject + "\n" + in.text, in.date);
  return reply;
}

}  // namespace mailmark
