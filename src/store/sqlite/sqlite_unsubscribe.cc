// Unsubscribing: named server secrets (the links' HMAC key) and the unsubscribe itself.
#include <sodium.h>

#include "core/ids.h"
#include "store/sqlite/sealed_secrets.h"
#include "store/sqlite/sqlite_store_impl.h"
#include "store/sqlite/store_ops.h"

namespace mailmark::sqlite {
namespace {

constexpr std::size_t kSecretBytes = 32;

// The stored hex (once opened) back to bytes; a value no version of the code writes is a storage
// failure.
std::string SecretBytes(const std::string& hex) {
  std::string bin(kSecretBytes, '\0');
  std::size_t len = 0;
  if (hex.size() != 2 * kSecretBytes ||
      sodium_hex2bin(reinterpret_cast<unsigned char*>(bin.data()), bin.size(), hex.data(),
                     hex.size(), nullptr, &len, nullptr) != 0 ||
      len != kSecretBytes) {
    throw SqliteError(
        0, "secrets: a stored value is not " + std::to_string(kSecretBytes) + " bytes of hex");
  }
  return bin;
}

}  // namespace

Result<std::string> SqliteStore::GetOrCreateSecret(std::string_view name) {
  return Write<std::string>([&](Connection& c) -> Result<std::string> {
    // The first writer wins, whichever node or process it is; everyone reads its value.
    c.Prepare(
         "INSERT INTO secrets (name, value, created_at) VALUES (?, ?, "
         "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)) "
         "ON CONFLICT (name) DO NOTHING")
        .Bind(name, SealSecretValue(RandomHex(kSecretBytes), key()))
        .Run();
    auto q = c.Prepare("SELECT value FROM secrets WHERE name = ?");
    q.Bind(name);
    if (!q.Step()) throw SqliteError(0, "secrets: the row just written is missing");
    return SecretBytes(OpenSecretValue(q.Text(0), key()));
  });
}

Result<Enrollment> SqliteStore::Unsubscribe(const Id& enrollment_id, Timestamp now) {
  return Write<Enrollment>([&](Connection& c) -> Result<Enrollment> {
    auto e = FindEnrollment(c, enrollment_id);
    if (!e) return MakeError(ErrorKind::kNotFound, "enrollment_not_found", "Enrollment not found.");
    // Also for a final enrollment: the contact asked never to hear from this owner again.
    UpsertSuppression(c, e->owner_id, e->contact_email, SuppressionReason::kUnsubscribed, now);
    // Every active enrollment of this address with this owner stops, not only the one whose
    // link was used: the contact asked to hear nothing more.
    for (const Enrollment& other : ActiveEnrollmentsOf(c, e->owner_id, e->contact_email))
      WriteFinalStatus(c, other, EnrollmentStatus::kCancelled, "unsubscribed", "unsubscribed", now);
    return *FindEnrollment(c, enrollment_id);
  });
}

}  // namespace mailmark::sqlite
