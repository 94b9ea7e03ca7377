#include "pim/cli/output.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace pim::cli {

bool ShouldUseColour(bool stdout_is_tty, const char* no_color, const char* term) {
  if (!stdout_is_tty) return false;
  if (no_color != nullptr && no_color[0] != '\0') return false;
  if (term != nullptr && std::strcmp(term, "dumb") == 0) return false;
  return true;
}

std::string Paint(std::string_view text, Tone tone, bool colour) {
  const absl::string_view t(text.data(), text.size());
  if (!colour || tone == Tone::kPlain) return std::string(t);
  const char* code = "";
  switch (tone) {
    case Tone::kGood:
      code = "32";
      break;
    case Tone::kWarn:
      code = "33";
      break;
    case Tone::kBad:
      code = "31";
      break;
    case Tone::kDim:
      code = "2";
      break;
    case Tone::kPlain:
      break;
  }
  return absl::StrCat("\x1b[", code, "m", t, "\x1b[0m");
}

Tone ToneOfStatus(std::string_view status) {
  const absl::string_view s(status.data(), status.size());
  if (s == "Provisioned" || s == "active" || s == "Approved" || s == "Approve") return Tone::kGood;
  if (absl::StartsWith(s, "Pending") || s == "Granted" || s == "scheduled" || s == "InProgress") {
    return Tone::kWarn;
  }
  if (s == "Denied" || s == "Failed" || s == "Canceled" || s == "TimedOut" || s == "Revoked" ||
      s == "Expired") {
    return Tone::kBad;
  }
  return Tone::kPlain;
}

std::size_t DisplayWidth(std::string_view text) {
  std::size_t n = 0;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0U) != 0x80U) ++n;  // not a continuation byte
  }
  return n;
}

std::string Printable(std::string_view text) {
  static constexpr char kReplacement[] = "\xEF\xBF\xBD";  // U+FFFD
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80U) {
      if (c < 0x20U || c == 0x7FU) {
        out += kReplacement;
      } else {
        out += static_cast<char>(c);
      }
      ++i;
      continue;
    }
    // A UTF-8 sequence: its length from the lead byte, then continuation bytes, shortest form.
    std::size_t length = 0;
    std::uint32_t cp = 0;
    if (c >= 0xC2U && c <= 0xDFU) {
      length = 2;
      cp = c & 0x1FU;
    } else if (c >= 0xE0U && c <= 0xEFU) {
      length = 3;
      cp = c & 0x0FU;
    } else if (c >= 0xF0U && c <= 0xF4U) {
      length = 4;
      cp = c & 0x07U;
    }
    bool valid = length != 0 && i + length <= text.size();
    for (std::size_t k = 1; valid && k < length; ++k) {
      const auto cc = static_cast<unsigned char>(text[i + k]);
      if ((cc & 0xC0U) != 0x80U) valid = false;
      cp = (cp << 6U) | (cc & 0x3FU);
    }
    if (valid) {
      valid = !(length == 3 && (cp < 0x800U || (cp >= 0xD800U && cp <= 0xDFFFU))) &&
              !(length == 4 && (cp < 0x10000U || cp > 0x10FFFFU));
    }
    if (!valid) {
      out += kReplacement;  // one for the offending byte; the next byte starts afresh
      ++i;
      continue;
    }
    if (cp >= 0x80U && cp <= 0x9FU) {
      out += kReplacement;  // C1: U+009B is CSI to many terminals
    } else {
      out.append(text.data() + i, length);
    }
    i += length;
  }
  return out;
}

void Table::AddRow(std::vector<std::string> cells) {
  for (std::string& cell : cells) cell = Printable(cell);
  cells.resize(headers_.size());
  rows_.push_back(std::move(cells));
  tones_.emplace_back(headers_.size(), Tone::kPlain);
}

void Table::SetRowTones(std::vector<Tone> tones) {
  if (tones_.empty()) return;
  tones.resize(headers_.size(), Tone::kPlain);
  tones_.back() = std::move(tones);
}

std::string Table::Render(bool colour) const {
  std::vector<std::size_t> widths(headers_.size(), 0);
  for (std::size_t c = 0; c < headers_.size(); ++c) {
    widths[c] = DisplayWidth(headers_[c]);
    for (const auto& row : rows_) widths[c] = std::max(widths[c], DisplayWidth(row[c]));
  }
  std::string out;
  auto line = [&](const std::vector<std::string>& cells, const std::vector<Tone>* tones,
                  bool header) {
    std::string text;
    for (std::size_t c = 0; c < cells.size(); ++c) {
      std::string cell = cells[c];
      if (header && colour) {
        cell = absl::StrCat("\x1b[1m", cell, "\x1b[0m");
      } else if (tones != nullptr) {
        cell = Paint(cell, (*tones)[c], colour);
      }
      absl::StrAppend(&text, cell);
      if (c + 1 < cells.size()) {
        text.append(widths[c] - DisplayWidth(cells[c]) + 2, ' ');
      }
    }
    absl::StrAppend(&out, text, "\n");
  };
  line(headers_, nullptr, true);
  for (std::size_t r = 0; r < rows_.size(); ++r) line(rows_[r], &tones_[r], false);
  return out;
}

}  // namespace pim::cli
