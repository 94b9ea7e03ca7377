#include "api/arm/arm_path.h"

#include <cstddef>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "pim/domain/scope.h"
#include "pim/domain/status.h"

namespace pim::api::arm {
namespace {

constexpr std::string_view kMarker = "/providers/microsoft.authorization";
constexpr absl::string_view kSubscriptionAlias = "/providers/microsoft.subscription/subscriptions/";

std::string Lower(std::string_view s) {
  return absl::AsciiStrToLower(absl::string_view(s.data(), s.size()));
}

// Non-empty segments of `s` ("/a/b" -> {"a", "b"}).
std::vector<std::string_view> Segments(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t begin = 0;
  while (begin <= s.size()) {
    std::size_t end = s.find('/', begin);
    if (end == std::string_view::npos) end = s.size();
    if (end > begin) out.push_back(s.substr(begin, end - begin));
    begin = end + 1;
  }
  return out;
}

absl::Status NoSuchResource(std::string_view path) {
  return Error(absl::StatusCode::kNotFound, code::kObjectNotFound,
               absl::StrCat("No Microsoft.Authorization resource type at '",
                            absl::string_view(path.data(), path.size()), "'."));
}

}  // namespace

bool IsAuthorizationPath(std::string_view path) {
  const std::string lower = Lower(path);
  for (std::size_t at = lower.find(kMarker); at != std::string::npos;
       at = lower.find(kMarker, at + 1)) {
    const std::size_t end = at + kMarker.size();
    if (end == lower.size() || lower[end] == '/') return true;
  }
  return false;
}

std::string NormaliseArmScope(std::string_view scope) {
  std::string canonical = CanonicalScope(scope);
  if (absl::StartsWith(canonical, kSubscriptionAlias)) {
    canonical = absl::StrCat("/subscriptions/",
                             absl::string_view(canonical).substr(kSubscriptionAlias.size()));
  }
  return canonical;
}

std::string DealiasArmScope(std::string_view scope) {
  const std::size_t first = scope.find_first_not_of('/');
  if (first == std::string_view::npos) return "/";
  const std::size_t last = scope.find_last_not_of('/');
  std::string trimmed =
      absl::StrCat("/", absl::string_view(scope.data() + first, last - first + 1));
  if (absl::StartsWith(Lower(trimmed), kSubscriptionAlias)) {
    trimmed = absl::StrCat("/subscriptions/",
                           absl::string_view(trimmed).substr(kSubscriptionAlias.size()));
  }
  return trimmed;
}

absl::StatusOr<ArmPath> ParseArmPath(std::string_view path) {
  const std::string lower = Lower(path);
  // The last marker that is a whole segment pair and is followed by 1-4 segments.
  std::size_t split = std::string::npos;
  for (std::size_t at = lower.find(kMarker); at != std::string::npos;
       at = lower.find(kMarker, at + 1)) {
    const std::size_t end = at + kMarker.size();
    if (end == lower.size() || lower[end] == '/') split = at;
  }
  if (split == std::string::npos) return NoSuchResource(path);
  const std::vector<std::string_view> rest = Segments(path.substr(split + kMarker.size()));
  if (rest.empty() || rest.size() > 4) return NoSuchResource(path);

  ArmPath out;
  out.scope = NormaliseArmScope(path.substr(0, split));
  const auto shape = ClassifyScope(out.scope);
  if (!shape.ok() || shape->kind == ScopeKind::kAdministrativeUnit) {
    return Error(absl::StatusCode::kInvalidArgument, code::kBadRequest,
                 absl::StrCat("'", out.scope, "' is not a valid Azure Resource Manager scope."));
  }
  out.collection = std::string(rest[0]);
  if (rest.size() > 1) out.name = std::string(rest[1]);
  if (rest.size() > 2) out.action = std::string(rest[2]);
  if (rest.size() > 3) out.item = std::string(rest[3]);
  return out;
}

absl::Status CheckApiVersion(const std::optional<std::string>& api_version) {
  if (!api_version || api_version->empty()) {
    return Error(absl::StatusCode::kInvalidArgument, code::kMissingApiVersion,
                 "The api-version query parameter (?api-version=) is required for all requests.");
  }
  const std::string& v = *api_version;
  auto invalid = [&] {
    return Error(absl::StatusCode::kInvalidArgument, code::kInvalidApiVersion,
                 absl::StrCat("The api-version '", v.size() > 40 ? v.substr(0, 40) + "..." : v,
                              "' is invalid. Supported versions are 2020-10-01 and later, for "
                              "example '2020-10-01', '2022-04-01' or '2024-09-01-preview'."));
  };
  std::string_view date(v);
  if (date.size() == 18 && absl::EndsWith(absl::string_view(v), "-preview")) {
    date = date.substr(0, 10);
  }
  if (date.size() != 10 || date[4] != '-' || date[7] != '-') return invalid();
  for (const std::size_t i : {0U, 1U, 2U, 3U, 5U, 6U, 8U, 9U}) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(date[i]))) return invalid();
  }
  int year = 0;
  int month = 0;
  int day = 0;
  if (!absl::SimpleAtoi(absl::string_view(date.data(), 4), &year) ||
      !absl::SimpleAtoi(absl::string_view(date.data() + 5, 2), &month) ||
      !absl::SimpleAtoi(absl::string_view(date.data() + 8, 2), &day)) {
    return invalid();
  }
  const absl::CivilDay civil(year, month, day);
  if (civil.year() != year || civil.month() != month || civil.day() != day) return invalid();
  if (civil < absl::CivilDay(2020, 10, 1)) return invalid();
  return absl::OkStatus();
}

}  // namespace pim::api::arm
