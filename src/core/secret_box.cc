#include "core/secret_box.h"

#include <algorithm>
#include <vector>

#include <sodium.h>

namespace mailmark {
namespace {

static_assert(SecretBox::kKeyBytes == crypto_secretbox_KEYBYTES);

// A version tag, so that a later scheme (another cipher, a key id) can sit beside this one.
constexpr std::string_view kTag = "sb1:";
constexpr int kB64 = sodium_base64_VARIANT_URLSAFE_NO_PADDING;

void InitSodium() {
  static const bool ready = sodium_init() >= 0;
  (void)ready;
}

Error InvalidKey(std::string message) {
  return MakeError(ErrorKind::kInvalid, "invalid_secret_key", std::move(message));
}

}  // namespace

SecretBox SecretBox::Generate() {
  InitSodium();
  SecretBox box;
  crypto_secretbox_keygen(box.key_.data());
  return box;
}

Result<SecretBox> SecretBox::FromBytes(std::string_view key) {
  if (key.size() != kKeyBytes)
    return InvalidKey("a secret key is " + std::to_string(kKeyBytes) + " bytes, not " +
                      std::to_string(key.size()));
  InitSodium();
  SecretBox box;
  std::copy(key.begin(), key.end(), box.key_.begin());
  return box;
}

Result<SecretBox> SecretBox::FromHex(std::string_view hex) {
  InitSodium();
  SecretBox box;
  std::size_t len = 0;
  const char* end = nullptr;
  if (hex.size() != 2 * kKeyBytes ||
      sodium_hex2bin(box.key_.data(), box.key_.size(), hex.data(), hex.size(), nullptr, &len,
                     &end) != 0 ||
      len != kKeyBytes || end != hex.data() + hex.size())
    return InvalidKey("a secret key is " + std::to_string(2 * kKeyBytes) + " hex digits");
  return box;
}

SecretBox::~SecretBox() { sodium_memzero(key_.data(), key_.size()); }

std::string SecretBox::Hex() const {
  std::string out(2 * kKeyBytes + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), key_.data(), key_.size());
  out.pop_back();
  return out;
}

std::string SecretBox::Seal(std::string_view plain) const {
  InitSodium();
  std::vector<unsigned char> raw(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES +
                                 plain.size());
  unsigned char* nonce = raw.data();
  randombytes_buf(nonce, crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(raw.data() + crypto_secretbox_NONCEBYTES,
                        reinterpret_cast<const unsigned char*>(plain.data()), plain.size(), nonce,
                        key_.data());
  std::string out(sodium_base64_ENCODED_LEN(raw.size(), kB64), '\0');
  sodium_bin2base64(out.data(), out.size(), raw.data(), raw.size(), kB64);
  out.resize(std::char_traits<char>::length(out.c_str()));
  return std::string(kTag) + out;
}

std::optional<std::string> SecretBox::Open(std::string_view sealed) const {
  if (!IsSealed(sealed)) return std::nullopt;
  sealed.remove_prefix(kTag.size());
  InitSodium();
  std::vector<unsigned char> raw(sealed.size());
  std::size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(raw.data(), raw.size(), sealed.data(), sealed.size(), nullptr, &len, &end,
                        kB64) != 0 ||
      end != sealed.data() + sealed.size() ||
      len < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)
    return std::nullopt;
  const unsigned char* nonce = raw.data();
  const unsigned char* boxed = raw.data() + crypto_secretbox_NONCEBYTES;
  std::size_t boxed_len = len - crypto_secretbox_NONCEBYTES;
  std::string plain(boxed_len - crypto_secretbox_MACBYTES, '\0');
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plain.data()), boxed, boxed_len,
                                 nonce, key_.data()) != 0)
    return std::nullopt;
  return plain;
}

bool SecretBox::IsSealed(std::string_view value) { return value.starts_with(kTag); }

}  // namespace mailmark
