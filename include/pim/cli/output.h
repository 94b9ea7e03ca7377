// How pimctl prints: aligned tables for people (colour only on a terminal, never with NO_COLOR),
// JSON for scripts (`--output json`; the shapes are documented in docs/pimctl.md).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pim::cli {

enum class OutputFormat { kTable, kJson };

// Whether to colour standard output: only when it is a terminal, NO_COLOR is unset or empty
// (https://no-color.org), and TERM is not "dumb". `no_color` and `term` may be null (unset).
[[nodiscard]] bool ShouldUseColour(bool stdout_is_tty, const char* no_color, const char* term);

enum class Tone { kPlain, kGood, kWarn, kBad, kDim };

// `text` wrapped in the ANSI colour of `tone` when `colour`; else `text` unchanged.
[[nodiscard]] std::string Paint(std::string_view text, Tone tone, bool colour);

// The tone of a request/schedule status ("Provisioned" good, "PendingApproval" warn, ...).
[[nodiscard]] Tone ToneOfStatus(std::string_view status);

// `text` safe to write to a terminal: every control character (C0 including CR, LF, TAB and
// ESC; DEL; C1, U+0080..U+009F) and every byte that is not valid UTF-8 becomes U+FFFD, so that
// text from other people (a justification, a display name) cannot move the cursor, rewrite
// the screen or start an escape sequence. Other text is unchanged. For table and text output
// only; JSON output escapes control characters itself.
[[nodiscard]] std::string Printable(std::string_view text);

// A table of text cells. Columns are as wide as their widest cell (counted in code points, so
// names with accents stay aligned), separated by two spaces; the last column is not padded.
// Thread-compatible.
class Table {
 public:
  explicit Table(std::vector<std::string> headers) : headers_(std::move(headers)) {}

  // Adds a row; missing cells are empty, extra cells are dropped. Cells are made Printable.
  void AddRow(std::vector<std::string> cells);
  // Optional tone per cell of the last row added (same length as the headers).
  void SetRowTones(std::vector<Tone> tones);

  [[nodiscard]] bool empty() const { return rows_.empty(); }

  // The table, one line per row after a header line, each ending in '\n'. With `colour`, the
  // header is bold and toned cells are coloured (padding stays outside the escape codes).
  [[nodiscard]] std::string Render(bool colour) const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
  std::vector<std::vector<Tone>> tones_;
};

// Display width of UTF-8 `text` in code points.
[[nodiscard]] std::size_t DisplayWidth(std::string_view text);

}  // namespace pim::cli
