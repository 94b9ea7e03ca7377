#include "pim/domain/scope.h"

#include <optional>
#include <string>
#include <string_view>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pim/domain/status.h"

namespace pim {
namespace {

using ::testing::HasSubstr;

constexpr std::string_view kSub = "/subscriptions/0d0d0d0d-0000-4000-8000-00000000d001";
constexpr std::string_view kRg =
    "/subscriptions/0d0d0d0d-0000-4000-8000-00000000d001/resourcegroups/rg1";
constexpr std::string_view kVm =
    "/subscriptions/0d0d0d0d-0000-4000-8000-00000000d001/resourcegroups/rg1/providers/"
    "microsoft.compute/virtualmachines/vm1";

TEST(CanonicalScopeTest, NormalisesSlashesAndCase) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"", "/"},
      {"/", "/"},
      {"//", "/"},
      {"///", "/"},
      {"//subscriptions/ABC", "/subscriptions/abc"},
      {"/Subscriptions/ABC/", "/subscriptions/abc"},
      {"/subscriptions/abc//", "/subscriptions/abc"},
      {"subscriptions/abc", "/subscriptions/abc"},
      {"/administrativeUnits/AU1", "/administrativeunits/au1"},
      {"/providers/Microsoft.Management/managementGroups/MG",
       "/providers/microsoft.management/managementgroups/mg"},
      {"/a//b", "/a//b"},  // inner empty segments are kept (and rejected by ClassifyScope)
      {"/\xc3\x89T\xc3\xa9", "/\xc3\x89t\xc3\xa9"},  // only ASCII is lowercased
  };
  for (const auto& [input, canonical] : cases) {
    EXPECT_EQ(CanonicalScope(input), canonical) << input;
    EXPECT_EQ(CanonicalScope(CanonicalScope(input)), canonical) << "not idempotent: " << input;
  }
}

TEST(SpellScopeTest, KeepsNamesAsWrittenAndSpellsArmKeywords) {
  const std::string sub = "/subscriptions/0d0d0d0d-0000-4000-8000-00000000d001";
  EXPECT_EQ(SpellScope("/", ScopeKind::kTenant, ""), "/");
  EXPECT_EQ(SpellScope("administrativeunits/AU-1/", ScopeKind::kAdministrativeUnit, "/"),
            "/administrativeUnits/au-1");
  EXPECT_EQ(SpellScope("/providers/microsoft.management/managementgroups/Contoso-MG",
                       ScopeKind::kManagementGroup, "/"),
            "/providers/Microsoft.Management/managementGroups/Contoso-MG");
  EXPECT_EQ(SpellScope("//SUBSCRIPTIONS/0D0D0D0D-0000-4000-8000-00000000D001/",
                       ScopeKind::kSubscription, "/"),
            sub);
  // The parent's spelling comes first, whatever case the child's path gives it.
  EXPECT_EQ(
      SpellScope("/subscriptions/0d0d0d0d-0000-4000-8000-00000000d001/RESOURCEGROUPS/MyApp-RG",
                 ScopeKind::kResourceGroup, sub),
      sub + "/resourceGroups/MyApp-RG");
  const std::string rg = sub + "/resourceGroups/Web";
  EXPECT_EQ(SpellScope(sub + "/resourcegroups/web/providers/microsoft.compute/virtualMachines/VM1",
                       ScopeKind::kResource, rg),
            rg + "/providers/Microsoft.Compute/virtualMachines/VM1");
  EXPECT_EQ(SpellScope(sub + "/resourcegroups/web/PROVIDERS/Microsoft.Sql/servers/S1/databases/Db",
                       ScopeKind::kResource, rg + "/providers/Microsoft.Sql/servers/S1"),
            rg + "/providers/Microsoft.Sql/servers/S1/databases/Db");
  // A namespace written with a capital stays as written.
  EXPECT_EQ(SpellScope(sub + "/resourcegroups/web/providers/Contoso.IoT/hubs/h",
                       ScopeKind::kResource, rg),
            rg + "/providers/Contoso.IoT/hubs/h");
}

TEST(SpellScopeTest, GuessesArmKeywordsForAnUnknownSpelling) {
  EXPECT_EQ(GuessScopeSpelling("/"), "/");
  EXPECT_EQ(GuessScopeSpelling(""), "/");
  EXPECT_EQ(GuessScopeSpelling(kVm),
            "/subscriptions/0d0d0d0d-0000-4000-8000-00000000d001/resourceGroups/rg1/providers/"
            "Microsoft.Compute/virtualmachines/vm1");
  EXPECT_EQ(GuessScopeSpelling("/providers/microsoft.management/managementgroups/mg"),
            "/providers/Microsoft.Management/managementGroups/mg");
  EXPECT_EQ(GuessScopeSpelling("/administrativeunits/au1"), "/administrativeUnits/au1");
}

struct ShapeCase {
  std::string path;
  ScopeKind kind;
  std::optional<std::string> parent;
};

