#include "pim/cli/output.h"

#include <algorithm>
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

void Table::AddRow(std::vector<std::string> cells) {
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
