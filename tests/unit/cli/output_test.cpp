#include "pim/cli/output.h"

#include <gtest/gtest.h>

#include <string>

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

TEST(PrintableTest, ReplacesControlCharactersAndBrokenUtf8AndKeepsTheRest) {
  const std::string r = "\xef\xbf\xbd";  // U+FFFD
  EXPECT_EQ(Printable("\x1b[2Jx\rY"), r + "[2Jx" + r + "Y");
  EXPECT_EQ(Printable(std::string("a\0b", 3)), "a" + r + "b");
  EXPECT_EQ(Printable("tab\tnew\nline\bdel\x7f"), "tab" + r + "new" + r + "line" + r + "del" + r);
  EXPECT_EQ(Printable("\xc2\x9b"
                      "31m"),
            r + "31m");  // C1 CSI as UTF-8
  EXPECT_EQ(Printable("\x9b"
                      "31m"),
            r + "31m");                     // and as a bare byte
  EXPECT_EQ(Printable("\xc0\xaf"), r + r);  // overlong
  EXPECT_EQ(Printable("\xe2\x82"), r + r);  // cut short
  EXPECT_EQ(Printable("R\xc3\xa9"
                      "ader \xe2\x82\xac \xf0\x9f\x94\x91 \xc2\xa0"),
            "R\xc3\xa9"
            "ader \xe2\x82\xac \xf0\x9f\x94\x91 \xc2\xa0");
  EXPECT_EQ(Printable(""), "");
}

TEST(TableTest, CellsAreMadePrintableAndStayAligned) {
  Table t({"WHY", "X"});
  t.AddRow({"\x1b[2Jx\rY", "1"});
  t.AddRow({"plain", "2"});
  const std::string out = t.Render(false);
  EXPECT_EQ(out.find('\x1b'), std::string::npos);
  EXPECT_EQ(out.find('\r'), std::string::npos);
  EXPECT_EQ(out,
            "WHY      X\n"
            "\xef\xbf\xbd[2Jx\xef\xbf\xbdY  1\n"
            "plain    2\n");
}

TEST(TableTest, DisplayWidthCountsCodePoints) {
  EXPECT_EQ(DisplayWidth("abc"), 3U);
  EXPECT_EQ(DisplayWidth("é"), 1U);
  EXPECT_EQ(DisplayWidth(""), 0U);
}

}  // namespace
}  // namespace pim::cli
