#include "inbound/auto_reply.h"

#include <gtest/gtest.h>

#include <string>

namespace mailmark {
namespace {

ParsedInbound Message(std::map<std::string, std::string> headers, std::string subject = "Hello",
                      std::string text = "") {
  ParsedInbound in;
  in.headers = std::move(headers);
  in.subject = std::move(subject);
  in.text = std::move(text);
  return in;
}

std::string Reason(const ParsedInbound& in) {
  std::optional<AutoReply> reply = DetectAutoReply(in);
  return reply ? reply->reason : "";
}

TEST(DetectAutoReply, HeaderSignals) {
  EXPECT_EQ(Reason(Message({{"auto-submitted", "auto-replied"}})), "auto-submitted: auto-replied");
  EXPECT_EQ(Reason(Message({{"auto-submitted", "Auto-Generated; owner-email=x@y"}})),
            "auto-submitted: auto-generated");
  EXPECT_EQ(Reason(Message({{"auto-submitted", "No"}})), "");
  EXPECT_EQ(Reason(Message({{"auto-submitted", " no "}})), "");
  EXPECT_EQ(Reason(Message({{"x-autoreply", "yes"}})), "x-autoreply");
  EXPECT_EQ(Reason(Message({{"x-autorespond", "Out"}})), "x-autorespond");
  EXPECT_EQ(Reason(Message({{"precedence", "bulk"}})), "precedence: bulk");
  EXPECT_EQ(Reason(Message({{"precedence", "JUNK"}})), "precedence: junk");
  EXPECT_EQ(Reason(Message({{"precedence", "auto_reply"}})), "precedence: auto_reply");
  EXPECT_EQ(Reason(Message({{"precedence", "list"}})), "");
  EXPECT_EQ(Reason(Message({{"return-path", "< >"}})), "empty return-path");
  EXPECT_EQ(Reason(Message({{"return-path", "<a@b.example>"}})), "");
  EXPECT_EQ(Reason(Message(
                {{"content-type", "multipart/report; report-type=disposition-notification; b=1"}})),
            "read receipt");
  EXPECT_EQ(Reason(Message({{"x-auto-response-suppress", "All"}})), "");  // Outlook sets it often
  EXPECT_EQ(Reason(Message({})), "");
}

TEST(DetectAutoReply, OutOfOfficeSubjects) {
  struct Case {
    const char* subject;
    const char* reason;  // "" = not automatic
  };
  const Case cases[] = {
      {"Out of Office: Quick question", "subject: out of office"},
      {"OUT OF THE OFFICE", "subject: out of the office"},
      {"Automatic reply: Quick question", "subject: automatic reply"},
      {"Auto: Quick question", "subject: auto:"},
      {"AutoReply: hello", "subject: autoreply"},
      {"Abwesenheitsnotiz: Frage", "subject: abwesenheitsnotiz"},
      {"Automatische Antwort: Frage", "subject: automatische antwort"},
      {"RÉPONSE AUTOMATIQUE : question", "subject: réponse automatique"},
      {"Absence: Re: question", "subject: absence"},
      {"Fuera de la oficina: pregunta", "subject: fuera de la oficina"},
      {"Respuesta automática: pregunta", "subject: respuesta automática"},
      {"Assente: domanda", "subject: assente"},
      {"Risposta automatica: domanda", "subject: risposta automatica"},
      {"Automatisch antwoord: vraag", "subject: automatisch antwoord"},
      {"Re: Quick question", ""},
      {"Re: absence of data in the report", ""},  // "absence" counts only as the first word
      {"Automation ideas", ""},
      {"Autocomplete: bug", ""},
  };
  for (const Case& c : cases) EXPECT_EQ(Reason(Message({}, c.subject)), c.reason) << c.subject;
}

Timestamp Day(int y, unsigned m, unsigned d) {
  return Timestamp(std::chrono::sys_days(std::chrono::year_month_day{
      std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}}));
}

TEST(FindReturnDate, CommonFormats) {
  // Sent Friday 27 November 2026.
  const std::optional<Timestamp> sent = Day(2026, 11, 27) + std::chrono::hours(9);
  struct Case {
    const char* text;
    std::optional<Timestamp> want;
  };
  const Case cases[] = {
      {"I will be back on 12/03/2026.", Day(2026, 12, 3)},  // en: month/day
      {"I will be back on 13/03/2027.", Day(2027, 3, 13)},  // first > 12: day/month
      {"I am returning Monday, December 7.", Day(2026, 12, 7)},
      {"back in the office on Dec. 7th", Day(2026, 12, 7)},
      {"out until the 7th of December 2026", Day(2026, 12, 7)},
      {"I'm away until 2026-12-07", Day(2026, 12, 7)},
      {"returning on Monday", Day(2026, 11, 30)},  // the next Monday
      {"back on January 4", Day(2027, 1, 4)},      // year rolls over
      {"Je serai de retour le 7 décembre.", Day(2026, 12, 7)},
      {"DE RETOUR LE 07/12/2026", Day(2026, 12, 7)},  // fr: day/month
      {"absente jusqu'au lundi 7 decembre", Day(2026, 12, 7)},
      {"Ich bin zurück am 07.12.2026.", Day(2026, 12, 7)},
      {"ab dem 7. Dezember wieder im Büro", Day(2026, 12, 7)},
      {"bis zum 7.12. nicht erreichbar", Day(2026, 12, 7)},
      {"Estaré de vuelta el 7 de diciembre de 2026", Day(2026, 12, 7)},
      {"fuera hasta el lunes 7 de diciembre", Day(2026, 12, 7)},
      {"Thanks for your message.", std::nullopt},
      {"back on 31/02/2026", std::nullopt},  // no such day
      {"until further notice", std::nullopt},
      {"bis 17.30 Uhr erreichbar", std::nullopt},  // a time, not a date
      {"I was back on 12/03", Day(2026, 12, 3)},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(FindReturnDate(c.text, sent), c.want) << c.text;
  }
  // Without the message date, only dates with a year.
  EXPECT_EQ(FindReturnDate("back on December 7", std::nullopt), std::nullopt);
  EXPECT_EQ(FindReturnDate("back on December 7, 2026", std::nullopt), Day(2026, 12, 7));
  EXPECT_EQ(FindReturnDate("returning Monday", std::nullopt), std::nullopt);
  // The earliest announcement wins.
  EXPECT_EQ(FindReturnDate("Back on 12/08/2026. Not until 12/09/2026.", sent), Day(2026, 12, 8));
}

TEST(FindReturnDate, HostileTextIsCheap) {
  std::string text;
  for (int i = 0; i < 20000; ++i) text += "until 99/99 bis ";
  EXPECT_EQ(FindReturnDate(text, Day(2026, 1, 1)), std::nullopt);
  EXPECT_EQ(FindReturnDate("", Day(2026, 1, 1)), std::nullopt);
  EXPECT_EQ(FindReturnDate("until", Day(2026, 1, 1)), std::nullopt);
}

TEST(DetectAutoReply, CarriesTheReturnDateFromSubjectOrBody) {
  ParsedInbound in = Message({{"x-autoreply", "yes"}}, "Away until December 7", "");
  in.date = Day(2026, 11, 27);
  std::optional<AutoReply> reply = DetectAutoReply(in);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->return_date, Day(2026, 12, 7));
}

}  // namespace
}  // namespace mailmark
