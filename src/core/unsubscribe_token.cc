#include "core/unsubscribe_token.h"

#include <array>
#include <vector>

#include <sodium.h>

namespace mailmark {
namespace {

constexpr std::string_view kDomain = "mailmark-unsubscribe-v1:";
// Ids are short ("enr_" + 24 hex); anything longer than this is refused before any work.
constexpr std::size_t kMaxIdBytes = 128;
constexpr std::size_t kMaxTokenChars = 256;
constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;

void InitSodium() {
  static const bool ready = sodium_init() >= 0;
  (void)ready;
}

std::string Base64Url(const unsigned char* data, std::size_t n) {
  std::string out(sodium_base64_ENCODED_LEN(n, kVariant), '\0');
  sodium_bin2base64(out.data(), out.size(), data, n, kVariant);
  out.resize(out.find('\0'));
  return out;
}

std::optional<std::string> FromBase64Url(std::string_view text, std::size_t max_bytes) {
  std::string bin(max_bytes, '\0');
  std::size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(bin.data()), bin.size(), text.data(),
                        text.size(), nullptr, &len, &end, kVariant) != 0 ||
      end != text.data() + text.size()) {
    return std::nullopt;
  }
  bin.resize(len);
  return bin;
}

std::array<unsigned char, crypto_auth_hmacsha256_BYTES> Mac(std::string_view key,
                                                            std::string_view id) {
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(key.data()),
                              key.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(kDomain.data()),
                                kDomain.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(id.data()),
                                id.size());
  std::array<unsigned char, crypto_auth_hmacsha256_BYTES> mac{};
  crypto_auth_hmacsha256_final(&state, mac.data());
  sodium_memzero(&state, sizeof state);
  return mac;
}

// RFC 6068: what an addr-spec in a mailto URI may hold unencoded (unreserved, some-delims).
bool MailtoSafe(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("-._~!$'()*+,;:@").find(static_cast<char>(c)) != std::string_view::npos;
}

}  // namespace

std::string MakeUnsubscribeToken(std::string_view secret_key, const Id& enrollment_id) {
  InitSodium();
  auto mac = Mac(secret_key, enrollment_id);
  return Base64Url(reinterpret_cast<const unsigned char*>(enrollment_id.data()),
                   enrollment_id.size()) +
         "." + Base64Url(mac.data(), mac.size());
}

std::optional<Id> VerifyUnsubscribeToken(std::string_view secret_key, std::string_view token) {
  InitSodium();
  if (secret_key.empty() || token.empty() || token.size() > kMaxTokenChars) return std::nullopt;
  std::size_t dot = token.find('.');
  if (dot == std::string_view::npos || dot == 0) return std::nullopt;
  std::string_view id_part = token.substr(0, dot);
  std::string_view mac_part = token.substr(dot + 1);
  std::optional<std::string> id = FromBase64Url(id_part, kMaxIdBytes);
  if (!id || id->empty()) return std::nullopt;
  // Comparing the canonical encodings refuses every other spelling of the same bytes.
  auto mac = Mac(secret_key, *id);
  std::string want = Base64Url(mac.data(), mac.size());
  if (mac_part.size() != want.size() ||
      sodium_memcmp(mac_part.data(), want.data(), want.size()) != 0) {
    return std::nullopt;
  }
  if (Base64Url(reinterpret_cast<const unsigned char*>(id->data()), id->size()) != id_part)
    return std::nullopt;
  return id;
}

UnsubscribeLinks MakeUnsubscribeLinks(std::string_view secret_key, std::string_view public_url,
                                      const Id& enrollment_id,
                                      std::string_view mailbox_from_email) {
  while (!public_url.empty() && public_url.back() == '/') public_url.remove_suffix(1);
  UnsubscribeLinks links;
  links.url = std::string(public_url) + "/u/" + MakeUnsubscribeToken(secret_key, enrollment_id);
  links.mailto = "mailto:";
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (unsigned char c : mailbox_from_email) {
    if (MailtoSafe(c)) {
      links.mailto += static_cast<char>(c);
    } else {
      links.mailto += '%';
      links.mailto += kHex[c >> 4];
      links.mailto += kHex[c & 15];
    }
  }
  links.mailto += "?subject=unsubscribe";
  return links;
}

}  // namespace mailmark
