#include "pim/domain/role_definition.h"

#include <array>
#include <string>
#include <string_view>
#include <utility>

namespace pim {
namespace {

RoleDefinition BuiltIn(std::string_view id, RoleKind kind, std::string display_name,
                       std::string description) {
  RoleDefinition role;
  role.id = RoleDefinitionId(std::string(id));
  role.kind = kind;
  role.display_name = std::move(display_name);
  role.description = std::move(description);
  role.is_built_in = true;
  return role;
}

}  // namespace

std::span<const RoleDefinition> BuiltInRoleDefinitions() {
  // Descriptions are Microsoft's, shortened where they run long. Built on first use
  // (thread-safe static initialisation).
  static const std::array<RoleDefinition, 18> kRoles = {
      BuiltIn(role::kGlobalAdministrator, RoleKind::kDirectory, "Global Administrator",
              "Can manage all aspects of Microsoft Entra ID and Microsoft services that use "
              "Microsoft Entra identities."),
      BuiltIn(role::kPrivilegedRoleAdministrator, RoleKind::kDirectory,
              "Privileged Role Administrator",
              "Can manage role assignments in Microsoft Entra ID, and all aspects of Privileged "
              "Identity Management."),
      BuiltIn(role::kUserAdministrator, RoleKind::kDirectory, "User Administrator",
              "Can manage all aspects of users and groups, including resetting passwords for "
              "limited admins."),
      BuiltIn(role::kGroupsAdministrator, RoleKind::kDirectory, "Groups Administrator",
              "Can create and manage groups and group settings such as naming and expiration "
              "policies."),
      BuiltIn(role::kIdentityGovernanceAdministrator, RoleKind::kDirectory,
              "Identity Governance Administrator",
              "Manage access using Microsoft Entra ID for identity governance scenarios."),
      BuiltIn(role::kDirectoryWriters, RoleKind::kDirectory, "Directory Writers",
              "Can read and write basic directory information. For granting access to "
              "applications, not intended for users."),
      BuiltIn(role::kHelpdeskAdministrator, RoleKind::kDirectory, "Helpdesk Administrator",
              "Can reset passwords for non-administrators and Helpdesk Administrators."),
      BuiltIn(role::kExchangeAdministrator, RoleKind::kDirectory, "Exchange Administrator",
              "Can manage all aspects of the Exchange product."),
      BuiltIn(role::kSecurityAdministrator, RoleKind::kDirectory, "Security Administrator",
              "Can read security information and reports, and manage configuration in Microsoft "
              "Entra ID and Office 365."),
      BuiltIn(role::kSecurityReader, RoleKind::kDirectory, "Security Reader",
              "Can read security information and reports in Microsoft Entra ID and Office 365."),
      BuiltIn(role::kApplicationAdministrator, RoleKind::kDirectory, "Application Administrator",
              "Can create and manage all aspects of app registrations and enterprise apps."),
      BuiltIn(role::kCloudApplicationAdministrator, RoleKind::kDirectory,
              "Cloud Application Administrator",
              "Can create and manage all aspects of app registrations and enterprise apps except "
              "App Proxy."),
      BuiltIn(role::kGlobalReader, RoleKind::kDirectory, "Global Reader",
              "Can read everything that a Global Administrator can, but not update anything."),
      BuiltIn(role::kDirectoryReaders, RoleKind::kDirectory, "Directory Readers",
              "Can read basic directory information. Commonly used to grant directory read "
              "access to applications and guests."),
      BuiltIn(role::kOwner, RoleKind::kResource, "Owner",
              "Grants full access to manage all resources, including the ability to assign roles "
              "in Azure RBAC."),
      BuiltIn(role::kContributor, RoleKind::kResource, "Contributor",
              "Grants full access to manage all resources, but does not allow you to assign roles "
              "in Azure RBAC."),
      BuiltIn(role::kReader, RoleKind::kResource, "Reader",
              "View all resources, but does not allow you to make any changes."),
      BuiltIn(role::kUserAccessAdministrator, RoleKind::kResource, "User Access Administrator",
              "Lets you manage user access to Azure resources."),
  };
  return kRoles;
}

}  // namespace pim
