// The sealing credential store: sealed kinds reach the database only sealed and bound to their
// record, other kinds pass through, compare-and-swap still holds, a database written before
// sealing is sealed once, and a database sealed with one key refuses any other.
#include "pim/accounts/sealed_credential_store.h"

#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "pim/store/sqlite_credential_store.h"

namespace pim::testing {
namespace {

using accounts::SealedCredentialStore;
using identity::SecretBox;

class SealedCredentialStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto raw = SqliteCredentialStore::Open(":memory:");
    ASSERT_TRUE(raw.ok()) << raw.status();
    raw_ = std::move(*raw);
  }

  std::unique_ptr<SealedCredentialStore> Sealed(const SecretBox& box) {
    return std::make_unique<SealedCredentialStore>(*raw_, box, std::vector<std::string>{"totp"});
  }

  std::string Raw(std::string_view kind, std::string_view key) {
    auto v = raw_->Get(kind, key);
    EXPECT_TRUE(v.ok() && v->has_value()) << kind << " " << key;
    return v.ok() && v->has_value() ? **v : std::string();
  }

  SecretBox box_ = SecretBox::Generate();
  std::unique_ptr<SqliteCredentialStore> raw_;
};

TEST_F(SealedCredentialStoreTest, SealedKindsAreStoredSealedAndReadOpened) {
  auto store = Sealed(box_);
  ASSERT_TRUE(store->Prepare().ok());
  ASSERT_TRUE(store->Put("totp", "u1", "u1", "KEY-ONE").ok());
  ASSERT_TRUE(store->Put("signinFailures", "u1", "u1", "3").ok());
  EXPECT_TRUE(SecretBox::IsSealed(Raw("totp", "u1")));
  EXPECT_EQ(Raw("totp", "u1").find("KEY-ONE"), std::string::npos);
  EXPECT_EQ(Raw("signinFailures", "u1"), "3");
  EXPECT_EQ(**store->Get("totp", "u1"), "KEY-ONE");
  EXPECT_EQ(**store->Get("signinFailures", "u1"), "3");
  EXPECT_FALSE(store->Get("totp", "nobody")->has_value());
  auto listed = store->List("totp", "u1");
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(*listed, (std::vector<std::pair<std::string, std::string>>{{"u1", "KEY-ONE"}}));
  EXPECT_EQ(*store->ListKind("totp"), *listed);
}

TEST_F(SealedCredentialStoreTest, AValueMovedToAnotherRecordDoesNotOpen) {
  auto store = Sealed(box_);
  ASSERT_TRUE(store->Prepare().ok());
  ASSERT_TRUE(store->Put("totp", "victim", "victim", "VICTIM-KEY").ok());
  ASSERT_TRUE(raw_->Put("totp", "attacker", "attacker", Raw("totp", "victim")).ok());
  EXPECT_EQ(store->Get("totp", "attacker").status().code(), absl::StatusCode::kDataLoss);
}

TEST_F(SealedCredentialStoreTest, ReplaceComparesTheOpenedValue) {
  auto store = Sealed(box_);
  ASSERT_TRUE(store->Prepare().ok());
  ASSERT_TRUE(store->Put("totp", "u1", "u1", "v1").ok());
  EXPECT_FALSE(*store->Replace("totp", "u1", "not v1", "v2"));
  EXPECT_EQ(**store->Get("totp", "u1"), "v1");
  EXPECT_TRUE(*store->Replace("totp", "u1", "v1", "v2"));
  EXPECT_EQ(**store->Get("totp", "u1"), "v2");
  EXPECT_TRUE(SecretBox::IsSealed(Raw("totp", "u1")));
  EXPECT_FALSE(*store->Replace("totp", "u1", "v1", "v3"));  // the first writer won
  EXPECT_FALSE(*store->Replace("totp", "missing", "v1", "v2"));
  ASSERT_TRUE(store->Put("signinFailures", "u1", "u1", "1").ok());
  EXPECT_TRUE(*store->Replace("signinFailures", "u1", "1", "2"));
  EXPECT_EQ(Raw("signinFailures", "u1"), "2");
}

