// Private to pim_api_odata: the parsed `$filter` tree behind pim::api::odata::Filter.
//
// `and`/`or` are n-ary (a chain `a and b and c`, and parenthesised chains of the same operator,
// are flattened into one node), so the tree is never deeper than about three levels per
// nesting level, and the parser bounds nesting at 32: recursion over the tree is bounded.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "boost/json/value.hpp"

namespace pim::api::odata {

// A property path or a literal.
struct Operand {
  enum class Kind { kProperty, kString, kNumber, kBool, kNull, kDateTime, kGuid };
  Kind kind = Kind::kNull;
  // kProperty: the path as written ("createdBy/user/id"); kString: the unescaped value;
  // the others: the literal as written ("42", "true", "2024-05-01T08:00:00Z", a GUID).
  std::string text;
  std::vector<std::string> path;  // kProperty: its segments
  boost::json::value value;       // literals: the value compared against entity values
  std::size_t position = 0;       // byte offset in the filter text
};

enum class CompareOp { kEq, kNe, kGt, kGe, kLt, kLe };

struct FilterNode {
  enum class Kind { kOr, kAnd, kNot, kCompare, kIn, kCall };
  Kind kind = Kind::kCompare;
  std::vector<FilterNode> children;  // kOr/kAnd: two or more; kNot: exactly one
  CompareOp op = CompareOp::kEq;     // kCompare
  std::vector<Operand> operands;     // kCompare: lhs, rhs; kIn: lhs, then the list; kCall: args
  std::string name;                  // kCall: the function name as written
  std::size_t position = 0;          // byte offset in the filter text
};

// The string predicates Matches() evaluates; every other call is a surface function.
[[nodiscard]] bool IsStringPredicate(const std::string& name);

}  // namespace pim::api::odata
