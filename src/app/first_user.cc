#include "app/first_user.h"

#include <system_error>

#include "api/credentials.h"
#include "app/secret_key.h"
#include "core/ids.h"

namespace mailmark {

std::filesystem::path AdminPasswordPath(const std::filesystem::path& data_dir) {
  return data_dir / "admin-password.txt";
}

Result<std::optional<std::filesystem::path>> CreateFirstUser(
    Store& store, Clock& clock, const std::filesystem::path& data_dir) {
  if (store.CountUsers() > 0) return std::optional<std::filesystem::path>{};
  std::string password = RandomHex(12);
  auto hash = HashPassword(password);
  if (!hash) return hash.error();
  std::string token = NewToken();
  std::error_code ec;
  std::filesystem::path file = std::filesystem::absolute(AdminPasswordPath(data_dir), ec);
  if (ec) file = AdminPasswordPath(data_dir);
  if (auto st = WritePrivateFile(file,
                                 "# Mailmark's first user, made on its first start. Keep these "
                                 "somewhere safe, then delete this file.\n"
                                 "user:      admin\n"
                                 "password:  " +
                                     password +
                                     "\n"
                                     "API token: " +
                                     token + "\n");
      !st)
    return st.error();
  auto user = store.CreateUser("admin", *hash, clock.Now());
  if (!user) {
    std::filesystem::remove(file, ec);
    return user.error();
  }
  // Without the token the password in the file still logs in, so the file stays.
  if (auto st = store.AddCredential(user->id, HashToken(token), "api", std::nullopt, clock.Now());
      !st)
    return st.error();
  return std::optional<std::filesystem::path>(file);
}

}  // namespace mailmark