TEST_F(SealedCredentialStoreTest, PrepareSealsWhatWasWrittenInTheClearOnce) {
  ASSERT_TRUE(raw_->Put("totp", "u1", "u1", "OLD-KEY").ok());
  EXPECT_FALSE(*SealedCredentialStore::HasBeenSealed(*raw_));
  auto store = Sealed(box_);
  ASSERT_TRUE(store->Prepare().ok());
  EXPECT_TRUE(*SealedCredentialStore::HasBeenSealed(*raw_));
  EXPECT_TRUE(SecretBox::IsSealed(Raw("totp", "u1")));
  EXPECT_EQ(**store->Get("totp", "u1"), "OLD-KEY");
  // Prepared again with the same key: nothing changes.
  const std::string sealed = Raw("totp", "u1");
  ASSERT_TRUE(Sealed(box_)->Prepare().ok());
  EXPECT_EQ(Raw("totp", "u1"), sealed);
}

TEST_F(SealedCredentialStoreTest, AValuePlantedInTheClearAfterSealingIsRefused) {
  auto store = Sealed(box_);
  ASSERT_TRUE(store->Prepare().ok());
  ASSERT_TRUE(raw_->Put("totp", "u1", "u1", "PLANTED").ok());
  EXPECT_EQ(store->Get("totp", "u1").status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(store->List("totp", "u1").status().code(), absl::StatusCode::kDataLoss);
  EXPECT_FALSE(store->Replace("totp", "u1", "PLANTED", "x").ok());
  // The next start does not adopt it by sealing it: it stays refused.
  auto restarted = Sealed(box_);
  ASSERT_TRUE(restarted->Prepare().ok());
  EXPECT_EQ(Raw("totp", "u1"), "PLANTED");
  EXPECT_EQ(restarted->Get("totp", "u1").status().code(), absl::StatusCode::kDataLoss);
}

TEST_F(SealedCredentialStoreTest, ChangingTheKeySealsEverythingAgainWithTheNewOne) {
  auto old_store = Sealed(box_);
  ASSERT_TRUE(old_store->Prepare().ok());
  ASSERT_TRUE(old_store->Put("totp", "u1", "u1", "KEY-1").ok());
  ASSERT_TRUE(old_store->Put("totp", "u2", "u2", "KEY-2").ok());
  const std::string before = Raw("totp", "u1");

  const SecretBox new_box = SecretBox::Generate();
  ASSERT_TRUE(Sealed(new_box.WithPrevious(box_))->Prepare().ok());
  EXPECT_NE(Raw("totp", "u1"), before);
  // From now on the new key alone opens everything, and the old one nothing.
  auto new_store = Sealed(new_box);
  ASSERT_TRUE(new_store->Prepare().ok());
  EXPECT_EQ(**new_store->Get("totp", "u1"), "KEY-1");
  EXPECT_EQ(**new_store->Get("totp", "u2"), "KEY-2");
  EXPECT_EQ(Sealed(box_)->Prepare().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(SealedCredentialStoreTest, AKeyChangeCutShortResumesWithBothKeys) {
  ASSERT_TRUE(Sealed(box_)->Prepare().ok());
  ASSERT_TRUE(Sealed(box_)->Put("totp", "u1", "u1", "KEY-1").ok());
  const SecretBox new_box = SecretBox::Generate();
  // As if a start had sealed u2 with the new key and stopped before the check value.
  ASSERT_TRUE(Sealed(new_box)->Put("totp", "u2", "u2", "KEY-2").ok());
  EXPECT_EQ(Sealed(new_box)->Prepare().code(), absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(Sealed(new_box.WithPrevious(box_))->Prepare().ok());
  auto store = Sealed(new_box);
  ASSERT_TRUE(store->Prepare().ok());
  EXPECT_EQ(**store->Get("totp", "u1"), "KEY-1");
  EXPECT_EQ(**store->Get("totp", "u2"), "KEY-2");
}

TEST_F(SealedCredentialStoreTest, ADatabaseSealedWithOneKeyRefusesAnother) {
  ASSERT_TRUE(Sealed(box_)->Prepare().ok());
  ASSERT_TRUE(raw_->Put("totp", "u1", "u1", "still clear").ok());
  auto other = Sealed(SecretBox::Generate());
  EXPECT_EQ(other->Prepare().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Raw("totp", "u1"), "still clear");  // the wrong key sealed nothing
}

}  // namespace
}  // namespace pim::testing
