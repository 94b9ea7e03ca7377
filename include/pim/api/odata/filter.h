// The OData v4 `$filter` subset that Graph and ARM clients send for PIM: a parsed expression
// tree and its evaluation against an entity in its JSON wire form.
//
// Grammar (case-insensitive keywords):
//   expr    := or
//   or      := and ("or" and)*
//   and     := unary ("and" unary)*
//   unary   := "not" unary | primary
//   primary := "(" expr ")" | call | comparison
//   comparison := operand (eq|ne|gt|ge|lt|le) operand | operand "in" "(" literal ("," literal)* ")"
//   call    := name "(" [operand ("," operand)*] ")"   e.g. startswith(displayName,'Ad'), asTarget()
//   operand := property path (a/b/c) | 'string' (quote doubled to escape) | number | true | false
//              | null | datetime literal (2024-05-01T08:00:00Z) | guid literal
// Limits: 4096 characters and a nesting depth of 32; anything beyond, or outside the grammar,
// is InvalidArgument with code BadRequest and a message naming the offending token/position.
//
// Thread-safe after construction (immutable).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "boost/json/object.hpp"

namespace pim::api::odata {

struct FilterNode;  // defined in the implementation

class Filter {
 public:
  // Parses `text` (already percent-decoded). Errors: InvalidArgument / BadRequest.
  [[nodiscard]] static absl::StatusOr<Filter> Parse(std::string_view text);

  // Whether `entity` satisfies the filter. Property paths walk nested objects; a missing
  // property is null. String comparisons are case-insensitive (ids and enum values are);
  // gt/ge/lt/le compare date-times as instants (any fractional digits), numbers numerically,
  // strings lexicographically (case-insensitive). Calls other than startswith/endswith/contains
  // evaluate to true here: they are surface functions (asTarget(), atScope()...) that the
  // handler interprets through Functions() before evaluating.
  [[nodiscard]] bool Matches(const boost::json::object& entity) const;

  // When the filter is a conjunction (terms joined by `and`, possibly parenthesised) containing
  // `property eq 'literal'`, that literal; otherwise nullopt. Used for Graph's required
  // `groupId eq`/`principalId eq` and ARM's `principalId eq`.
  [[nodiscard]] std::optional<std::string> RequiredEquals(std::string_view property) const;

  // A surface function call found in the filter: name (as written, compare case-insensitively)
  // and its literal arguments.
  struct Call {
    std::string name;
    std::vector<std::string> args;
    bool in_conjunction = false;  // true when it is a top-level `and` term (not under or/not)
  };
  // Every call to a function other than startswith/endswith/contains, in order of appearance.
  [[nodiscard]] std::vector<Call> Functions() const;

  // Every property path the filter mentions, e.g. {"principalId", "createdBy/user/id"}, so a
  // handler can reject properties its entity set does not filter on.
  [[nodiscard]] std::vector<std::string> Properties() const;

  // The text as parsed.
  [[nodiscard]] const std::string& text() const { return text_; }

  Filter(Filter&&) noexcept;
  Filter& operator=(Filter&&) noexcept;
  Filter(const Filter&);
  Filter& operator=(const Filter&);
  ~Filter();

 private:
  Filter(std::string text, std::shared_ptr<const FilterNode> root);
  std::string text_;
  std::shared_ptr<const FilterNode> root_;
};

}  // namespace pim::api::odata
