// Filter::Parse: recursive descent over the tokens of filter_lexer, one function per grammar
// rule of filter.h. Every recursion (`not`, `(`) passes through Enter(), which bounds the depth.
#include <array>
#include <charconv>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "filter_ast.h"
#include "filter_lexer.h"
#include "odata_text.h"
#include "pim/api/odata/filter.h"
#include "pim/domain/status.h"

namespace pim::api::odata {
namespace {

using internal::BadRequest;
using internal::EqualsIgnoreCase;
using internal::Quote;

constexpr std::size_t kMaxLength = 4096;
constexpr int kMaxDepth = 32;

// OData built-in functions that are not boolean or that need values we do not compute here;
// naming one is a BadRequest rather than a surface function that Matches() would pass.
// clang-format off
constexpr std::string_view kUnsupportedBuiltins[] = {
    "tolower", "toupper", "trim", "length", "indexof", "substring", "concat",
    "year", "month", "day", "hour", "minute", "second", "fractionalseconds",
    "date", "time", "now", "totaloffsetminutes", "totalseconds", "maxdatetime",
    "mindatetime", "round", "floor", "ceiling", "cast", "isof", "matchespattern",
    "case", "hassubset", "hassubsequence", "any", "all", "geo"};
// clang-format on

// Binary operators OData has and we do not: named in the error instead of "unexpected".
constexpr std::string_view kUnsupportedOperators[] = {"add",   "sub", "mul", "div",
                                                      "divby", "mod", "has"};

constexpr std::string_view kKeywords[] = {"and", "or", "not", "eq", "ne",
                                          "gt",  "ge", "lt",  "le", "in"};

template <std::size_t N>
bool InList(const std::string_view (&list)[N], std::string_view word) {
  for (const std::string_view entry : list) {
    if (EqualsIgnoreCase(entry, word)) return true;
  }
  return false;
}

bool IsWord(const Token& token, std::string_view word) {
  return token.kind == Token::Kind::kPath && EqualsIgnoreCase(token.text, word);
}

std::optional<CompareOp> ComparisonOf(const Token& token) {
  constexpr std::array<std::pair<std::string_view, CompareOp>, 6> kOps = {{
      {"eq", CompareOp::kEq},
      {"ne", CompareOp::kNe},
      {"gt", CompareOp::kGt},
      {"ge", CompareOp::kGe},
      {"lt", CompareOp::kLt},
      {"le", CompareOp::kLe},
  }};
  if (token.kind != Token::Kind::kPath) return std::nullopt;
  for (const auto& [word, op] : kOps) {
    if (EqualsIgnoreCase(token.text, word)) return op;
  }
  return std::nullopt;
}

std::string Describe(const Token& token) {
  switch (token.kind) {
    case Token::Kind::kEnd:
      return "end of input";
    case Token::Kind::kString:
      return internal::Cat("string ", Quote(token.text));
    default:
      return Quote(token.text);
  }
}

absl::StatusOr<boost::json::value> NumberValue(const Token& token) {
  const char* first = token.text.data();
  const char* last = first + token.text.size();
  if (token.text.find_first_of(".eE") == std::string::npos) {
    std::int64_t signed_value = 0;
    if (const auto r = std::from_chars(first, last, signed_value);
        r.ec == std::errc() && r.ptr == last) {
      return boost::json::value(signed_value);
    }
    std::uint64_t unsigned_value = 0;
    if (const auto r = std::from_chars(first, last, unsigned_value);
        r.ec == std::errc() && r.ptr == last) {
      return boost::json::value(unsigned_value);
    }
  }
  double double_value = 0;
  if (const auto r = std::from_chars(first, last, double_value);
      r.ec == std::errc() && r.ptr == last) {
    return boost::json::value(double_value);
  }
  return BadRequest(internal::Cat("$filter: number literal ", Quote(token.text),
                                  " is out of range at position ", token.position));
}

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : tokens_(std::move(tokens)) {}

  absl::StatusOr<FilterNode> Run() {
    PIM_ASSIGN_OR_RETURN(FilterNode root, Or(0));
    if (Peek().kind != Token::Kind::kEnd) return Unexpected(Peek());
    return root;
  }

 private:
  const Token& Peek(std::size_t ahead = 0) const {
    const std::size_t index = next_ + ahead;
    return index < tokens_.size() ? tokens_[index] : tokens_.back();  // back() is kEnd
  }
  const Token& Take() {
    const Token& token = Peek();
    if (next_ + 1 < tokens_.size()) ++next_;
    return token;
  }

  static absl::Status Unexpected(const Token& token, std::string_view expected = "") {
    return BadRequest(internal::Cat("$filter: unexpected ", Describe(token), " at position ",
                                    token.position, expected.empty() ? "" : ", expected ",
                                    expected));
  }

  static absl::Status Enter(int depth, const Token& token) {
    if (depth >= kMaxDepth) {
      return BadRequest(internal::Cat("$filter: nesting deeper than ", kMaxDepth, " at position ",
                                      token.position));
    }
    return absl::OkStatus();
  }

