#include "pim/domain/scope.h"

#include <algorithm>
#include <cstddef>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "text_util.h"

namespace pim {
namespace {

absl::Status ScopeError(std::string_view path, std::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("invalid scope ", internal::Quote(path), ": ", internal::ToAbsl(why)));
}

// The segments of `path` ("/a/b" -> {"a", "b"}), each a view into `path`.
std::vector<std::string_view> Segments(std::string_view path) {
  std::vector<std::string_view> segments;
  std::size_t begin = 1;
  while (true) {
    const std::size_t end = path.find('/', begin);
    if (end == std::string_view::npos) {
      segments.push_back(path.substr(begin));
      return segments;
    }
    segments.push_back(path.substr(begin, end - begin));
    begin = end + 1;
  }
}

// The path made of the first `count` segments ("/a/b/c", 2 -> "/a/b").
std::string Prefix(std::string_view path, const std::vector<std::string_view>& segments,
                   std::size_t count) {
  const std::string_view last = segments[count - 1];
  const auto length = static_cast<std::size_t>(last.data() - path.data()) + last.size();
  return std::string(path.substr(0, length));
}

// "microsoft.compute" -> "Microsoft.Compute"; a namespace with a capital stays as written.
std::string Namespace(std::string_view ns) {
  std::string out(ns);
  if (std::any_of(out.begin(), out.end(),
                  [](char c) { return absl::ascii_isupper(static_cast<unsigned char>(c)); })) {
    return out;
  }
  bool start = true;
  for (char& c : out) {
    if (start) c = absl::ascii_toupper(static_cast<unsigned char>(c));
    start = c == '.';
  }
  return out;
}

std::string Lower(std::string_view text) { return absl::AsciiStrToLower(internal::ToAbsl(text)); }

}  // namespace

std::string CanonicalScope(std::string_view path) {
  // All leading slashes become one (which also supplies a missing one, as in ARM's URL form
  // "subscriptions/{id}"); all trailing slashes go.
  const std::size_t first = path.find_first_not_of('/');
  if (first == std::string_view::npos) return "/";
  const std::size_t last = path.find_last_not_of('/');
  return absl::StrCat(
      "/", absl::AsciiStrToLower(internal::ToAbsl(path.substr(first, last - first + 1))));
}

absl::StatusOr<ScopeShape> ClassifyScope(std::string_view canonical_path) {
  // Classifying the canonical form makes the result (and the derived parent) canonical even
  // when a caller hands in a path as a client spelled it.
  const std::string path = CanonicalScope(canonical_path);
  if (path == "/") return ScopeShape{ScopeKind::kTenant, std::nullopt};

  const std::vector<std::string_view> seg = Segments(path);
  for (const std::string_view s : seg) {
    if (s.empty()) return ScopeError(canonical_path, "empty path segment");
    for (const char c : s) {
      const auto byte = static_cast<unsigned char>(c);
      if (byte < 0x20 || byte == 0x7f) return ScopeError(canonical_path, "control character");
    }
  }
  const std::size_t n = seg.size();

  if (seg[0] == "administrativeunits") {
    if (n != 2) return ScopeError(canonical_path, "expected /administrativeUnits/{id}");
    return ScopeShape{ScopeKind::kAdministrativeUnit, "/"};
  }
  if (seg[0] == "providers") {
    if (n != 4 || seg[1] != "microsoft.management" || seg[2] != "managementgroups") {
      return ScopeError(canonical_path,
                        "expected /providers/Microsoft.Management/managementGroups/{name}");
    }
    return ScopeShape{ScopeKind::kManagementGroup, std::nullopt};
  }
  if (seg[0] != "subscriptions") {
    return ScopeError(canonical_path,
                      "unknown scope (expected /, /administrativeUnits/{id}, "
                      "/providers/Microsoft.Management/managementGroups/{name} or "
                      "/subscriptions/{id}[/resourceGroups/{name}[/providers/...]])");
  }
  if (n == 1) return ScopeError(canonical_path, "expected /subscriptions/{id}");
  if (n == 2) return ScopeShape{ScopeKind::kSubscription, std::nullopt};
  if (n == 3 || seg[2] != "resourcegroups") {
    return ScopeError(canonical_path,
                      "expected /subscriptions/{id}/resourceGroups/{name} below a subscription");
  }
  if (n == 4) return ScopeShape{ScopeKind::kResourceGroup, Prefix(path, seg, 2)};
  // Resources: .../providers/{namespace}/{type}/{name}[/{childType}/{childName}]...
  if (seg[4] != "providers" || n < 8 || (n - 6) % 2 != 0) {
    return ScopeError(canonical_path,
                      "expected .../resourceGroups/{name}/providers/{namespace}/{type}/{name}"
                      "[/{childType}/{childName}]...");
  }
  for (std::size_t i = 6; i < n; i += 2) {
    if (seg[i] == "providers") {
      return ScopeError(canonical_path, "extension resources are not supported");
    }
  }
  return ScopeShape{ScopeKind::kResource, n == 8 ? Prefix(path, seg, 4) : Prefix(path, seg, n - 2)};
}

