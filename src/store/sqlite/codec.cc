#include "store/sqlite/codec.h"

#include <charconv>
#include <stdexcept>

#include <sodium.h>
#include <nlohmann/json.hpp>

namespace mailmark::sqlite {
namespace {

using nlohmann::json;

constexpr int kB64 = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
constexpr std::string_view kCursorTag = "e1.";  // version tag: old cursors stay recognisable

TlsMode TlsOr(const json& j, const char* key, TlsMode fallback) {
  if (!j.contains(key)) return fallback;
  return ParseTlsMode(j.at(key).get<std::string>()).value_or(fallback);
}

thread_local const SecretBox* current_box = nullptr;

constexpr const char* kClearPassword = "password";
constexpr const char* kSealedPassword = "sealedPassword";

void PutPassword(json& j, const std::string& password) {
  if (current_box)
    j[kSealedPassword] = current_box->Seal(password);
  else
    j[kClearPassword] = password;
}

std::string PasswordOf(const json& j) {
  if (!j.contains(kSealedPassword)) return j.value(kClearPassword, "");
  if (!current_box)
    throw std::runtime_error("a stored mailbox password is sealed and no secret key was given");
  auto plain = current_box->Open(j.at(kSealedPassword).get<std::string>());
  if (!plain)
    throw std::runtime_error(
        "a stored mailbox password does not open with the secret key (another key, or altered)");
  return *plain;
}

bool ParseInt(std::string_view s, std::int64_t& out) {
  // 20: "-9223372036854775808".
  if (s.empty() || s.size() > 20) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

}  // namespace

SealingScope::SealingScope(const SecretBox* box) : previous_(current_box) { current_box = box; }
SealingScope::~SealingScope() { current_box = previous_; }

std::string StepsToJson(const std::vector<Step>& steps) {
  json arr = json::array();
  for (const Step& s : steps) {
    json j = {{"id", s.id}, {"type", ToString(s.type)}};
    if (s.type == StepType::kSendEmail) {
      j["subject"] = s.subject;
      j["html"] = s.html;
      if (s.text) j["text"] = *s.text;
    } else {
      j["delayMs"] = s.delay_ms;
    }
    arr.push_back(std::move(j));
  }
  return arr.dump();
}

std::vector<Step> StepsFromJson(std::string_view text) {
  std::vector<Step> steps;
  for (const json& j : json::parse(text)) {
    Step s;
    s.id = j.at("id").get<std::string>();
    s.type = ParseStepType(j.at("type").get<std::string>()).value_or(StepType::kSendEmail);
    s.subject = j.value("subject", "");
    s.html = j.value("html", "");
    if (j.contains("text")) s.text = j.at("text").get<std::string>();
    s.delay_ms = j.value("delayMs", std::int64_t{0});
    steps.push_back(std::move(s));
  }
  return steps;
}

std::optional<std::string> SmtpToJson(const std::optional<SmtpSettings>& smtp) {
  if (!smtp) return std::nullopt;
  json j{{"host", smtp->host},         {"port", smtp->port},
         {"tls", ToString(smtp->tls)}, {"tlsVerify", smtp->tls_verify},
         {"username", smtp->username}, {"bounceAddress", smtp->bounce_address}};
  PutPassword(j, smtp->password);
  return j.dump();
}

std::optional<SmtpSettings> SmtpFromJson(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  json j = json::parse(*text);
  SmtpSettings s;
  s.host = j.value("host", "");
  s.port = j.value("port", s.port);
  s.tls = TlsOr(j, "tls", s.tls);
  s.tls_verify = j.value("tlsVerify", s.tls_verify);
  s.username = j.value("username", "");
  s.password = PasswordOf(j);
  s.bounce_address = j.value("bounceAddress", "");
  return s;
}

std::optional<std::string> ImapToJson(const std::optional<ImapSettings>& imap) {
  if (!imap) return std::nullopt;
  json j{{"host", imap->host},
         {"port", imap->port},
         {"tls", ToString(imap->tls)},
         {"username", imap->username},
         {"folder", imap->folder}};
  PutPassword(j, imap->password);
  return j.dump();
}

std::optional<ImapSettings> ImapFromJson(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  json j = json::parse(*text);
  ImapSettings s;
  s.host = j.value("host", "");
  s.port = j.value("port", s.port);
  s.tls = TlsOr(j, "tls", s.tls);
  s.username = j.value("username", "");
  s.password = PasswordOf(j);
  s.folder = j.value("folder", s.folder);
  return s;
}

std::optional<std::string> SealStoredPassword(std::string_view text, const SecretBox& box) {
  json j = json::parse(text);
  if (!j.is_object() || !j.contains(kClearPassword)) return std::nullopt;
  j[kSealedPassword] = box.Seal(j.at(kClearPassword).get<std::string>());
  j.erase(kClearPassword);
  return j.dump();
}

std::optional<std::string> StoredSealedPassword(std::string_view text) {
  json j = json::parse(text);
  if (!j.is_object() || !j.contains(kSealedPassword)) return std::nullopt;
  return j.at(kSealedPassword).get<std::string>();
}

// Stored in the domain's own units (minutes, a days mask), not the API's spelling.
std::optional<std::string> ScheduleToJson(const std::optional<SendSchedule>& schedule) {
  if (!schedule) return std::nullopt;
  return json{{"timezone", schedule->timezone},
              {"days", schedule->days},
              {"from", schedule->from_minute},
              {"to", schedule->to_minute},
              {"contactZone", schedule->use_contact_timezone}}
      .dump();
}

std::optional<SendSchedule> ScheduleFromJson(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  json j = json::parse(*text);
  SendSchedule s;
  s.timezone = j.at("timezone").get<std::string>();
  s.days = j.at("days").get<std::uint8_t>();
  s.from_minute = j.at("from").get<int>();
  s.to_minute = j.at("to").get<int>();
  s.use_contact_timezone = j.value("contactZone", false);
  return s;
}

std::string IdsToJson(const std::vector<Id>& ids) { return json(ids).dump(); }

std::vector<Id> IdsFromJson(std::string_view text) {
  return json::parse(text).get<std::vector<Id>>();
}

std::string MergeFieldsToJson(const MergeFields& fields) { return json(fields).dump(); }

MergeFields MergeFieldsFromJson(std::string_view text) {
  return json::parse(text).get<MergeFields>();
}

std::string EncodeCursor(const ListPosition& pos) {
  std::string raw =
      std::string(kCursorTag) + std::to_string(pos.created_at) + "." + std::to_string(pos.pk);
  std::string out(sodium_base64_ENCODED_LEN(raw.size(), kB64), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(raw.data()),
                    raw.size(), kB64);
  out.resize(std::char_traits<char>::length(out.c_str()));
  return out;
}

std::optional<ListPosition> DecodeCursor(std::string_view cursor) {
  if (cursor.empty() || cursor.size() > 128) return std::nullopt;
  std::string raw(cursor.size(), '\0');
  std::size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(raw.data()), raw.size(), cursor.data(),
                        cursor.size(), nullptr, &len, &end, kB64) != 0 ||
      end != cursor.data() + cursor.size())
    return std::nullopt;
  raw.resize(len);
  std::string_view text(raw);
  if (!text.starts_with(kCursorTag)) return std::nullopt;
  text.remove_prefix(kCursorTag.size());
  auto dot = text.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  ListPosition pos;
  if (!ParseInt(text.substr(0, dot), pos.created_at) || !ParseInt(text.substr(dot + 1), pos.pk))
    return std::nullopt;
  // One spelling per position: "e1.007.1" or base64 with stray low bits is not a cursor we made.
  if (EncodeCursor(pos) != cursor) return std::nullopt;
  return pos;
}

}  // namespace mailmark::sqlite
