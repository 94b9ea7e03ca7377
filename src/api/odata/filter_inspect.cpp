// The read-only views of a parsed filter that handlers use before evaluating it:
// RequiredEquals, Functions, Properties, and the canonical text ToString.
#include <string>
#include <string_view>
#include <vector>

#include "filter_ast.h"
#include "odata_text.h"
#include "pim/api/odata/filter.h"

namespace pim::api::odata {
namespace {

using internal::EqualsIgnoreCase;

// The top-level conjunction terms: the root itself, or the children of a root `and` (nested
// parenthesised `and`s were already flattened by the parser).
std::vector<const FilterNode*> ConjunctionTerms(const FilterNode& root) {
  std::vector<const FilterNode*> terms;
  if (root.kind == FilterNode::Kind::kAnd) {
    for (const FilterNode& child : root.children) terms.push_back(&child);
  } else {
    terms.push_back(&root);
  }
  return terms;
}

bool IsTextLiteral(const Operand& operand) {
  return operand.kind == Operand::Kind::kString || operand.kind == Operand::Kind::kGuid;
}

void CollectCalls(const FilterNode& node, bool in_conjunction, std::vector<Filter::Call>& out) {
  if (node.kind == FilterNode::Kind::kCall && !IsStringPredicate(node.name)) {
    Filter::Call call;
    call.name = node.name;
    call.in_conjunction = in_conjunction;
    for (const Operand& arg : node.operands) call.args.push_back(arg.text);
    out.push_back(std::move(call));
  }
  for (const FilterNode& child : node.children) CollectCalls(child, false, out);
}

void CollectProperties(const FilterNode& node, std::vector<std::string>& out) {
  for (const Operand& operand : node.operands) {
    if (operand.kind != Operand::Kind::kProperty) continue;
    bool seen = false;
    for (const std::string& known : out) seen = seen || known == operand.text;
    if (!seen) out.push_back(operand.text);
  }
  for (const FilterNode& child : node.children) CollectProperties(child, out);
}

std::string OperandText(const Operand& operand) {
  if (operand.kind != Operand::Kind::kString) return operand.text;
  std::string out = "'";
  for (const char c : operand.text) {
    out += c;
    if (c == '\'') out += '\'';
  }
  out += '\'';
  return out;
}

std::string_view OpText(CompareOp op) {
  switch (op) {
    case CompareOp::kEq:
      return "eq";
    case CompareOp::kNe:
      return "ne";
    case CompareOp::kGt:
      return "gt";
    case CompareOp::kGe:
      return "ge";
    case CompareOp::kLt:
      return "lt";
    case CompareOp::kLe:
      return "le";
  }
  return "eq";
}

// `node` printed with the fewest parentheses that keep its meaning: an `or` inside an `and`,
// and an `and`/`or` under `not`, get parentheses.
void Print(const FilterNode& node, std::string& out) {
  const auto child = [&out](const FilterNode& c, bool parenthesise) {
    if (parenthesise) out += '(';
    Print(c, out);
    if (parenthesise) out += ')';
  };
  switch (node.kind) {
    case FilterNode::Kind::kOr:
    case FilterNode::Kind::kAnd: {
      const bool is_and = node.kind == FilterNode::Kind::kAnd;
      for (std::size_t i = 0; i < node.children.size(); ++i) {
        if (i > 0) out += is_and ? " and " : " or ";
        child(node.children[i], is_and && node.children[i].kind == FilterNode::Kind::kOr);
      }
      return;
    }
    case FilterNode::Kind::kNot: {
      const FilterNode& inner = node.children[0];
      out += "not ";
      child(inner, inner.kind == FilterNode::Kind::kAnd || inner.kind == FilterNode::Kind::kOr);
      return;
    }
    case FilterNode::Kind::kCompare:
      out += internal::Cat(OperandText(node.operands[0]), " ", OpText(node.op), " ",
                           OperandText(node.operands[1]));
      return;
    case FilterNode::Kind::kIn:
      out += internal::Cat(OperandText(node.operands[0]), " in (");
      for (std::size_t i = 1; i < node.operands.size(); ++i) {
        if (i > 1) out += ",";
        out += OperandText(node.operands[i]);
      }
      out += ')';
      return;
    case FilterNode::Kind::kCall:
      out += internal::Cat(node.name, "(");
      for (std::size_t i = 0; i < node.operands.size(); ++i) {
        if (i > 0) out += ",";
        out += OperandText(node.operands[i]);
      }
      out += ')';
      return;
  }
}

}  // namespace

std::optional<std::string> Filter::RequiredEquals(std::string_view property) const {
  for (const FilterNode* term : ConjunctionTerms(*root_)) {
    if (term->kind != FilterNode::Kind::kCompare || term->op != CompareOp::kEq) continue;
    const Operand& lhs = term->operands[0];
    const Operand& rhs = term->operands[1];
    if (lhs.kind == Operand::Kind::kProperty && EqualsIgnoreCase(lhs.text, property) &&
        IsTextLiteral(rhs)) {
      return rhs.text;
    }
    if (rhs.kind == Operand::Kind::kProperty && EqualsIgnoreCase(rhs.text, property) &&
        IsTextLiteral(lhs)) {
      return lhs.text;
    }
  }
  return std::nullopt;
}

std::vector<Filter::Call> Filter::Functions() const {
  std::vector<Call> calls;
  for (const FilterNode* term : ConjunctionTerms(*root_)) {
    if (term->kind == FilterNode::Kind::kCall) {
      CollectCalls(*term, true, calls);
    } else {
      CollectCalls(*term, false, calls);
    }
  }
  return calls;
}

std::vector<std::string> Filter::Properties() const {
  std::vector<std::string> properties;
  CollectProperties(*root_, properties);
  return properties;
}

std::string Filter::ToString() const {
  std::string out;
  Print(*root_, out);
  return out;
}

}  // namespace pim::api::odata
