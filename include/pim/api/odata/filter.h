// The OData v4 `$filter` subset that Graph and ARM clients send for PIM: a parsed expression
// tree and its evaluation against an entity in its JSON wire form.
//
// Grammar (keywords, `true`/`false`/`null` and function names are case-insensitive):
//   expr    := or
//   or      := and ("or" and)*
//   and     := unary ("and" unary)*
//   unary   := "not" unary | primary
//   primary := "(" expr ")" | call | comparison
//   comparison := operand (eq|ne|gt|ge|lt|le) operand | operand "in" "(" literal ("," literal)* ")"
//   call    := name "(" [operand ("," operand)*] ")"   e.g. startswith(displayName,'Ad'),
//   asTarget() operand := property path (a/b/c) | 'string' (quote doubled to escape) | number
//   (-1, 2.5, 1e3)
//              | true | false | null | date-time literal (2024-05-01T08:00:00Z, any fractional
//              digits, Z or +hh:mm/-hh:mm offset) | guid literal (unquoted 8-4-4-4-12 hex)
//
// Calls: startswith/endswith/contains take exactly (property, 'string'). Every other name is a
// surface function (asTarget(), atScope(), assignedTo('id')...) whose arguments must all be
// literals; the handler checks them through Functions().
//
// Refused (InvalidArgument, code BadRequest, message naming the token and its 0-based byte
// position): more than 4096 characters; nesting (parentheses plus `not`) deeper than 32; an
// empty expression; any character or token outside the grammar; unterminated strings;
// malformed or out-of-range numbers and typed suffixes (5L, 1.5M); date-only literals
// (2024-05-01) and invalid date-times; arithmetic and `has` (add sub mul div divby mod has);
// lambdas and bound or cast paths (members/any(...), a/b(...)); OData built-in functions we do
// not evaluate (tolower, length, year, now, cast, isof, ...); a property argument to a surface
// function or an `in` list; a property or boolean literal standing alone as a condition
// (`isActive` must be written `isActive eq true`); comparing a call's result
// (`startswith(a,'x') eq true`); a function call used as a comparison operand.
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

  // Whether `entity` satisfies the filter. Property paths walk nested objects (each segment
  // matches its key exactly, else ignoring ASCII case); a missing property is null.
  //  - `eq null` holds for a missing or null value, `ne null` for any other; gt/ge/lt/le
  //    against null are false.
  //  - Numbers compare numerically (integers exactly). Two strings that both parse as
  //    date-times (pim::ParseDateTime: any fractional digits, offsets) compare as instants, for
  //    every operator; other strings compare ignoring ASCII case (ids and enum values are
  //    case-insensitive), gt/ge/lt/le lexicographically on the lower-cased bytes. Booleans
  //    support eq/ne (false < true). GUID and date-time literals are strings.
  //  - Any other pair (a type mismatch, an object or array) satisfies no operator, not even ne.
  //  - `x in (a, b)` is `x eq a or x eq b`.
  //  - startswith/endswith/contains ignore ASCII case and are false unless the property is a
  //    string.
  //  - Every other call evaluates to true here: it is a surface function (asTarget(),
  //    atScope()...) that the handler interprets through Functions() before evaluating (and
  //    refuses when it is not `in_conjunction`: under `not` it would evaluate to false).
  [[nodiscard]] bool Matches(const boost::json::object& entity) const;

  // When the filter is a conjunction (terms joined by `and`, possibly parenthesised) containing
  // `property eq 'literal'` (or `'literal' eq property`; the property name compared ignoring
  // ASCII case; the literal a quoted string or an unquoted GUID), that literal, unescaped;
  // otherwise nullopt. A single comparison counts as a conjunction of one term. With several
  // such terms for the same property, the first (Matches() still requires all of them). Used
  // for Graph's required `groupId eq`/`principalId eq` and ARM's `principalId eq`.
  [[nodiscard]] std::optional<std::string> RequiredEquals(std::string_view property) const;

  // A surface function call found in the filter: name (as written, compare case-insensitively)
  // and its literal arguments (strings unescaped, other literals as written, `null` as "null").
  struct Call {
    std::string name;
    std::vector<std::string> args;
    bool in_conjunction = false;  // true when it is a top-level `and` term (not under or/not)
  };
  // Every call to a function other than startswith/endswith/contains, in order of appearance.
  [[nodiscard]] std::vector<Call> Functions() const;

  // Every property path the filter mentions, as written, each once, in order of appearance,
  // e.g. {"principalId", "createdBy/user/id"}, so a handler can reject properties its entity set
  // does not filter on (compare them ignoring ASCII case, as Matches() does).
  [[nodiscard]] std::vector<std::string> Properties() const;

  // The text as parsed.
  [[nodiscard]] const std::string& text() const { return text_; }

  // A canonical spelling of the parsed tree: keywords lower-case, single spaces, only the
  // parentheses precedence needs. Parsing it again yields the same tree (fuzzed).
  [[nodiscard]] std::string ToString() const;

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
