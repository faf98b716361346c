// The key file, the data folder's permissions, and the first user's password file.
#include "app/secret_key.h"

#include <sys/stat.h>

#include <fstream>
#include <regex>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "api/credentials.h"
#include "app/config.h"
#include "app/first_user.h"
#include "app/open_store.h"
#include "core/ids.h"

namespace mailmark {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class SecretKeyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    old_umask_ = ::umask(022);  // the usual one, under which SQLite would make files 0644
    root_ = fs::temp_directory_path() / ("mm-app-test-" + RandomHex(6));
    fs::create_directories(root_);
  }
  void TearDown() override {
    ::umask(old_umask_);
    std::error_code ec;
    fs::remove_all(root_, ec);
  }

  Config ConfigIn(const fs::path& data_dir) {
    Config c;
    c.data_dir = data_dir;
    return c;
  }

  fs::path root_;
  mode_t old_umask_ = 0;
};

unsigned Mode(const fs::path& p) {
  struct stat st {};
  EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
  return st.st_mode & 0777;
}

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

void Spit(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << text;
}

TEST_F(SecretKeyTest, CreatesTheKeyFileOnceOwnerOnlyAndReadsItBack) {
  fs::path file = root_ / "secret.key";
  auto made = LoadOrCreateSecretKey(file);
  ASSERT_TRUE(made) << made.error().message;
  EXPECT_TRUE(made->created);
  EXPECT_EQ(Mode(file), 0600u);
  EXPECT_EQ(Slurp(file), made->key.Hex() + "\n");
  auto again = LoadOrCreateSecretKey(file);
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->created);
  EXPECT_EQ(again->key.Hex(), made->key.Hex());

  // 32 raw bytes (head -c 32 /dev/urandom) are a key as well.
  Spit(file, std::string(32, '\n'));
  auto raw = LoadOrCreateSecretKey(file);
  ASSERT_TRUE(raw) << raw.error().message;
  std::string newlines_hex;
  for (int i = 0; i < 32; ++i) newlines_hex += "0a";
  EXPECT_EQ(raw->key.Hex(), newlines_hex);
}

TEST_F(SecretKeyTest, AnythingElseInTheKeyFileIsRefusedNamingIt) {
  fs::path file = root_ / "secret.key";
  Spit(file, "not a key\n");
  auto read = LoadOrCreateSecretKey(file);
  ASSERT_FALSE(read);
  EXPECT_EQ(read.error().code, "invalid_secret_key");
  EXPECT_THAT(read.error().message, HasSubstr(file.string()));
  EXPECT_EQ(Slurp(file), "not a key\n") << "never replaced";
}

TEST_F(SecretKeyTest, EveryFileInTheDataFolderIsTheOwnersOnly) {
  fs::path data = root_ / "data";
  fs::create_directories(data);
  fs::permissions(data, fs::perms(0755));
  // A database an older release left readable to everyone, WAL included.
  {
    Config c = ConfigIn(data);
    auto store = OpenConfiguredStore(c);
    ASSERT_TRUE(store) << store.error().message;
  }
  for (const char* name : {"mailmark.db", "mailmark.db-wal", "mailmark.db-shm"})
    if (fs::exists(data / name)) fs::permissions(data / name, fs::perms(0644));
  fs::permissions(data, fs::perms(0755));

  Config c = ConfigIn(data);
  auto store = OpenConfiguredStore(c);
  ASSERT_TRUE(store) << store.error().message;
  ASSERT_TRUE((*store)->CreateUser("zoe", "", SystemClock().Now()));
  EXPECT_EQ(Mode(data), 0700u);
  EXPECT_EQ(Mode(data / "secret.key"), 0600u);
  EXPECT_EQ(Mode(data / "mailmark.db"), 0600u);
  EXPECT_EQ(Mode(data / "mailmark.db-wal"), 0600u);
  EXPECT_EQ(Mode(data / "mailmark.db-shm"), 0600u);

  // A new installation: the folder is made 0700 and the database 0600 from the start.
  fs::path fresh = root_ / "deeper" / "fresh";
  auto fresh_store = OpenConfiguredStore(ConfigIn(fresh));
  ASSERT_TRUE(fresh_store) << fresh_store.error().message;
  EXPECT_EQ(Mode(fresh), 0700u);
  EXPECT_EQ(Mode(fresh / "mailmark.db"), 0600u);
  EXPECT_EQ(Mode(fresh / "secret.key"), 0600u);
}

