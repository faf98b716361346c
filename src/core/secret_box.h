// Sealing small secrets (mailbox passwords, server keys) under a key kept outside the
// database, with libsodium's crypto_secretbox (XSalsa20-Poly1305): a copy of the database
// alone gives nothing away, and any change to a sealed value is detected when it is opened.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace mailmark {

class SecretBox {
 public:
  static constexpr std::size_t kKeyBytes = 32;  // crypto_secretbox_KEYBYTES

  static SecretBox Generate();
  // 422 invalid_secret_key unless exactly kKeyBytes bytes.
  static Result<SecretBox> FromBytes(std::string_view key);
  // 64 hex digits (upper or lower case), as a key file holds them.
  static Result<SecretBox> FromHex(std::string_view hex);

  SecretBox(const SecretBox& other) = default;
  SecretBox& operator=(const SecretBox& other) = default;
  ~SecretBox();

  std::string Hex() const;

  // "sb1:" + base64url(nonce || tag || ciphertext). Every call draws a fresh random nonce, so
  // sealing one value twice gives two different texts.
  std::string Seal(std::string_view plain) const;
  // nullopt when `sealed` was not made by Seal under this key, or was altered since.
  std::optional<std::string> Open(std::string_view sealed) const;
  // Whether `value` carries Seal's tag (a sealed value, under some key).
  static bool IsSealed(std::string_view value);

 private:
  SecretBox() = default;
  std::array<unsigned char, kKeyBytes> key_{};
};

}  // namespace mailmark
