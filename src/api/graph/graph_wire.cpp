#include "api/graph/graph_wire.h"

#include <exception>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "api/common/json_body.h"
#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "pim/domain/ids.h"
#include "pim/domain/iso8601.h"
#include "pim/domain/status.h"

namespace pim::api::graph {
namespace {

using json_body::A;

// The context's projection list: selected properties, then each expansion as `name()` or
// `name(a,b)` with its nested $select (reference 2.4).
std::string SelectList(const odata::Query& query) {
  if (query.select.empty()) return "";
  std::string out = "(";
  bool first = true;
  auto add = [&](std::string_view item) {
    if (!first) out.push_back(',');
    first = false;
    out.append(item);
  };
  for (const std::string& s : query.select) add(s);
  for (const odata::ExpandItem& e : query.expand) {
    std::string item = e.property + "(";
    for (std::size_t i = 0; i < e.select.size(); ++i) {
      if (i > 0) item.push_back(',');
      item += e.select[i];
    }
    item.push_back(')');
    add(item);
  }
  out.push_back(')');
  return out;
}

}  // namespace

absl::Status BadRequest(std::string_view message) {
  return Error(absl::StatusCode::kInvalidArgument, code::kBadRequest, message);
}

absl::Status UnknownSegment(std::string_view segment) {
  return BadRequest(absl::StrCat("Resource not found for the segment '", A(segment), "'."));
}

absl::Status BadProperty(std::string_view property, std::string_view why) {
  return BadRequest(absl::StrCat("Invalid value for property '", A(property), "': ", A(why), "."));
}

absl::StatusOr<boost::json::object> ParseObjectBody(std::string_view body) {
  if (absl::StripAsciiWhitespace(A(body)).empty()) {
    return BadRequest("The request body is empty; a JSON object is expected.");
  }
  try {
    boost::system::error_code ec;
    boost::json::value v =
        boost::json::parse(boost::json::string_view(body.data(), body.size()), ec);
    if (ec) return BadRequest("The request body is not valid JSON.");
    if (!v.is_object()) return BadRequest("The request body must be a JSON object.");
    return std::move(v.as_object());
  } catch (const std::exception&) {
    return BadRequest("The request body is not valid JSON.");
  }
}

std::vector<std::string> PathSegments(std::string_view rest) {
  std::vector<std::string> out;
  std::size_t begin = 0;
  while (begin < rest.size()) {
    std::size_t end = rest.find('/', begin);
    if (end == std::string_view::npos) end = rest.size();
    std::string_view seg = rest.substr(begin, end - begin);
    const std::size_t open = seg.find("('");
    if (open != std::string_view::npos && seg.size() > open + 4 &&
        seg.substr(seg.size() - 2) == "')") {
      out.emplace_back(seg.substr(0, open));
      out.emplace_back(seg.substr(open + 2, seg.size() - open - 4));
    } else if (!seg.empty()) {
      out.emplace_back(seg);
    }
    begin = end + 1;
  }
  return out;
}

bool IsIgnoredAnnotation(std::string_view key) { return absl::EndsWith(A(key), "@odata.type"); }

absl::StatusOr<std::optional<std::string>> ReadString(const boost::json::object& o,
                                                      std::string_view key, std::string_view path) {
  return json_body::OptionalString(o, key, [&] { return BadProperty(path, "expected a string"); });
}

absl::StatusOr<std::optional<bool>> ReadBool(const boost::json::object& o, std::string_view key,
                                             std::string_view path) {
  const boost::json::value* v = o.if_contains(boost::json::string_view(key.data(), key.size()));
  if (v == nullptr || v->is_null()) return std::optional<bool>();
  const bool* b = v->if_bool();
  if (b == nullptr) return BadProperty(path, "expected a boolean");
  return std::optional<bool>(*b);
}

absl::StatusOr<const boost::json::object*> ReadObject(const boost::json::object& o,
                                                      std::string_view key, std::string_view path) {
  return json_body::OptionalObject(o, key, [&] { return BadProperty(path, "expected an object"); });
}

absl::StatusOr<std::string> ReadGuid(const boost::json::object& o, std::string_view key,
                                     std::string_view path) {
  PIM_ASSIGN_OR_RETURN(std::optional<std::string> s, ReadString(o, key, path));
  if (!s.has_value()) {
    return BadRequest(absl::StrCat("The property '", A(path), "' is required."));
  }
  if (!IsGuid(*s)) return BadProperty(path, "expected a GUID");
  return absl::AsciiStrToLower(*s);
}

absl::StatusOr<std::optional<absl::Time>> ReadDateTime(const boost::json::object& o,
                                                       std::string_view key,
                                                       std::string_view path) {
  PIM_ASSIGN_OR_RETURN(std::optional<std::string> s, ReadString(o, key, path));
  if (!s.has_value()) return std::optional<absl::Time>();
  auto t = ParseDateTime(*s);
  if (!t.ok()) return BadProperty(path, "expected an ISO 8601 date-time");
  return std::optional<absl::Time>(*t);
}

std::string DirectoryScopeId(std::string_view canonical_scope) {
  constexpr std::string_view kUnits = "/administrativeunits/";
  if (canonical_scope.starts_with(kUnits)) {
    return absl::StrCat("/administrativeUnits/", A(canonical_scope.substr(kUnits.size())));
  }
  return std::string(canonical_scope);
}

boost::json::value StringOrNull(std::string_view s) {
  if (s.empty()) return nullptr;
  return boost::json::string(s.data(), s.size());
}

boost::json::value TimeOrNull(const std::optional<absl::Time>& t) {
  if (!t.has_value()) return nullptr;
  return boost::json::string(FormatDateTime(*t));
}

std::string ContextUrl(const RequestContext& ctx, std::string_view version,
                       std::string_view entity_set, const odata::Query& query, bool single_entity) {
  return absl::StrCat(ctx.http.base_url, "/", A(version), "/$metadata#", A(entity_set),
                      SelectList(query), single_entity ? "/$entity" : "");
}

HttpResponse EntityResponse(int status, const RequestContext& ctx, std::string_view version,
                            std::string_view entity_set, const odata::Query& query,
                            const boost::json::object& entity) {
  boost::json::object out;
  out["@odata.context"] = ContextUrl(ctx, version, entity_set, query, /*single_entity=*/true);
  for (const auto& kv : entity) out[kv.key()] = kv.value();
  return HttpResponse::Json(status, boost::json::serialize(out));
}

HttpResponse CollectionResponse(const RequestContext& ctx, std::string_view version,
                                std::string_view entity_set, const odata::Query& query,
                                odata::Page page) {
  boost::json::object out;
  out["@odata.context"] = ContextUrl(ctx, version, entity_set, query, /*single_entity=*/false);
  if (page.count.has_value()) out["@odata.count"] = *page.count;
  if (page.next_link.has_value()) out["@odata.nextLink"] = *page.next_link;
  out["value"] = std::move(page.value);
  return HttpResponse::Json(200, boost::json::serialize(out));
}

}  // namespace pim::api::graph
