#include "pim/cli/token_cache.h"

#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

namespace pim::cli {
namespace {

class TokenCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/pimctl-cache-test.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    dir_ = root_ + "/config/pimctl";
    // A permissive umask: the modes must come from creation itself.
    old_umask_ = ::umask(0);
  }
  void TearDown() override {
    ::umask(old_umask_);
    const std::string cmd = "rm -rf -- '" + root_ + "'";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
  }

  static CachedSignIn SignIn(const std::string& refresh) {
    CachedSignIn s;
    s.server = "https://localhost:8443";
    s.access_token = Secret("access-1");
    s.refresh_token = Secret(refresh);
    s.access_expires = absl::FromUnixSeconds(1'800'000'000);
    s.user_id = "d0000000-0000-4000-8000-00000000000b";
    s.user_name = "ben@demo.pim";
    return s;
  }

  static unsigned ModeOf(const std::string& path) {
    struct stat st {};
    EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
    return st.st_mode & 0777U;
  }

  std::vector<std::string> Files() const {
    std::vector<std::string> out;
    DIR* d = ::opendir(dir_.c_str());
    if (d == nullptr) return out;
    while (dirent* e = ::readdir(d)) {
      const std::string name = e->d_name;
      if (name != "." && name != "..") out.push_back(name);
    }
    ::closedir(d);
    return out;
  }

  std::string root_;
  std::string dir_;
  mode_t old_umask_ = 022;
};

TEST_F(TokenCacheTest, CreatesTheDirectory0700AndFiles0600) {
  TokenCache cache(dir_);
  ASSERT_TRUE(cache.Save(SignIn("refresh-1")).ok());
  ASSERT_TRUE(cache.SetDefaultServer("https://localhost:8443").ok());
  EXPECT_EQ(ModeOf(root_ + "/config"), 0700U);
  EXPECT_EQ(ModeOf(dir_), 0700U);
  EXPECT_EQ(ModeOf(cache.PathFor("https://localhost:8443")), 0600U);
  EXPECT_EQ(ModeOf(dir_ + "/default-server"), 0600U);
}

TEST_F(TokenCacheTest, RoundTripsASignIn) {
  TokenCache cache(dir_);
  ASSERT_TRUE(cache.Save(SignIn("refresh-1")).ok());
  ASSERT_TRUE(cache.SetDefaultServer("https://localhost:8443").ok());
  auto loaded = cache.Load("https://localhost:8443");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->access_token.reveal(), "access-1");
  EXPECT_EQ(loaded->refresh_token.reveal(), "refresh-1");
  EXPECT_EQ(loaded->access_expires, absl::FromUnixSeconds(1'800'000'000));
  EXPECT_EQ(loaded->user_name, "ben@demo.pim");
  EXPECT_EQ(cache.DefaultServer(), "https://localhost:8443");
  EXPECT_EQ(cache.Load("https://other:1").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(TokenCacheTest, ReplacesAtomicallyByRename) {
  TokenCache cache(dir_);
  ASSERT_TRUE(cache.Save(SignIn("refresh-1")).ok());
  const std::string path = cache.PathFor("https://localhost:8443");
  // A reader holding the old file keeps reading the old, whole sign-in.
  const int old_fd = ::open(path.c_str(), O_RDONLY);
  ASSERT_GE(old_fd, 0);
  struct stat before {};
  ASSERT_EQ(::fstat(old_fd, &before), 0);

  ASSERT_TRUE(cache.Save(SignIn("refresh-2")).ok());
  struct stat after {};
  ASSERT_EQ(::stat(path.c_str(), &after), 0);
  EXPECT_NE(before.st_ino, after.st_ino) << "the file was rewritten in place";
  std::string old_content(4096, '\0');
  const ssize_t n = ::read(old_fd, old_content.data(), old_content.size());
  ::close(old_fd);
  ASSERT_GT(n, 0);
  EXPECT_NE(old_content.find("refresh-1"), std::string::npos);
  EXPECT_EQ(cache.Load("https://localhost:8443")->refresh_token.reveal(), "refresh-2");
  EXPECT_EQ(ModeOf(path), 0600U);
  // No temporary file is left behind.
  for (const std::string& f : Files()) EXPECT_EQ(f.find(".tmp."), std::string::npos) << f;
}

TEST_F(TokenCacheTest, RefusesAFileOthersCanRead) {
  TokenCache cache(dir_);
  ASSERT_TRUE(cache.Save(SignIn("r")).ok());
  ASSERT_EQ(::chmod(cache.PathFor("https://localhost:8443").c_str(), 0644), 0);
  EXPECT_EQ(cache.Load("https://localhost:8443").status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(TokenCacheTest, RemoveDeletesAndIsIdempotent) {
  TokenCache cache(dir_);
  ASSERT_TRUE(cache.Save(SignIn("r")).ok());
  EXPECT_TRUE(cache.Remove("https://localhost:8443").ok());
  EXPECT_EQ(cache.Load("https://localhost:8443").status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(cache.Remove("https://localhost:8443").ok());
}

TEST_F(TokenCacheTest, FileNamesDoNotCollideAcrossServers) {
  TokenCache cache(dir_);
  EXPECT_NE(cache.PathFor("https://a:1/b"), cache.PathFor("https://a_1_b"));
  EXPECT_EQ(cache.PathFor("https://a").find('/', dir_.size() + 1), std::string::npos);
}

// A refresh saves the sign-in of whichever server a command used: that must not become the
// server of the next command (only a sign-in chooses it).
TEST_F(TokenCacheTest, SaveLeavesTheDefaultServerAlone) {
  TokenCache cache(dir_);
  ASSERT_TRUE(cache.Save(SignIn("refresh-1")).ok());
  EXPECT_EQ(cache.DefaultServer(), std::nullopt);
  ASSERT_TRUE(cache.SetDefaultServer("https://a.example").ok());
  ASSERT_TRUE(cache.Save(SignIn("refresh-2")).ok());
  EXPECT_EQ(cache.DefaultServer(), "https://a.example");
}

TEST_F(TokenCacheTest, LockIsExclusiveOnA0600FileBesideTheSignIn) {
  TokenCache cache(dir_);
  const std::string server = "https://localhost:8443";
  std::string lock_path = cache.PathFor(server);
  lock_path.replace(lock_path.size() - 5, 5, ".lock");
  {
    auto lock = cache.Lock(server);
    ASSERT_TRUE(lock.ok()) << lock.status();
    EXPECT_EQ(ModeOf(dir_), 0700U);
    EXPECT_EQ(ModeOf(lock_path), 0600U);
    // Another open file description (another process, or another Session) must wait.
    const int fd = ::open(lock_path.c_str(), O_RDWR);
    ASSERT_GE(fd, 0);
    EXPECT_NE(::flock(fd, LOCK_EX | LOCK_NB), 0);
    EXPECT_EQ(errno, EWOULDBLOCK);
    ::close(fd);
  }
  const int fd = ::open(lock_path.c_str(), O_RDWR);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(::flock(fd, LOCK_EX | LOCK_NB), 0) << "released when the lock is destroyed";
  ::close(fd);
}

TEST(ConfigDirectoryTest, PrefersPimctlConfigDirThenXdgThenHome) {
  EXPECT_EQ(*ConfigDirectory("/p", "/x", "/h"), "/p");
  EXPECT_EQ(*ConfigDirectory(nullptr, "/x", "/h"), "/x/pimctl");
  EXPECT_EQ(*ConfigDirectory("", "", "/h"), "/h/.config/pimctl");
  EXPECT_EQ(ConfigDirectory(nullptr, nullptr, nullptr).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(SecretTest, ComparesWithoutRevealing) {
  EXPECT_TRUE(Secret("abc").Equals(Secret("abc")));
  EXPECT_FALSE(Secret("abc").Equals(Secret("abd")));
  EXPECT_FALSE(Secret("abc").Equals(Secret("ab")));
}

}  // namespace
}  // namespace pim::cli