  absl::Status Expect(Token::Kind kind, std::string_view what) {
    if (Peek().kind != kind) return Unexpected(Peek(), what);
    Take();
    return absl::OkStatus();
  }

  // Joins `first` and the terms that follow `word` into one n-ary node of `kind`, splicing in
  // the children of terms that are themselves `kind` (parenthesised chains).
  template <typename Term>
  absl::StatusOr<FilterNode> Chain(FilterNode::Kind kind, std::string_view word, int depth,
                                   Term term) {
    PIM_ASSIGN_OR_RETURN(FilterNode first, (this->*term)(depth));
    if (!IsWord(Peek(), word)) return first;
    FilterNode node;
    node.kind = kind;
    node.position = first.position;
    const auto add = [&node, kind](FilterNode child) {
      if (child.kind == kind) {
        for (FilterNode& grandchild : child.children)
          node.children.push_back(std::move(grandchild));
      } else {
        node.children.push_back(std::move(child));
      }
    };
    add(std::move(first));
    while (IsWord(Peek(), word)) {
      Take();
      PIM_ASSIGN_OR_RETURN(FilterNode next, (this->*term)(depth));
      add(std::move(next));
    }
    return node;
  }

  absl::StatusOr<FilterNode> Or(int depth) {
    return Chain(FilterNode::Kind::kOr, "or", depth, &Parser::And);
  }
  absl::StatusOr<FilterNode> And(int depth) {
    return Chain(FilterNode::Kind::kAnd, "and", depth, &Parser::Unary);
  }

  absl::StatusOr<FilterNode> Unary(int depth) {
    if (!IsWord(Peek(), "not")) return Primary(depth);
    PIM_RETURN_IF_ERROR(Enter(depth, Peek()));
    FilterNode node;
    node.kind = FilterNode::Kind::kNot;
    node.position = Take().position;
    PIM_ASSIGN_OR_RETURN(FilterNode child, Unary(depth + 1));
    node.children.push_back(std::move(child));
    return node;
  }

  absl::StatusOr<FilterNode> Primary(int depth) {
    const Token& token = Peek();
    if (token.kind == Token::Kind::kOpenParen) {
      PIM_RETURN_IF_ERROR(Enter(depth, token));
      Take();
      PIM_ASSIGN_OR_RETURN(FilterNode inner, Or(depth + 1));
      PIM_RETURN_IF_ERROR(Expect(Token::Kind::kCloseParen, "')'"));
      return inner;
    }
    if (token.kind == Token::Kind::kPath && Peek(1).kind == Token::Kind::kOpenParen &&
        !InList(kKeywords, token.text) && !IsWord(token, "true") && !IsWord(token, "false") &&
        !IsWord(token, "null")) {
      return Call();
    }
    return Comparison();
  }

  absl::StatusOr<FilterNode> Call() {
    const Token& name = Take();
    const std::size_t position = name.position;
    if (name.text.find('/') != std::string::npos) {  // `a/b ('x')`; unspaced is a lexer error
      return BadRequest(internal::Cat("$filter: bound function ", Quote(name.text),
                                      " is not supported at position ", position));
    }
    if (InList(kUnsupportedBuiltins, name.text)) {
      return BadRequest(internal::Cat("$filter: function ", Quote(name.text),
                                      " is not supported at position ", position));
    }
    FilterNode node;
    node.kind = FilterNode::Kind::kCall;
    node.name = name.text;
    node.position = position;
    Take();  // (
    if (Peek().kind != Token::Kind::kCloseParen) {
      while (true) {
        PIM_ASSIGN_OR_RETURN(Operand arg, ParseOperand());
        node.operands.push_back(std::move(arg));
        if (Peek().kind != Token::Kind::kComma) break;
        Take();
      }
    }
    PIM_RETURN_IF_ERROR(Expect(Token::Kind::kCloseParen, "',' or ')'"));

    if (IsStringPredicate(node.name)) {
      if (node.operands.size() != 2 || node.operands[0].kind != Operand::Kind::kProperty ||
          node.operands[1].kind != Operand::Kind::kString) {
        return BadRequest(internal::Cat("$filter: ", Quote(node.name),
                                        " takes (property, 'string') at position ", position));
      }
    } else {
      for (const Operand& arg : node.operands) {
        if (arg.kind == Operand::Kind::kProperty) {
          return BadRequest(internal::Cat("$filter: function ", Quote(node.name),
                                          " takes only literal arguments, found property ",
                                          Quote(arg.text), " at position ", arg.position));
        }
      }
    }
    if (ComparisonOf(Peek()) || IsWord(Peek(), "in")) {
      return BadRequest(internal::Cat("$filter: comparing the result of ", Quote(node.name),
                                      " is not supported at position ", Peek().position));
    }
    return node;
  }

