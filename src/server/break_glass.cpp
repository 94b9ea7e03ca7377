#include "pim/server/break_glass.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "pim/domain/iso8601.h"
#include "pim/domain/role_definition.h"
#include "pim/domain/status.h"
#include "pim/identity/base32.h"
#include "pim/identity/secure_random.h"

namespace pim::server {
namespace {

constexpr std::string_view kRecordKind = "bootstrap";
constexpr std::string_view kRecordKey = "breakGlass";

// Writes `text` to `path` with mode 0600 (replacing an older file of a crashed first start).
absl::Status WritePrivateFile(const std::string& path, const std::string& text) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return absl::UnavailableError(absl::StrCat("cannot create ", path));
  const bool ok = ::fchmod(fd, 0600) == 0 &&
                  ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                  ::fsync(fd) == 0;
  ::close(fd);
  return ok ? absl::OkStatus() : absl::UnavailableError(absl::StrCat("cannot write ", path));
}

}  // namespace

absl::StatusOr<std::optional<BreakGlassAccount>> EnsureBreakGlassAccount(
    Engine& engine, accounts::AccountService& accounts, accounts::CredentialStore& credentials,
    const std::string& data_dir) {
  PIM_ASSIGN_OR_RETURN(std::optional<std::string> done, credentials.Get(kRecordKind, kRecordKey));
  if (done) return std::optional<BreakGlassAccount>();

  const Caller system = Caller::System();
  Principal account{PrincipalId(std::string(kBreakGlassId)),
                    PrincipalKind::kUser,
                    "Break-glass administrator",
                    kBreakGlassUserName,
                    false,
                    true,
                    false};
  PIM_RETURN_IF_ERROR(engine.PutPrincipal(system, account));
  RequestInput assign;
  assign.kind = ScheduleKind::kAssignment;
  assign.action = RequestAction::kAdminAssign;
  assign.principal = account.id;
  assign.target = DirectoryRoleTarget(role::kGlobalAdministrator);
  assign.schedule_info.expiration = {ExpirationType::kNoExpiration, {}, {}};
  assign.justification = "Break-glass account created at first start";
  if (auto r = engine.Submit(system, assign);
      !r.ok() && r.status().code() != absl::StatusCode::kAlreadyExists) {
    return r.status();
  }

  // 120 random bits; base32 keeps it easy to type.
  const std::string password = identity::Base32Encode(identity::RandomBytes(15));
  PIM_RETURN_IF_ERROR(accounts.SetPassword(account.id, password, /*force_change=*/true));
  PIM_RETURN_IF_ERROR(accounts.RequireTotpEnrolment(account.id));
  BreakGlassAccount out{kBreakGlassUserName, data_dir + "/break-glass.txt"};
  PIM_RETURN_IF_ERROR(WritePrivateFile(
      out.credentials_file,
      absl::StrCat("pim break-glass Global Administrator\n"
                   "user name: ",
                   kBreakGlassUserName, "\npassword:  ", password,
                   "\n\nThe first sign-in must choose a new password and enrol an authenticator "
                   "(TOTP).\nKeep the new credentials offline, for emergencies only, and delete "
                   "this file.\n")));
  PIM_RETURN_IF_ERROR(credentials.Put(kRecordKind, kRecordKey, "", account.id.str()));
  return std::optional<BreakGlassAccount>(std::move(out));
}

}  // namespace pim::server
