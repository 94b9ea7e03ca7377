// CanonicalScope is idempotent; ClassifyScope is total and agrees on a path and its canonical
// form; a derived parent is canonical, a proper prefix of the path, and itself classifies as the
// kind one level up.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "pim/domain/scope.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::string canonical = pim::CanonicalScope(input);
  PIM_FUZZ_CHECK(!canonical.empty() && canonical[0] == '/', input);
  PIM_FUZZ_CHECK(pim::CanonicalScope(canonical) == canonical, input);

  const absl::StatusOr<pim::ScopeShape> shape = pim::ClassifyScope(input);
  const absl::StatusOr<pim::ScopeShape> canonical_shape = pim::ClassifyScope(canonical);
  PIM_FUZZ_CHECK(shape.ok() == canonical_shape.ok(), input);
  if (!shape.ok()) {
    PIM_FUZZ_CHECK(shape.status().code() == absl::StatusCode::kInvalidArgument, input);
    PIM_FUZZ_CHECK(shape.status().message().size() < 300, input);
    return 0;
  }
  PIM_FUZZ_CHECK(shape->kind == canonical_shape->kind, input);
  PIM_FUZZ_CHECK(shape->derived_parent == canonical_shape->derived_parent, input);
  PIM_FUZZ_CHECK((shape->kind == pim::ScopeKind::kTenant) == (canonical == "/"), input);
  if (!shape->derived_parent) {
    PIM_FUZZ_CHECK(
        shape->kind != pim::ScopeKind::kResourceGroup && shape->kind != pim::ScopeKind::kResource,
        input);
    return 0;
  }
  const std::string& parent = *shape->derived_parent;
  PIM_FUZZ_CHECK(pim::CanonicalScope(parent) == parent, input);
  PIM_FUZZ_CHECK(parent.size() < canonical.size(), input);
  PIM_FUZZ_CHECK(canonical.compare(0, parent.size(), parent) == 0, input);
  const absl::StatusOr<pim::ScopeShape> parent_shape = pim::ClassifyScope(parent);
  PIM_FUZZ_CHECK(parent_shape.ok(), input);
  switch (shape->kind) {
    case pim::ScopeKind::kAdministrativeUnit:
      PIM_FUZZ_CHECK(parent_shape->kind == pim::ScopeKind::kTenant, input);
      break;
    case pim::ScopeKind::kResourceGroup:
      PIM_FUZZ_CHECK(parent_shape->kind == pim::ScopeKind::kSubscription, input);
      break;
    case pim::ScopeKind::kResource:
      PIM_FUZZ_CHECK(parent_shape->kind == pim::ScopeKind::kResourceGroup ||
                         parent_shape->kind == pim::ScopeKind::kResource,
                     input);
      break;
    case pim::ScopeKind::kTenant:
    case pim::ScopeKind::kManagementGroup:
    case pim::ScopeKind::kSubscription:
      PIM_FUZZ_CHECK(false, input);
  }
  return 0;
}