TEST_F(SecretKeyTest, EveryCommandFindsTheKeyInTheConfiguredFile) {
  fs::path key_file = root_ / "keys" / "mailmark.key";
  auto config = LoadConfigFrom(std::nullopt,
                               [&](const char* name) -> std::optional<std::string> {
                                 if (std::string(name) == "MAILMARK_SECRET_KEY_FILE")
                                   return key_file.string();
                                 if (std::string(name) == "MAILMARK_DATA_DIR")
                                   return (root_ / "data").string();
                                 return std::nullopt;
                               },
                               {});
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(SecretKeyPath(*config), key_file);
  auto toml = LoadConfigFrom("secret_key_file = \"/etc/mailmark/key\"\n",
                             [](const char*) { return std::optional<std::string>(); }, {});
  ASSERT_TRUE(toml);
  EXPECT_EQ(SecretKeyPath(*toml), fs::path("/etc/mailmark/key"));
  EXPECT_EQ(SecretKeyPath(ConfigIn("/var/lib/mm")), fs::path("/var/lib/mm/secret.key"));

  {
    auto store = OpenConfiguredStore(*config);
    ASSERT_TRUE(store) << store.error().message;
    ASSERT_TRUE((*store)->GetOrCreateSecret("unsubscribe"));
  }
  EXPECT_TRUE(fs::exists(key_file));
  EXPECT_FALSE(fs::exists(root_ / "data" / "secret.key"));
  // The same database through the default key place: a new key would not open it.
  auto elsewhere = OpenConfiguredStore(ConfigIn(root_ / "data"));
  ASSERT_FALSE(elsewhere);
  EXPECT_THAT(elsewhere.error().message, HasSubstr((root_ / "data" / "secret.key").string()));
  EXPECT_FALSE(fs::exists(root_ / "data" / "secret.key")) << "no key is left behind for it";
}

TEST_F(SecretKeyTest, ADatabaseSealedWithAnotherKeyIsRefusedNamingTheKeyFile) {
  fs::path data = root_ / "data";
  std::string secret;
  {
    auto store = OpenConfiguredStore(ConfigIn(data));
    ASSERT_TRUE(store) << store.error().message;
    secret = *(*store)->GetOrCreateSecret("unsubscribe");
  }
  std::string key = Slurp(data / "secret.key");
  Spit(data / "secret.key", SecretBox::Generate().Hex() + "\n");
  auto wrong = OpenConfiguredStore(ConfigIn(data));
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, "secret_key_mismatch");
  EXPECT_THAT(wrong.error().message, HasSubstr((data / "secret.key").string()));

  fs::remove(data / "secret.key");
  auto missing = OpenConfiguredStore(ConfigIn(data));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "secret_key_missing");
  EXPECT_THAT(missing.error().message, HasSubstr((data / "secret.key").string()));
  EXPECT_FALSE(fs::exists(data / "secret.key")) << "never re-keyed";

  Spit(data / "secret.key", key);
  auto right = OpenConfiguredStore(ConfigIn(data));
  ASSERT_TRUE(right) << right.error().message;
  EXPECT_EQ(*(*right)->GetOrCreateSecret("unsubscribe"), secret);
}

TEST_F(SecretKeyTest, TheFirstUsersPasswordGoesToAnOwnerOnlyFile) {
  fs::path data = root_ / "data";
  auto store = OpenConfiguredStore(ConfigIn(data));
  ASSERT_TRUE(store) << store.error().message;
  SystemClock clock;
  auto file = CreateFirstUser(**store, clock, data);
  ASSERT_TRUE(file) << file.error().message;
  ASSERT_TRUE(*file);
  EXPECT_EQ(fs::path(**file).filename(), "admin-password.txt");
  EXPECT_TRUE(fs::equivalent(**file, AdminPasswordPath(data)));
  EXPECT_EQ(Mode(**file), 0600u);
  std::string text = Slurp(**file);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(text, m, std::regex("password:  ([0-9a-f]{24})\n")));
  auto admin = (*store)->FindUserByName("admin");
  ASSERT_TRUE(admin);
  EXPECT_TRUE(VerifyPassword(admin->password_hash, m[1].str()));
  ASSERT_TRUE(std::regex_search(text, m, std::regex("API token: (mm_[A-Za-z0-9_-]+)\n")));
  EXPECT_EQ((*store)->FindUserByCredential(HashToken(m[1].str()), clock.Now())->name, "admin");

  auto again = CreateFirstUser(**store, clock, data);
  ASSERT_TRUE(again);
  EXPECT_FALSE(*again) << "only on a database without users";
}

}  // namespace
}  // namespace mailmark
