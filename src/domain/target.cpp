#include "pim/domain/target.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "pim/domain/scope.h"
#include "text_util.h"

namespace pim {

std::string Target::ObjectKey() const {
  switch (kind) {
    case TargetKind::kGroup:
      return absl::StrCat("group:", object_id, ":",
                          internal::ToAbsl(kGroupAccessNames.Name(access)));
    case TargetKind::kDirectoryRole:
    case TargetKind::kResourceRole:
      return absl::StrCat(internal::ToAbsl(kTargetKindNames.Name(kind)), ":", object_id);
  }
  return {};
}

TargetObject::TargetObject(const Target& target)
    : kind(target.kind),
      access(target.kind == TargetKind::kGroup ? target.access : GroupAccess::kMember),
      id(target.object_id) {}

std::string Target::Key() const {
  if (kind == TargetKind::kGroup) return ObjectKey();
  return absl::StrCat(ObjectKey(), "@", scope);
}

Target GroupTarget(const PrincipalId& group, GroupAccess access) {
  Target target;
  target.kind = TargetKind::kGroup;
  target.object_id = group.str();
  target.access = access;
  return target;
}

Target DirectoryRoleTarget(std::string_view role_id, std::string_view scope) {
  Target target;
  target.kind = TargetKind::kDirectoryRole;
  target.object_id = absl::AsciiStrToLower(internal::ToAbsl(role_id));
  target.scope = CanonicalScope(scope);
  return target;
}

Target ResourceRoleTarget(std::string_view role_id, std::string_view scope) {
  Target target;
  target.kind = TargetKind::kResourceRole;
  target.object_id = absl::AsciiStrToLower(internal::ToAbsl(role_id));
  target.scope = CanonicalScope(scope);
  return target;
}

}  // namespace pim
