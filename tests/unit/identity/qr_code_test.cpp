#include "pim/identity/qr_code.h"

#include <regex>

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace pim::identity {
namespace {

struct Module {
  int x, y, run;
};

// The horizontal runs of dark modules in the SVG's path, after checking the SVG's shape.
std::vector<Module> Runs(const std::string& svg, int expected_size) {
  const std::string size = std::to_string(expected_size);
  EXPECT_TRUE(absl::StartsWith(
      svg, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + size + " " + size + "\""))
      << svg.substr(0, 100);
  EXPECT_TRUE(absl::EndsWith(svg, "\"/></svg>"));
  const std::size_t d = svg.find("<path fill=\"#000\" d=\"");
  EXPECT_NE(d, std::string::npos);
  EXPECT_EQ(svg.find("<path", d + 1), std::string::npos) << "one path only";
  const std::string path = svg.substr(d + 21, svg.rfind('"') - d - 21);
  const std::regex subpath(R"(M(\d+),(\d+)h(\d+)v1h-(\d+)z)");
  std::vector<Module> runs;
  std::size_t consumed = 0;
  for (auto it = std::sregex_iterator(path.begin(), path.end(), subpath);
       it != std::sregex_iterator(); ++it) {
    EXPECT_EQ(static_cast<std::size_t>(it->position()), consumed) << "only subpaths";
    EXPECT_EQ((*it)[3], (*it)[4]);
    runs.push_back({std::stoi((*it)[1]), std::stoi((*it)[2]), std::stoi((*it)[3])});
    consumed += static_cast<std::size_t>(it->length());
  }
  EXPECT_EQ(consumed, path.size());
  return runs;
}

bool Dark(const std::vector<Module>& runs, int x, int y) {
  for (const Module& m : runs) {
    if (m.y == y && x >= m.x && x < m.x + m.run) return true;
  }
  return false;
}

TEST(QrCodeTest, ShortTextIsVersionOneWithQuietZoneAndFinderPatterns) {
  const absl::StatusOr<std::string> svg = QrCodeSvg("hello world");  // 11 bytes: version 1-M
  ASSERT_TRUE(svg.ok()) << svg.status();
  const std::vector<Module> runs = Runs(*svg, 21 + 8);
  ASSERT_FALSE(runs.empty());
  for (const Module& m : runs) {  // nothing in the quiet zone
    EXPECT_GE(m.x, 4);
    EXPECT_GE(m.y, 4);
    EXPECT_LE(m.x + m.run, 25);
    EXPECT_LT(m.y, 25);
  }
  // The finder patterns: a dark 7x7 ring around a dark 3x3 square, at three corners.
  for (const auto& [left, top] : {std::pair{4, 4}, std::pair{18, 4}, std::pair{4, 18}}) {
    for (int i = 0; i < 7; ++i) {
      EXPECT_TRUE(Dark(runs, left + i, top));
      EXPECT_TRUE(Dark(runs, left + i, top + 6));
      EXPECT_TRUE(Dark(runs, left, top + i));
      EXPECT_TRUE(Dark(runs, left + 6, top + i));
    }
    EXPECT_FALSE(Dark(runs, left + 1, top + 1));
    EXPECT_TRUE(Dark(runs, left + 3, top + 3));
  }
  for (int i = 0; i < 8; ++i) {  // the light separator around the top-left one
    EXPECT_FALSE(Dark(runs, 4 + i, 11));
    EXPECT_FALSE(Dark(runs, 11, 4 + i));
  }
}

TEST(QrCodeTest, SizeGrowsWithTheVersion) {
  // Byte-mode capacity at level M: version 5 holds 84 bytes, version 6 holds 106.
  ASSERT_TRUE(QrCodeSvg(std::string(100, 'a')).ok());
  Runs(*QrCodeSvg(std::string(100, 'a')), 21 + 4 * 5 + 8);
  Runs(*QrCodeSvg(std::string(84, 'a')), 21 + 4 * 4 + 8);
  Runs(*QrCodeSvg(std::string(2331, 'a')), 21 + 4 * 39 + 8);  // version 40
  Runs(*QrCodeSvg(std::string("\0\xff\n", 3)), 29);
}

TEST(QrCodeTest, TooLongOrEmptyTextIsInvalid) {
  EXPECT_EQ(QrCodeSvg(std::string(2332, 'a')).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(QrCodeSvg(std::string(1 << 20, 'a')).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(QrCodeSvg("").status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace pim::identity
