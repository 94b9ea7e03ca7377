// Sealing secrets at rest: values open only with their key and for their context, never when
// altered; the key file is made private, read back, and never replaced.
#include "pim/identity/secret_box.h"

#include <sys/stat.h>

#include <fstream>
#include <string>

#include "gtest/gtest.h"
#include "pim/identity/base64url.h"
#include "unit/store/temp_dir.h"

namespace pim::testing {
namespace {

using identity::SecretBox;

TEST(SecretBoxTest, ASealedValueOpensForItsContextOnly) {
  const SecretBox box = SecretBox::Generate();
  const std::string sealed = box.Seal("JBSWY3DPEHPK3PXP", "totp\nuser-1");
  EXPECT_TRUE(SecretBox::IsSealed(sealed));
  EXPECT_EQ(sealed.find("JBSWY3DPEHPK3PXP"), std::string::npos);
  auto opened = box.Open(sealed, "totp\nuser-1");
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(*opened, "JBSWY3DPEHPK3PXP");
  // The same value moved to another record does not open there.
  EXPECT_EQ(box.Open(sealed, "totp\nuser-2").status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(box.Open(sealed, "password\nuser-1").status().code(), absl::StatusCode::kDataLoss);
}

TEST(SecretBoxTest, EachSealingIsFresh) {
  const SecretBox box = SecretBox::Generate();
  EXPECT_NE(box.Seal("same", "c"), box.Seal("same", "c"));
  auto empty = box.Open(box.Seal("", "c"), "c");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(*empty, "");
}

TEST(SecretBoxTest, AnotherKeyAnAlterationOrPlainTextDoNotOpen) {
  const SecretBox box = SecretBox::Generate();
  const SecretBox other = SecretBox::Generate();
  const std::string sealed = box.Seal("secret", "c");
  EXPECT_EQ(other.Open(sealed, "c").status().code(), absl::StatusCode::kDataLoss);
  for (std::size_t i = 8; i < sealed.size(); ++i) {
    std::string altered = sealed;
    altered[i] = altered[i] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(box.Open(altered, "c").ok()) << i;
  }
  EXPECT_FALSE(box.Open(sealed.substr(0, sealed.size() - 1), "c").ok());
  EXPECT_FALSE(box.Open("pimbox1.", "c").ok());
  EXPECT_FALSE(box.Open("secret", "c").ok());
  EXPECT_FALSE(SecretBox::IsSealed("secret"));
}

TEST(SecretBoxTest, WhileTheKeyChangesTheOldOneStillOpensAndIsToldApart) {
  const SecretBox old_box = SecretBox::Generate();
  const SecretBox new_box = SecretBox::Generate();
  const SecretBox changing = new_box.WithPrevious(old_box);
  const std::string by_old = old_box.Seal("old secret", "c");
  bool stale = false;
  auto opened = changing.Open(by_old, "c", &stale);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(*opened, "old secret");
  EXPECT_TRUE(stale);
  // It seals with the new key: the old one alone no longer opens what it seals.
  const std::string by_changing = changing.Seal("new secret", "c");
  EXPECT_FALSE(old_box.Open(by_changing, "c").ok());
  ASSERT_TRUE(new_box.Open(by_changing, "c").ok());
  ASSERT_TRUE(changing.Open(by_changing, "c", &stale).ok());
  EXPECT_FALSE(stale);
  // Neither key, or the wrong context: still refused.
  EXPECT_FALSE(changing.Open(SecretBox::Generate().Seal("x", "c"), "c", &stale).ok());
  EXPECT_FALSE(changing.Open(by_old, "other", &stale).ok());
}

TEST(SecretBoxTest, KeysHaveThirtyTwoBytes) {
  EXPECT_EQ(SecretBox::FromKey(std::string(31, 'k')).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(SecretBox::FromKey(std::string(32, 'k')).ok());
}

TEST(SecretBoxTest, AKeyFileIsCreatedPrivateAndReadBack) {
  TempDir dir;
  const std::string path = dir.File("secrets.key");
  EXPECT_EQ(SecretBox::LoadOrCreateKeyFile(path, /*create=*/false).status().code(),
            absl::StatusCode::kNotFound);
  auto created = SecretBox::LoadOrCreateKeyFile(path, /*create=*/true);
  ASSERT_TRUE(created.ok()) << created.status();
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  std::ifstream in(path);
  std::string text;
  std::getline(in, text);
  auto key = identity::Base64UrlDecode(text);
  ASSERT_TRUE(key.has_value());
  EXPECT_EQ(key->size(), SecretBox::kKeySize);

  // Read back (create or not, an existing key is kept): it opens what the first sealed.
  const std::string sealed = created->Seal("value", "c");
  for (const bool create : {false, true}) {
    auto loaded = SecretBox::LoadOrCreateKeyFile(path, create);
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    auto opened = loaded->Open(sealed, "c");
    ASSERT_TRUE(opened.ok()) << opened.status();
    EXPECT_EQ(*opened, "value");
  }
}

TEST(SecretBoxTest, AKeyFileOpenToOthersOrNotAKeyIsRefused) {
  TempDir dir;
  const std::string path = dir.File("secrets.key");
  ASSERT_TRUE(SecretBox::LoadOrCreateKeyFile(path, true).ok());
  ASSERT_EQ(::chmod(path.c_str(), 0640), 0);
  EXPECT_EQ(SecretBox::LoadOrCreateKeyFile(path, false).status().code(),
            absl::StatusCode::kFailedPrecondition);

  const std::string garbage = dir.File("garbage.key");
  std::ofstream(garbage) << "not a key\n";
  ASSERT_EQ(::chmod(garbage.c_str(), 0600), 0);
  EXPECT_EQ(SecretBox::LoadOrCreateKeyFile(garbage, true).status().code(),
            absl::StatusCode::kInvalidArgument);
  const std::string short_key = dir.File("short.key");
  std::ofstream(short_key) << identity::Base64UrlEncode(std::string(16, 'k')) << "\n";
  ASSERT_EQ(::chmod(short_key.c_str(), 0600), 0);
  EXPECT_EQ(SecretBox::LoadOrCreateKeyFile(short_key, true).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace pim::testing