  absl::StatusOr<FilterNode> Comparison() {
    PIM_ASSIGN_OR_RETURN(Operand lhs, ParseOperand());
    FilterNode node;
    node.position = lhs.position;
    node.operands.push_back(std::move(lhs));
    const Token& op = Peek();
    if (IsWord(op, "in")) {
      Take();
      node.kind = FilterNode::Kind::kIn;
      PIM_RETURN_IF_ERROR(Expect(Token::Kind::kOpenParen, "'(' after 'in'"));
      while (true) {
        PIM_ASSIGN_OR_RETURN(Operand item, ParseOperand());
        if (item.kind == Operand::Kind::kProperty) {
          return BadRequest(internal::Cat("$filter: 'in' takes only literals, found property ",
                                          Quote(item.text), " at position ", item.position));
        }
        node.operands.push_back(std::move(item));
        if (Peek().kind != Token::Kind::kComma) break;
        Take();
      }
      PIM_RETURN_IF_ERROR(Expect(Token::Kind::kCloseParen, "',' or ')'"));
      return node;
    }
    const std::optional<CompareOp> compare = ComparisonOf(op);
    if (!compare) {
      if (op.kind == Token::Kind::kPath && InList(kUnsupportedOperators, op.text)) {
        return BadRequest(internal::Cat("$filter: operator ", Quote(op.text),
                                        " is not supported at position ", op.position));
      }
      return Unexpected(op, "a comparison operator");
    }
    Take();
    node.kind = FilterNode::Kind::kCompare;
    node.op = *compare;
    PIM_ASSIGN_OR_RETURN(Operand rhs, ParseOperand());
    node.operands.push_back(std::move(rhs));
    return node;
  }

  absl::StatusOr<Operand> ParseOperand() {
    const Token& token = Peek();
    Operand operand;
    operand.position = token.position;
    operand.text = token.text;
    switch (token.kind) {
      case Token::Kind::kString:
        operand.kind = Operand::Kind::kString;
        operand.value = boost::json::string(token.text);
        break;
      case Token::Kind::kGuid:
        operand.kind = Operand::Kind::kGuid;
        operand.value = boost::json::string(token.text);
        break;
      case Token::Kind::kDateTime:
        operand.kind = Operand::Kind::kDateTime;
        operand.value = boost::json::string(token.text);
        break;
      case Token::Kind::kNumber: {
        operand.kind = Operand::Kind::kNumber;
        PIM_ASSIGN_OR_RETURN(operand.value, NumberValue(token));
        break;
      }
      case Token::Kind::kPath:
        if (IsWord(token, "true") || IsWord(token, "false")) {
          operand.kind = Operand::Kind::kBool;
          operand.value = IsWord(token, "true");
          operand.text = IsWord(token, "true") ? "true" : "false";
        } else if (IsWord(token, "null")) {
          operand.kind = Operand::Kind::kNull;
          operand.value = nullptr;
          operand.text = "null";
        } else if (InList(kKeywords, token.text) || InList(kUnsupportedOperators, token.text)) {
          return Unexpected(token, "a property or a literal");
        } else if (Peek(1).kind == Token::Kind::kOpenParen) {
          return BadRequest(internal::Cat("$filter: function call ", Quote(token.text),
                                          " cannot be an operand at position ", token.position));
        } else {
          operand.kind = Operand::Kind::kProperty;
          std::string_view rest = token.text;
          while (true) {
            const std::size_t slash = rest.find('/');
            operand.path.emplace_back(rest.substr(0, slash));
            if (slash == std::string_view::npos) break;
            rest.remove_prefix(slash + 1);
          }
        }
        break;
      default:
        return Unexpected(token, "a property or a literal");
    }
    Take();
    return operand;
  }

  const std::vector<Token> tokens_;
  std::size_t next_ = 0;
};

}  // namespace

bool IsStringPredicate(const std::string& name) {
  return EqualsIgnoreCase(name, "startswith") || EqualsIgnoreCase(name, "endswith") ||
         EqualsIgnoreCase(name, "contains");
}

absl::StatusOr<Filter> Filter::Parse(std::string_view text) {
  if (text.size() > kMaxLength) {
    return BadRequest(internal::Cat("$filter: longer than ", kMaxLength, " characters"));
  }
  PIM_ASSIGN_OR_RETURN(std::vector<Token> tokens, Tokenize(text));
  if (tokens.size() == 1) return BadRequest("$filter: empty expression");
  PIM_ASSIGN_OR_RETURN(FilterNode root, Parser(std::move(tokens)).Run());
  return Filter(std::string(text), std::make_shared<const FilterNode>(std::move(root)));
}

Filter::Filter(std::string text, std::shared_ptr<const FilterNode> root)
    : text_(std::move(text)), root_(std::move(root)) {}
Filter::Filter(Filter&&) noexcept = default;
Filter& Filter::operator=(Filter&&) noexcept = default;
Filter::Filter(const Filter&) = default;
Filter& Filter::operator=(const Filter&) = default;
Filter::~Filter() = default;

}  // namespace pim::api::odata
