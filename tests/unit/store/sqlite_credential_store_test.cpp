#include "pim/store/sqlite_credential_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "unit/store/temp_dir.h"

namespace pim::testing {
namespace {

TEST(SqliteCredentialStoreTest, StoresReplacesListsAndForgets) {
  auto store = SqliteCredentialStore::Open(":memory:");
  ASSERT_TRUE(store.ok()) << store.status();
  auto& s = **store;
  EXPECT_FALSE(s.Get("password", "u1")->has_value());
  ASSERT_TRUE(s.Put("password", "u1", "u1", "h1").ok());
  ASSERT_TRUE(s.Put("secret", "k2", "sp", "b").ok());
  ASSERT_TRUE(s.Put("secret", "k1", "sp", "a").ok());
  ASSERT_TRUE(s.Put("secret", "k3", "other", "c").ok());
  EXPECT_EQ(**s.Get("password", "u1"), "h1");

  // Compare-and-swap: only from the expected value.
  EXPECT_FALSE(*s.Replace("password", "u1", "stale", "h2"));
  EXPECT_EQ(**s.Get("password", "u1"), "h1");
  EXPECT_TRUE(*s.Replace("password", "u1", "h1", "h2"));
  EXPECT_EQ(**s.Get("password", "u1"), "h2");
  EXPECT_FALSE(*s.Replace("password", "missing", "h1", "h2"));

  auto listed = s.List("secret", "sp");
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0], (std::pair<std::string, std::string>{"k1", "a"}));
  EXPECT_EQ((*listed)[1], (std::pair<std::string, std::string>{"k2", "b"}));

  ASSERT_TRUE(s.Delete("secret", "k1").ok());
  ASSERT_TRUE(s.Delete("secret", "k1").ok());  // absent is fine
  EXPECT_EQ(s.List("secret", "sp")->size(), 1u);

  ASSERT_TRUE(s.ForgetOwner("sp").ok());
  EXPECT_TRUE(s.List("secret", "sp")->empty());
  EXPECT_EQ(**s.Get("secret", "k3"), "c");
  EXPECT_EQ(**s.Get("password", "u1"), "h2");
}

TEST(SqliteCredentialStoreTest, SurvivesReopeningAndIsPrivateToItsOwner) {
  TempDir dir;
  const std::string path = dir.File("credentials.db");
  const mode_t old = ::umask(022);  // a permissive umask does not widen the file
  {
    auto store = SqliteCredentialStore::Open(path);
    ASSERT_TRUE(store.ok()) << store.status();
    ASSERT_TRUE((*store)->Put("totp", "u1", "u1", "{\"key\":\"ABC\"}").ok());
  }
  ::umask(old);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto again = SqliteCredentialStore::Open(path);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(**(*again)->Get("totp", "u1"), "{\"key\":\"ABC\"}");
}

}  // namespace
}  // namespace pim::testing
