// ParseQuery: splits the raw query string, decodes each name and value strictly, and parses the
// system query options. $expand is the only recursive option; its nesting is bounded.
#include "pim/api/odata/query.h"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "odata_text.h"
#include "pim/domain/status.h"

namespace pim::api::odata {
namespace {

using internal::BadRequest;
using internal::EqualsIgnoreCase;
using internal::IsIdentifier;
using internal::Quote;

constexpr std::size_t kMaxQueryLength = std::size_t{16} * 1024;
constexpr int64_t kMaxTop = 1000;
constexpr int kMaxExpandDepth = 8;

constexpr std::array<std::string_view, 8> kSystemOptions = {
    "$filter", "$select", "$expand", "$top", "$skip", "$orderby", "$count", "$skiptoken"};

std::string_view TrimSpaces(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

// Pieces of `text` between `separator`s (an empty text gives one empty piece).
std::vector<std::string_view> Split(std::string_view text, char separator) {
  std::vector<std::string_view> pieces;
  while (true) {
    const std::size_t at = text.find(separator);
    pieces.push_back(text.substr(0, at));
    if (at == std::string_view::npos) return pieces;
    text.remove_prefix(at + 1);
  }
}

// `$select=a,b` (spaces around names tolerated); `*` alone selects everything (an empty list).
absl::StatusOr<std::vector<std::string>> ParseSelectList(std::string_view option,
                                                         std::string_view value) {
  std::vector<std::string> select;
  if (TrimSpaces(value) == "*") return select;
  for (const std::string_view raw : Split(value, ',')) {
    const std::string_view name = TrimSpaces(raw);
    if (!IsIdentifier(name)) {
      return BadRequest(internal::Cat(option, ": ", Quote(name), " is not a property name"));
    }
    bool seen = false;
    for (const std::string& known : select) seen = seen || EqualsIgnoreCase(known, name);
    if (!seen) select.emplace_back(name);
  }
  return select;
}

// Recursive descent over `$expand` values:
//   list   := item ("," item)*
//   item   := name ["(" option (";" option)* ")"]
//   option := "$select=" name ("," name)* | "$expand=" list
class ExpandParser {
 public:
  explicit ExpandParser(std::string_view text) : text_(text) {}

  absl::StatusOr<std::vector<ExpandItem>> Run() {
    PIM_ASSIGN_OR_RETURN(std::vector<ExpandItem> items, List(0));
    SkipSpaces();
    if (pos_ != text_.size()) return Unexpected();
    return items;
  }

 private:
  void SkipSpaces() {
    while (pos_ < text_.size() && text_[pos_] == ' ') ++pos_;
  }
  bool Consume(char c) {
    SkipSpaces();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  absl::Status Unexpected() const {
    if (pos_ >= text_.size()) return BadRequest("$expand: unexpected end");
    return BadRequest(
        internal::Cat("$expand: unexpected ", Quote(text_.substr(pos_, 1)), " at position ", pos_));
  }
  absl::StatusOr<std::string> Name() {
    SkipSpaces();
    const std::size_t start = pos_;
    while (pos_ < text_.size() && internal::IsIdentifierChar(text_[pos_])) ++pos_;
    const std::string_view name = text_.substr(start, pos_ - start);
    if (!IsIdentifier(name)) {
      pos_ = start;
      return Unexpected();
    }
    return std::string(name);
  }

  absl::StatusOr<std::vector<ExpandItem>> List(int depth) {
    if (depth >= kMaxExpandDepth) {
      return BadRequest(
          internal::Cat("$expand: nesting deeper than ", kMaxExpandDepth, " at position ", pos_));
    }
    std::vector<ExpandItem> items;
    do {
      PIM_ASSIGN_OR_RETURN(ExpandItem item, Item(depth));
      for (const ExpandItem& known : items) {
        if (EqualsIgnoreCase(known.property, item.property)) {
          return BadRequest(internal::Cat("$expand: ", Quote(item.property), " is repeated"));
        }
      }
      items.push_back(std::move(item));
    } while (Consume(','));
    return items;
  }

  absl::StatusOr<ExpandItem> Item(int depth) {
    ExpandItem item;
    PIM_ASSIGN_OR_RETURN(item.property, Name());
    if (!Consume('(')) return item;
    bool has_select = false;
    bool has_expand = false;
    do {
      SkipSpaces();
      const std::size_t start = pos_;
      if (!Consume('$')) return Unexpected();
      PIM_ASSIGN_OR_RETURN(const std::string option, Name());
      if (!Consume('=')) return Unexpected();
      if (EqualsIgnoreCase(option, "select") && !has_select) {
        has_select = true;
        PIM_RETURN_IF_ERROR(NestedSelect(item.select));
      } else if (EqualsIgnoreCase(option, "expand") && !has_expand) {
        has_expand = true;
        PIM_ASSIGN_OR_RETURN(item.expand, List(depth + 1));
      } else {
        return BadRequest(internal::Cat("$expand: option ", Quote(internal::Cat("$", option)),
                                        " is repeated or not supported inside ",
                                        Quote(item.property), " at position ", start));
      }
    } while (Consume(';'));
    if (!Consume(')')) return Unexpected();
    return item;
  }

  absl::Status NestedSelect(std::vector<std::string>& select) {
    SkipSpaces();
    if (pos_ < text_.size() && text_[pos_] == '*') {
      ++pos_;
      return absl::OkStatus();
    }
    do {
      PIM_ASSIGN_OR_RETURN(std::string name, Name());
      bool seen = false;
      for (const std::string& known : select) seen = seen || EqualsIgnoreCase(known, name);
      if (!seen) select.push_back(std::move(name));
    } while (Consume(','));
    return absl::OkStatus();
  }

  const std::string_view text_;
  std::size_t pos_ = 0;
};

absl::StatusOr<std::vector<OrderBy>> ParseOrderBy(std::string_view value) {
  std::vector<OrderBy> orderby;
  for (const std::string_view raw : Split(value, ',')) {
    const std::string_view item = TrimSpaces(raw);
    const std::size_t space = item.find(' ');
    OrderBy entry;
    entry.property = std::string(item.substr(0, space));
    bool valid = !entry.property.empty();
    for (const std::string_view segment : Split(entry.property, '/')) {
      valid = valid && IsIdentifier(segment);
    }
    if (valid && space != std::string_view::npos) {
      const std::string_view direction = TrimSpaces(item.substr(space));
      if (EqualsIgnoreCase(direction, "desc")) {
        entry.descending = true;
      } else if (!EqualsIgnoreCase(direction, "asc")) {
        valid = false;
      }
    }
    if (!valid) {
      return BadRequest(internal::Cat("$orderby: ", Quote(item), " is not 'property [asc|desc]'"));
    }
    orderby.push_back(std::move(entry));
  }
  return orderby;
}

absl::StatusOr<int64_t> ParseCount(std::string_view option, std::string_view value, int64_t max) {
  int64_t number = 0;
  if (!internal::ParseNonNegative(value, number) || number > max) {
    return BadRequest(
        internal::Cat(option, ": ", Quote(value), " is not an integer from 0 to ", max));
  }
  return number;
}

absl::Status ApplyOption(std::string_view option, std::string_view value, Query& query) {
  if (option == "$filter") {
    PIM_ASSIGN_OR_RETURN(Filter filter, Filter::Parse(value));
    query.filter = std::move(filter);
  } else if (option == "$select") {
    PIM_ASSIGN_OR_RETURN(query.select, ParseSelectList(option, value));
  } else if (option == "$expand") {
    PIM_ASSIGN_OR_RETURN(query.expand, ExpandParser(value).Run());
  } else if (option == "$top") {
    PIM_ASSIGN_OR_RETURN(query.top, ParseCount(option, value, kMaxTop));
  } else if (option == "$skip") {
    PIM_ASSIGN_OR_RETURN(query.skip, ParseCount(option, value, INT64_MAX));
  } else if (option == "$orderby") {
    PIM_ASSIGN_OR_RETURN(query.orderby, ParseOrderBy(value));
  } else if (option == "$count") {
    if (EqualsIgnoreCase(value, "true")) {
      query.count = true;
    } else if (!EqualsIgnoreCase(value, "false")) {
      return BadRequest(internal::Cat("$count: ", Quote(value), " is not true or false"));
    }
  } else if (option == "$skiptoken") {
    PIM_RETURN_IF_ERROR(ParseCount(option, value, INT64_MAX).status());
    query.skiptoken = std::string(value);
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Query> ParseQuery(std::string_view raw_query) {
  if (raw_query.size() > kMaxQueryLength) {
    return BadRequest(internal::Cat("query string longer than ", kMaxQueryLength, " characters"));
  }
  Query query;
  std::vector<std::string_view> seen_options;
  for (const std::string_view segment : Split(raw_query, '&')) {
    if (segment.empty()) continue;  // `a=1&&b=2`, a trailing `&`: no parameter there
    const std::size_t equals = segment.find('=');
    const std::string_view raw_name = segment.substr(0, equals);
    const std::string_view raw_value =
        equals == std::string_view::npos ? std::string_view() : segment.substr(equals + 1);
    absl::StatusOr<std::string> name = PercentDecode(raw_name);
    if (!name.ok()) {
      return BadRequest(
          internal::Cat("query parameter name ", Quote(raw_name), ": ", name.status().message()));
    }
    absl::StatusOr<std::string> value = PercentDecode(raw_value);
    if (!value.ok()) {
      return BadRequest(
          internal::Cat("query parameter ", Quote(*name), ": ", value.status().message()));
    }
    if (name->empty()) return BadRequest("query parameter with an empty name");
    if ((*name)[0] == '$') {
      const std::string option = internal::ToLower(*name);
      std::string_view known;
      for (const std::string_view candidate : kSystemOptions) {
        if (candidate == option) known = candidate;
      }
      if (known.empty()) {
        return BadRequest(internal::Cat("query option ", Quote(*name), " is not supported"));
      }
      for (const std::string_view before : seen_options) {
        if (before == known) {
          return BadRequest(internal::Cat("query option ", known, " is repeated"));
        }
      }
      seen_options.push_back(known);
      PIM_RETURN_IF_ERROR(ApplyOption(known, *value, query));
    } else {
      for (const auto& [before, unused] : query.params) {
        if (EqualsIgnoreCase(before, *name)) {
          return BadRequest(internal::Cat("query parameter ", Quote(*name), " is repeated"));
        }
      }
      query.params.emplace(std::move(*name), std::move(*value));
    }
  }
  return query;
}

const ExpandItem* Query::FindExpand(std::string_view property) const {
  for (const ExpandItem& item : expand) {
    if (EqualsIgnoreCase(item.property, property)) return &item;
  }
  return nullptr;
}

}  // namespace pim::api::odata
