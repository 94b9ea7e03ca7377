// The sealed audit checkpoints in their own SQLite file.
#include "pim/store/sqlite_checkpoint_store.h"

#include <sys/stat.h>

#include "gtest/gtest.h"
#include "unit/store/temp_dir.h"

namespace pim {
namespace {

audit::Checkpoint At(std::int64_t seq, char fill = 'a') {
  return audit::Checkpoint{seq, std::string(64, fill), absl::FromUnixMicros(1767600000000000 + seq),
                           "kid-1", "sig"};
}

TEST(SqliteCheckpointStoreTest, PutListReplaceAndDeleteBeforeSurviveReopen) {
  testing::TempDir dir;
  const std::string path = dir.File("audit-checkpoints.db");
  {
    auto store = SqliteCheckpointStore::Open(path);
    ASSERT_TRUE(store.ok()) << store.status();
    for (const std::int64_t seq : {10, 5, 20, 15}) ASSERT_TRUE((*store)->Put(At(seq)).ok());
    ASSERT_TRUE((*store)->Put(At(15, 'b')).ok());  // same seq: replaced
    auto all = (*store)->List(0);
    ASSERT_TRUE(all.ok()) << all.status();
    EXPECT_EQ(*all, (std::vector<audit::Checkpoint>{At(5), At(10), At(15, 'b'), At(20)}));
    EXPECT_EQ(*(*store)->List(11), (std::vector<audit::Checkpoint>{At(15, 'b'), At(20)}));
    ASSERT_TRUE((*store)->DeleteBefore(15).ok());
  }
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);  // owner-only
  auto reopened = SqliteCheckpointStore::Open(path);
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  EXPECT_EQ(*(*reopened)->List(0), (std::vector<audit::Checkpoint>{At(15, 'b'), At(20)}));
}

}  // namespace
}  // namespace pim
