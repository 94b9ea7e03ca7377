#include "filter_lexer.h"

#include "absl/strings/ascii.h"
#include "odata_text.h"
#include "pim/domain/iso8601.h"

namespace pim::api::odata {
namespace {

using internal::BadRequest;
using internal::IsIdentifierChar;
using internal::IsIdentifierStart;
using internal::Quote;

bool IsDigit(char c) { return absl::ascii_isdigit(static_cast<unsigned char>(c)); }
bool IsHex(char c) { return absl::ascii_isxdigit(static_cast<unsigned char>(c)); }
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

absl::Status ErrorAt(std::size_t position, std::string_view what) {
  return BadRequest(internal::Cat("$filter: ", what, " at position ", position));
}

// An unquoted GUID (8-4-4-4-12 hex digits) at the start of `rest`, not followed by a character
// that could continue a name or a number.
bool GuidAt(std::string_view rest) {
  constexpr std::size_t kLength = 36;
  if (rest.size() < kLength) return false;
  for (std::size_t i = 0; i < kLength; ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? rest[i] != '-' : !IsHex(rest[i])) return false;
  }
  return rest.size() == kLength ||
         (!IsIdentifierChar(rest[kLength]) && rest[kLength] != '-' && rest[kLength] != '.');
}

// "yyyy-mm-dd" at the start of `rest`.
bool DateAt(std::string_view rest) {
  if (rest.size() < 10) return false;
  for (std::size_t i = 0; i < 10; ++i) {
    if (i == 4 || i == 7 ? rest[i] != '-' : !IsDigit(rest[i])) return false;
  }
  return true;
}

class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  absl::StatusOr<std::vector<Token>> Run() {
    std::vector<Token> tokens;
    while (true) {
      bool spaced = false;
      while (pos_ < text_.size() && IsSpace(text_[pos_])) {
        ++pos_;
        spaced = true;
      }
      Token token;
      token.position = pos_;
      token.spaced = spaced;
      if (pos_ == text_.size()) {
        tokens.push_back(std::move(token));
        return tokens;
      }
      const char c = text_[pos_];
      const std::string_view rest = text_.substr(pos_);
      if (c == '(' || c == ')' || c == ',') {
        token.kind = c == '(' ? Token::Kind::kOpenParen
                              : (c == ')' ? Token::Kind::kCloseParen : Token::Kind::kComma);
        token.text = std::string(1, c);
        ++pos_;
      } else if (c == '\'') {
        absl::Status status = String(token);
        if (!status.ok()) return status;
      } else if (GuidAt(rest)) {
        token.kind = Token::Kind::kGuid;
        token.text = std::string(rest.substr(0, 36));
        pos_ += 36;
      } else if (DateAt(rest)) {
        absl::Status status = DateTime(token);
        if (!status.ok()) return status;
      } else if (IsDigit(c) || (c == '-' && rest.size() > 1 && IsDigit(rest[1]))) {
        absl::Status status = Number(token);
        if (!status.ok()) return status;
      } else if (IsIdentifierStart(c)) {
        absl::Status status = Path(token);
        if (!status.ok()) return status;
      } else {
        return ErrorAt(pos_, internal::Cat("unexpected character ", Quote(rest.substr(0, 1))));
      }
      tokens.push_back(std::move(token));
    }
  }

 private:
  absl::Status String(Token& token) {
    token.kind = Token::Kind::kString;
    ++pos_;  // opening quote
    while (true) {
      if (pos_ == text_.size()) return ErrorAt(token.position, "unterminated string literal");
      const char c = text_[pos_++];
      if (c != '\'') {
        token.text += c;
      } else if (pos_ < text_.size() && text_[pos_] == '\'') {
        token.text += '\'';
        ++pos_;
      } else {
        return absl::OkStatus();
      }
    }
  }

  absl::Status DateTime(Token& token) {
    const std::size_t start = pos_;
    pos_ += 10;
    if (pos_ == text_.size() || (text_[pos_] != 'T' && text_[pos_] != 't')) {
      return ErrorAt(start, "date literals without a time are not supported");
    }
    while (pos_ < text_.size() &&
           (absl::ascii_isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == ':' ||
            text_[pos_] == '.' || text_[pos_] == '+' || text_[pos_] == '-')) {
      ++pos_;
    }
    token.kind = Token::Kind::kDateTime;
    token.text = std::string(text_.substr(start, pos_ - start));
    if (!pim::ParseDateTime(token.text).ok()) {
      return ErrorAt(start, internal::Cat("invalid date-time literal ", Quote(token.text)));
    }
    return absl::OkStatus();
  }

  absl::Status Number(Token& token) {
    const std::size_t start = pos_;
    if (text_[pos_] == '-') ++pos_;
    const auto digits = [this] {
      const std::size_t from = pos_;
      while (pos_ < text_.size() && IsDigit(text_[pos_])) ++pos_;
      return pos_ > from;
    };
    bool ok = digits();
    if (ok && pos_ < text_.size() && text_[pos_] == '.') {
      ++pos_;
      ok = digits();
    }
    if (ok && pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
      ok = digits();
    }
    // A number runs into the next token only through whitespace or punctuation: `5L`, `1.2.3`
    // and `1d` are not numbers we understand.
    if (ok && pos_ < text_.size() &&
        (IsIdentifierChar(text_[pos_]) || text_[pos_] == '.' || text_[pos_] == '-' ||
         text_[pos_] == '\'')) {
      ok = false;
    }
    if (!ok) {
      while (pos_ < text_.size() && (IsIdentifierChar(text_[pos_]) || text_[pos_] == '.' ||
                                     text_[pos_] == '-' || text_[pos_] == '+')) {
        ++pos_;
      }
      return ErrorAt(start, internal::Cat("invalid number literal ",
                                          Quote(text_.substr(start, pos_ - start))));
    }
    token.kind = Token::Kind::kNumber;
    token.text = std::string(text_.substr(start, pos_ - start));
    return absl::OkStatus();
  }

  absl::Status Path(Token& token) {
    const std::size_t start = pos_;
    while (true) {
      while (pos_ < text_.size() && IsIdentifierChar(text_[pos_])) ++pos_;
      if (pos_ < text_.size() && text_[pos_] == '/') {
        ++pos_;
        if (pos_ == text_.size() || !IsIdentifierStart(text_[pos_])) {
          return ErrorAt(start, "property path segment missing after '/'");
        }
        continue;
      }
      break;
    }
    // tags/any(t: ...), a/b(...): the lambda's ':' would otherwise be the first complaint.
    if (pos_ < text_.size() && text_[pos_] == '(' &&
        text_.substr(start, pos_ - start).find('/') != std::string_view::npos) {
      return ErrorAt(
          start, internal::Cat("lambda operators and bound functions (",
                               Quote(text_.substr(start, pos_ - start)), ") are not supported"));
    }
    if (pos_ < text_.size() && (text_[pos_] == '.' || text_[pos_] == '@' || text_[pos_] == '-')) {
      return ErrorAt(
          pos_, internal::Cat("unexpected character ", Quote(text_.substr(pos_, 1)), " in name"));
    }
    token.kind = Token::Kind::kPath;
    token.text = std::string(text_.substr(start, pos_ - start));
    return absl::OkStatus();
  }

  const std::string_view text_;
  std::size_t pos_ = 0;
};

}  // namespace

absl::StatusOr<std::vector<Token>> Tokenize(std::string_view text) { return Lexer(text).Run(); }

}  // namespace pim::api::odata
