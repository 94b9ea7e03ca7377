#include "pim/cli/output.h"

#include <gtest/gtest.h>

namespace pim::cli {
namespace {

TEST(ColourTest, OnlyOnATerminalWithoutNoColor) {
  EXPECT_TRUE(ShouldUseColour(true, nullptr, "xterm-256color"));
  EXPECT_FALSE(ShouldUseColour(false, nullptr, "xterm-256color"));
  EXPECT_FALSE(ShouldUseColour(true, "1", "xterm"));
  EXPECT_TRUE(ShouldUseColour(true, "", "xterm"));  // NO_COLOR set but empty: ignored
  EXPECT_FALSE(ShouldUseColour(true, nullptr, "dumb"));
}

TEST(ColourTest, PaintLeavesTextAloneWithoutColour) {
  EXPECT_EQ(Paint("Denied", Tone::kBad, false), "Denied");
  EXPECT_EQ(Paint("Denied", Tone::kBad, true), "\x1b[31mDenied\x1b[0m");
  EXPECT_EQ(Paint("x", Tone::kPlain, true), "x");
  EXPECT_EQ(ToneOfStatus("PendingApproval"), Tone::kWarn);
  EXPECT_EQ(ToneOfStatus("Provisioned"), Tone::kGood);
  EXPECT_EQ(ToneOfStatus("Denied"), Tone::kBad);
}

TEST(TableTest, AlignsColumnsToTheWidestCell) {
  Table t({"NAME", "STATE"});
  t.AddRow({"User Administrator", "eligible"});
  t.AddRow({"Réader", "active"});  // two-byte é counts as one column
  EXPECT_EQ(t.Render(false),
            "NAME                STATE\n"
            "User Administrator  eligible\n"
            "Réader              active\n");
}

TEST(TableTest, MissingCellsAreEmptyAndExtraCellsDropped) {
  Table t({"A", "B", "C"});
  t.AddRow({"1"});
  t.AddRow({"1", "2", "3", "4"});
  EXPECT_EQ(t.Render(false),
            "A  B  C\n"
            "1     \n"
            "1  2  3\n");
}

TEST(TableTest, ColourKeepsPaddingOutsideEscapes) {
  Table t({"S", "X"});
  t.AddRow({"ok", "y"});
  t.SetRowTones({Tone::kGood});
  EXPECT_EQ(t.Render(true),
            "\x1b[1mS\x1b[0m   \x1b[1mX\x1b[0m\n"
            "\x1b[32mok\x1b[0m  y\n");
  EXPECT_EQ(t.Render(false), "S   X\nok  y\n");
}

TEST(TableTest, DisplayWidthCountsCodePoints) {
  EXPECT_EQ(DisplayWidth("abc"), 3U);
  EXPECT_EQ(DisplayWidth("é"), 1U);
  EXPECT_EQ(DisplayWidth(""), 0U);
}

}  // namespace
}  // namespace pim::cli
