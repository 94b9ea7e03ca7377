// Filter::Matches: evaluates the tree against one entity. Recursion follows the tree, whose
// depth the parser bounds.
#include <optional>
#include <string_view>

#include "filter_ast.h"
#include "json_value.h"
#include "odata_text.h"
#include "pim/api/odata/filter.h"

namespace pim::api::odata {
namespace {

using internal::CompareValues;
using internal::IsNull;
using internal::Lookup;

const boost::json::value* Resolve(const Operand& operand, const boost::json::object& entity) {
  if (operand.kind == Operand::Kind::kProperty) return Lookup(entity, operand.path);
  return &operand.value;
}

// OData semantics for null: `eq null` holds for a missing or null value, `ne` is its negation
// when either side is null, and ordering against null is false. Otherwise a pair of values of
// different types (or objects, arrays) satisfies no operator, `ne` included.
bool Compare(CompareOp op, const boost::json::value* a, const boost::json::value* b) {
  if (IsNull(a) || IsNull(b)) {
    const bool both = IsNull(a) && IsNull(b);
    if (op == CompareOp::kEq) return both;
    if (op == CompareOp::kNe) return !both;
    return false;
  }
  const std::optional<int> order = CompareValues(*a, *b);
  if (!order) return false;
  switch (op) {
    case CompareOp::kEq:
      return *order == 0;
    case CompareOp::kNe:
      return *order != 0;
    case CompareOp::kGt:
      return *order > 0;
    case CompareOp::kGe:
      return *order >= 0;
    case CompareOp::kLt:
      return *order < 0;
    case CompareOp::kLe:
      return *order <= 0;
  }
  return false;
}

// startswith/endswith/contains, ignoring ASCII case; false unless the property is a string.
bool StringPredicate(const FilterNode& node, const boost::json::object& entity) {
  const boost::json::value* subject = Resolve(node.operands[0], entity);
  if (subject == nullptr || !subject->is_string()) return false;
  const std::string haystack = internal::ToLower(
      std::string_view(subject->get_string().data(), subject->get_string().size()));
  const std::string needle = internal::ToLower(node.operands[1].text);
  const std::string_view name = node.name;
  if (internal::EqualsIgnoreCase(name, "startswith")) return haystack.starts_with(needle);
  if (internal::EqualsIgnoreCase(name, "endswith")) return haystack.ends_with(needle);
  return haystack.find(needle) != std::string::npos;
}

bool Evaluate(const FilterNode& node, const boost::json::object& entity) {
  switch (node.kind) {
    case FilterNode::Kind::kOr:
      for (const FilterNode& child : node.children) {
        if (Evaluate(child, entity)) return true;
      }
      return false;
    case FilterNode::Kind::kAnd:
      for (const FilterNode& child : node.children) {
        if (!Evaluate(child, entity)) return false;
      }
      return true;
    case FilterNode::Kind::kNot:
      return !Evaluate(node.children[0], entity);
    case FilterNode::Kind::kCompare:
      return Compare(node.op, Resolve(node.operands[0], entity), Resolve(node.operands[1], entity));
    case FilterNode::Kind::kIn: {
      const boost::json::value* subject = Resolve(node.operands[0], entity);
      for (std::size_t i = 1; i < node.operands.size(); ++i) {
        if (Compare(CompareOp::kEq, subject, &node.operands[i].value)) return true;
      }
      return false;
    }
    case FilterNode::Kind::kCall:
      return IsStringPredicate(node.name) ? StringPredicate(node, entity) : true;
  }
  return false;
}

}  // namespace

bool Filter::Matches(const boost::json::object& entity) const { return Evaluate(*root_, entity); }

}  // namespace pim::api::odata