TEST(ClassifyScopeTest, ClassifiesEveryKnownShape) {
  const std::string rg(kRg);
  const std::string vm(kVm);
  const ShapeCase cases[] = {
      {"/", ScopeKind::kTenant, std::nullopt},
      {"/administrativeunits/au1", ScopeKind::kAdministrativeUnit, "/"},
      {"/providers/microsoft.management/managementgroups/mg1", ScopeKind::kManagementGroup,
       std::nullopt},
      {std::string(kSub), ScopeKind::kSubscription, std::nullopt},
      {std::string(kRg), ScopeKind::kResourceGroup, std::string(kSub)},
      {std::string(kVm), ScopeKind::kResource, rg},
      {vm + "/extensions/ext1", ScopeKind::kResource, vm},
      {vm + "/extensions/ext1/settings/s1", ScopeKind::kResource, vm + "/extensions/ext1"},
      {"/subscriptions/s/resourcegroups/rg.with-dots_(1)/providers/ns/type/name",
       ScopeKind::kResource, "/subscriptions/s/resourcegroups/rg.with-dots_(1)"},
  };
  for (const ShapeCase& c : cases) {
    const absl::StatusOr<ScopeShape> shape = ClassifyScope(c.path);
    ASSERT_TRUE(shape.ok()) << c.path << ": " << shape.status();
    EXPECT_EQ(shape->kind, c.kind) << c.path;
    EXPECT_EQ(shape->derived_parent, c.parent) << c.path;
  }
}

TEST(ClassifyScopeTest, ClassifiesTheCanonicalFormOfWhatItIsGiven) {
  const absl::StatusOr<ScopeShape> shape = ClassifyScope("/Subscriptions/S1/ResourceGroups/RG1/");
  ASSERT_TRUE(shape.ok()) << shape.status();
  EXPECT_EQ(shape->kind, ScopeKind::kResourceGroup);
  EXPECT_EQ(shape->derived_parent, "/subscriptions/s1");
  EXPECT_EQ(ClassifyScope("")->kind, ScopeKind::kTenant);
}

TEST(ClassifyScopeTest, RejectsPathsOfNoKnownShape) {
  const std::string vm(kVm);
  for (const std::string& path : {
           std::string("/foo"),
           std::string("/subscriptions"),
           std::string("/subscriptions//resourcegroups/rg"),
           std::string("/subscriptions/s/resourcegroups"),
           std::string("/subscriptions/s/foo/x"),
           std::string("/subscriptions/s/providers/microsoft.compute/virtualmachines/vm"),
           std::string("/subscriptions/s/resourcegroups/rg/providers"),
           std::string("/subscriptions/s/resourcegroups/rg/providers/ns"),
           std::string("/subscriptions/s/resourcegroups/rg/providers/ns/type"),
           std::string("/subscriptions/s/resourcegroups/rg/whatever/ns/type/name"),
           vm + "/child",
           vm + "//child/name",
           vm + "/providers/microsoft.insights/diagnosticsettings/d1",
           std::string("/administrativeunits"),
           std::string("/administrativeunits/a/b"),
           std::string("/providers"),
           std::string("/providers/microsoft.management/managementgroups"),
           std::string("/providers/microsoft.management/managementgroups/mg/x"),
           std::string("/providers/microsoft.other/managementgroups/mg"),
           std::string("/subscriptions/s\x01"),
           std::string("/subscriptions/s\x7f"),
       }) {
    const absl::StatusOr<ScopeShape> shape = ClassifyScope(path);
    ASSERT_FALSE(shape.ok()) << "accepted " << path;
    EXPECT_EQ(shape.status().code(), absl::StatusCode::kInvalidArgument) << path;
    EXPECT_EQ(ErrorCodeOf(shape.status()), code::kBadRequest) << path;
  }
}

TEST(ClassifyScopeTest, ErrorMessageQuotesThePathAndNamesTheProblem) {
  const absl::Status status = ClassifyScope("/subscriptions//x").status();
  EXPECT_THAT(std::string(status.message()), HasSubstr("\"/subscriptions//x\""));
  EXPECT_THAT(std::string(status.message()), HasSubstr("empty path segment"));
  EXPECT_THAT(std::string(ClassifyScope(std::string(kVm) + "/providers/a/b/c").status().message()),
              HasSubstr("extension resources are not supported"));
}

// Fuzzer regression (corpus/scope_fuzzer/regression_binary_long_message): escaped non-ASCII
// bytes made the quoted path four times longer than the 64-byte cut.
TEST(ClassifyScopeTest, ErrorMessageStaysShortForBinaryInput) {
  const std::string input = "\x90" + std::string(88, '5');
  const absl::Status status = ClassifyScope(input).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_LT(status.message().size(), 300u) << status;
  EXPECT_THAT(std::string(status.message()), HasSubstr("\"\\x90555"));
}

TEST(IsDirectoryScopeKindTest, OnlyTenantAndAdministrativeUnitsAreDirectoryScopes) {
  EXPECT_TRUE(IsDirectoryScopeKind(ScopeKind::kTenant));
  EXPECT_TRUE(IsDirectoryScopeKind(ScopeKind::kAdministrativeUnit));
  EXPECT_FALSE(IsDirectoryScopeKind(ScopeKind::kManagementGroup));
  EXPECT_FALSE(IsDirectoryScopeKind(ScopeKind::kSubscription));
  EXPECT_FALSE(IsDirectoryScopeKind(ScopeKind::kResourceGroup));
  EXPECT_FALSE(IsDirectoryScopeKind(ScopeKind::kResource));
}

}  // namespace
}  // namespace pim
