#include "pim/identity/signing_key_ring.h"

#include <sys/stat.h>

#include <fstream>
#include <iterator>

#include "absl/strings/str_cat.h"
#include "boost/json/parse.hpp"
#include "gtest/gtest.h"
#include "pim/identity/jwt.h"
#include "unit/store/temp_dir.h"

namespace pim::identity {
namespace {

namespace fs = std::filesystem;

mode_t ModeOf(const fs::path& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

class SigningKeyRingTest : public ::testing::Test {
 protected:
  std::vector<std::string> Kids(const SigningKeyRing& ring, absl::Time now) const {
    std::vector<std::string> kids;
    for (const VerificationKey& k : ring.VerificationKeys(now, lifetime_)) kids.push_back(k.kid());
    return kids;
  }
  std::vector<std::string> JwksKids(const SigningKeyRing& ring, absl::Time now) const {
    std::vector<std::string> kids;
    const boost::json::value jwks = boost::json::parse(ring.JwksJson(now, lifetime_));
    for (const boost::json::value& k : jwks.at("keys").as_array()) {
      kids.emplace_back(k.at("kid").as_string());
      EXPECT_EQ(k.as_object().if_contains("d"), nullptr);
    }
    return kids;
  }
  void Write(const fs::path& path, std::string_view text) const {
    std::ofstream(path, std::ios::trunc) << text;
  }

  pim::testing::TempDir temp_;
  const fs::path dir_ = fs::path(temp_.path()) / "data" / "keys";
  const absl::Time t0_ = absl::FromUnixSeconds(1767603600);
  const absl::Duration lifetime_ = absl::Hours(1);
};

TEST_F(SigningKeyRingTest, OpenCreatesAPrivateDirectoryAndFirstKey) {
  const absl::StatusOr<SigningKeyRing> ring = SigningKeyRing::Open(dir_, t0_);
  ASSERT_TRUE(ring.ok()) << ring.status();
  EXPECT_EQ(ModeOf(dir_), 0700u);
  const fs::path pem = dir_ / (ring->current().kid() + ".pem");
  EXPECT_EQ(ModeOf(pem), 0600u);
  EXPECT_EQ(ModeOf(dir_ / "keyring.json"), 0600u);
  EXPECT_EQ(Kids(*ring, t0_), std::vector<std::string>{ring->current().kid()});
  EXPECT_EQ(JwksKids(*ring, t0_), std::vector<std::string>{ring->current().kid()});
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(dir_)) {
    files.push_back(entry.path().filename().string());
  }
  EXPECT_EQ(files.size(), 2u) << "no temporary files are left";
}

TEST_F(SigningKeyRingTest, AnExistingDirectoryIsMadePrivate) {
  fs::create_directories(dir_);
  fs::permissions(dir_, fs::perms(0755));
  ASSERT_TRUE(SigningKeyRing::Open(dir_, t0_).ok());
  EXPECT_EQ(ModeOf(dir_), 0700u);
}

TEST_F(SigningKeyRingTest, ReopeningLoadsTheSameKeys) {
  std::string first;
  std::string second;
  {
    absl::StatusOr<SigningKeyRing> ring = SigningKeyRing::Open(dir_, t0_);
    ASSERT_TRUE(ring.ok());
    first = ring->current().kid();
    ASSERT_TRUE(ring->Rotate(t0_ + absl::Minutes(5)).ok());
    second = ring->current().kid();
  }
  const absl::StatusOr<SigningKeyRing> again = SigningKeyRing::Open(dir_, t0_ + absl::Hours(9));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->current().kid(), second);
  EXPECT_EQ(Kids(*again, t0_ + absl::Minutes(10)), (std::vector<std::string>{second, first}));
}

TEST_F(SigningKeyRingTest, ARetiredKeyVerifiesUntilItsWindowPassesThenIsPruned) {
  absl::StatusOr<SigningKeyRing> ring = SigningKeyRing::Open(dir_, t0_);
  ASSERT_TRUE(ring.ok());
  const std::string old_kid = ring->current().kid();
  const JwtExpectations expected{"iss", {"aud"}, absl::ZeroDuration(), lifetime_};
  const std::int64_t t_rotate = absl::ToUnixSeconds(t0_) + 600;
  const std::string old_token =
      EncodeJwt(ring->current(), {{"iss", "iss"}, {"aud", "aud"}, {"exp", t_rotate + 3599}});

  const absl::Time rotated = absl::FromUnixSeconds(t_rotate);
  ASSERT_TRUE(ring->Rotate(rotated).ok());
  const std::string new_kid = ring->current().kid();
  EXPECT_NE(new_kid, old_kid);
  EXPECT_EQ(ModeOf(dir_ / (new_kid + ".pem")), 0600u);

  // Within the window: both published, newest first, and the old token still verifies.
  const absl::Time inside = rotated + lifetime_ - absl::Seconds(2);
  EXPECT_EQ(Kids(*ring, inside), (std::vector<std::string>{new_kid, old_kid}));
  EXPECT_EQ(JwksKids(*ring, inside), (std::vector<std::string>{new_kid, old_kid}));
  EXPECT_TRUE(
      DecodeAndVerifyJwt(old_token, ring->VerificationKeys(inside, lifetime_), expected, inside)
          .ok());
  ASSERT_TRUE(ring->Prune(inside, lifetime_).ok());
  EXPECT_TRUE(fs::exists(dir_ / (old_kid + ".pem")));

  // Past it: only the new key, and pruning deletes the old file.
  const absl::Time after = rotated + lifetime_;
  EXPECT_EQ(Kids(*ring, after), std::vector<std::string>{new_kid});
  EXPECT_EQ(JwksKids(*ring, after), std::vector<std::string>{new_kid});
  ASSERT_TRUE(ring->Prune(after, lifetime_).ok());
  EXPECT_FALSE(fs::exists(dir_ / (old_kid + ".pem")));
  const absl::StatusOr<SigningKeyRing> again = SigningKeyRing::Open(dir_, after);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(Kids(*again, rotated), std::vector<std::string>{new_kid});
}

TEST_F(SigningKeyRingTest, CorruptFilesAreInvalid) {
  std::string kid;
  {
    const absl::StatusOr<SigningKeyRing> ring = SigningKeyRing::Open(dir_, t0_);
    ASSERT_TRUE(ring.ok());
    kid = ring->current().kid();
  }
  const auto entry = [](const std::string& id, const std::string& times) {
    return absl::StrCat(R"({"kid":")", id, R"(")", times, "}");
  };
  const auto ring_of = [](const std::string& entries) {
    return absl::StrCat(R"({"keys":[)", entries, "]}");
  };
  const std::string created = R"(,"created":"2026-01-05T09:00:00Z")";
  const std::string retired = R"(,"retired":"2026-01-05T10:00:00Z")";
  const std::string other = SigningKey::Generate().kid();
  for (const std::string& metadata : {
           std::string("not json"), ring_of(""),
           ring_of(entry("../../etc/passwd/xxxxxxxxxxxxxxxxxxxxxxxxxxxxx", created)),
           ring_of(entry(kid, "")), ring_of(entry(kid, R"(,"created":"yesterday")")),
           ring_of(entry(kid, created + retired)),  // no current key
           ring_of(absl::StrCat(entry(kid, created), ",", entry(kid, created))),
           ring_of(absl::StrCat(entry(kid, created + retired), ",", entry(kid, created))),
           ring_of(entry(other, created)),  // no such key file
       }) {
    Write(dir_ / "keyring.json", metadata);
    const absl::StatusCode code = SigningKeyRing::Open(dir_, t0_).status().code();
    EXPECT_TRUE(
        code == absl::StatusCode::kInvalidArgument ||
        (metadata.find(other) != std::string::npos && code == absl::StatusCode::kUnavailable))
        << metadata << " gave " << code;
  }
  // A key file that is not the key its name says.
  Write(dir_ / "keyring.json", ring_of(entry(kid, created)));
  ASSERT_TRUE(SigningKeyRing::Open(dir_, t0_).ok());
  Write(dir_ / (kid + ".pem"), SigningKey::Generate().PrivatePem());
  EXPECT_EQ(SigningKeyRing::Open(dir_, t0_).status().code(), absl::StatusCode::kInvalidArgument);
}

// ---- Sealed rings ----

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

TEST_F(SigningKeyRingTest, ASealedRingKeepsNoKeyInTheClearAndOpensWithItsBoxOnly) {
  const SecretBox box = SecretBox::Generate();
  auto ring = SigningKeyRing::Open(dir_, t0_, box);
  ASSERT_TRUE(ring.ok()) << ring.status();
  ASSERT_TRUE(ring->Rotate(t0_ + absl::Minutes(1)).ok());
  const std::vector<std::string> kids = Kids(*ring, t0_ + absl::Minutes(1));
  ASSERT_EQ(kids.size(), 2u);
  for (const std::string& kid : kids) {
    const std::string file = ReadAll(dir_ / (kid + ".pem"));
    EXPECT_TRUE(SecretBox::IsSealed(file)) << kid;
    EXPECT_EQ(file.find("PRIVATE KEY"), std::string::npos) << kid;
  }
  EXPECT_EQ(boost::json::parse(ReadAll(dir_ / "keyring.json")).at("sealed"), true);

  auto again = SigningKeyRing::Open(dir_, t0_ + absl::Minutes(2), box);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->current().kid(), ring->current().kid());
  const std::string token = again->current().Sign(R"({"sub":"x"})");
  EXPECT_FALSE(token.empty());