std::string SpellScope(std::string_view written, ScopeKind kind, std::string_view parent_spelling) {
  const std::size_t first = written.find_first_not_of('/');
  if (first == std::string_view::npos || kind == ScopeKind::kTenant) return "/";
  const std::size_t last = written.find_last_not_of('/');
  const std::string trimmed =
      absl::StrCat("/", internal::ToAbsl(written.substr(first, last - first + 1)));
  const std::vector<std::string_view> seg = Segments(trimmed);
  const std::size_t n = seg.size();
  auto at = [&](std::size_t i) { return i < n ? seg[i] : std::string_view(); };
  switch (kind) {
    case ScopeKind::kTenant:
      return "/";
    case ScopeKind::kAdministrativeUnit:
      return absl::StrCat("/administrativeUnits/", Lower(at(1)));
    case ScopeKind::kManagementGroup:
      return absl::StrCat("/providers/Microsoft.Management/managementGroups/",
                          internal::ToAbsl(at(3)));
    case ScopeKind::kSubscription:
      return absl::StrCat("/subscriptions/", Lower(at(1)));
    case ScopeKind::kResourceGroup:
      return absl::StrCat(internal::ToAbsl(parent_spelling), "/resourceGroups/",
                          internal::ToAbsl(at(3)));
    case ScopeKind::kResource:
      if (n == 8) {
        return absl::StrCat(internal::ToAbsl(parent_spelling), "/providers/", Namespace(at(5)), "/",
                            internal::ToAbsl(at(6)), "/", internal::ToAbsl(at(7)));
      }
      return absl::StrCat(internal::ToAbsl(parent_spelling), "/", internal::ToAbsl(at(n - 2)), "/",
                          internal::ToAbsl(at(n - 1)));
  }
  return GuessScopeSpelling(CanonicalScope(written));
}

std::string GuessScopeSpelling(std::string_view canonical_path) {
  if (canonical_path.empty() || canonical_path == "/") return "/";
  const std::vector<std::string_view> seg = Segments(canonical_path);
  std::string out;
  for (std::size_t i = 0; i < seg.size(); ++i) {
    std::string s(seg[i]);
    if (s == "resourcegroups") {
      s = "resourceGroups";
    } else if (s == "managementgroups") {
      s = "managementGroups";
    } else if (s == "administrativeunits" && i == 0) {
      s = "administrativeUnits";
    } else if (i > 0 && seg[i - 1] == "providers") {
      s = Namespace(s);
    }
    absl::StrAppend(&out, "/", s);
  }
  return out;
}

bool IsDirectoryScopeKind(ScopeKind kind) {
  switch (kind) {
    case ScopeKind::kTenant:
    case ScopeKind::kAdministrativeUnit:
      return true;
    case ScopeKind::kManagementGroup:
    case ScopeKind::kSubscription:
    case ScopeKind::kResourceGroup:
    case ScopeKind::kResource:
      return false;
  }
  return false;
}

}  // namespace pim