  EXPECT_EQ(SigningKeyRing::Open(dir_, t0_).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(SigningKeyRing::Open(dir_, t0_, SecretBox::Generate()).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(SigningKeyRingTest, ARingWrittenBeforeSealingIsSealedWhenOpenedWithABox) {
  auto plain = SigningKeyRing::Open(dir_, t0_);
  ASSERT_TRUE(plain.ok()) << plain.status();
  const std::string kid = plain->current().kid();
  EXPECT_NE(ReadAll(dir_ / (kid + ".pem")).find("PRIVATE KEY"), std::string::npos);

  const SecretBox box = SecretBox::Generate();
  auto sealed = SigningKeyRing::Open(dir_, t0_, box);
  ASSERT_TRUE(sealed.ok()) << sealed.status();
  EXPECT_EQ(sealed->current().kid(), kid);
  EXPECT_TRUE(SecretBox::IsSealed(ReadAll(dir_ / (kid + ".pem"))));
  EXPECT_TRUE(SigningKeyRing::Open(dir_, t0_, box).ok());
}

TEST_F(SigningKeyRingTest, ChangingTheSecretsKeySealsTheKeyFilesAgain) {
  const SecretBox old_box = SecretBox::Generate();
  auto ring = SigningKeyRing::Open(dir_, t0_, old_box);
  ASSERT_TRUE(ring.ok()) << ring.status();
  const std::string kid = ring->current().kid();
  const SecretBox new_box = SecretBox::Generate();
  ASSERT_TRUE(SigningKeyRing::Open(dir_, t0_, new_box.WithPrevious(old_box)).ok());
  auto reopened = SigningKeyRing::Open(dir_, t0_, new_box);
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  EXPECT_EQ(reopened->current().kid(), kid);
  EXPECT_EQ(SigningKeyRing::Open(dir_, t0_, old_box).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(SigningKeyRingTest, AKeyFileInTheClearInASealedRingIsRefused) {
  const SecretBox box = SecretBox::Generate();
  auto ring = SigningKeyRing::Open(dir_, t0_, box);
  ASSERT_TRUE(ring.ok()) << ring.status();
  const std::string kid = ring->current().kid();
  // Someone replaces the key with one of their own, in the clear (but with the right kid: a
  // file that named another key would already fail the kid check).
  Write(dir_ / (kid + ".pem"), ring->current().PrivatePem());
  EXPECT_EQ(SigningKeyRing::Open(dir_, t0_, box).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace pim::identity
