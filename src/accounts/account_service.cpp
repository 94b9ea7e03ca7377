#include "pim/accounts/account_service.h"

#include <algorithm>
#include <cmath>

#include "absl/hash/hash.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "boost/json.hpp"
#include "pim/accounts/token_service.h"
#include "pim/domain/status.h"
#include "pim/identity/base32.h"
#include "pim/identity/base64url.h"
#include "pim/identity/jwk.h"
#include "pim/identity/jwt.h"
#include "pim/identity/password_policy.h"
#include "pim/identity/qr_code.h"
#include "pim/identity/recovery_codes.h"
#include "pim/identity/secure_random.h"
#include "pim/identity/totp.h"
#include "pim/identity/x509_certificate.h"

namespace pim::accounts {
namespace {

// Record kinds in the CredentialStore.
constexpr std::string_view kPassword = "password";          // key: principal id
constexpr std::string_view kTotp = "totp";                  // key: principal id
constexpr std::string_view kRecovery = "recovery";          // key: principal id
constexpr std::string_view kFailures = "signinFailures";    // key: normalised login name
constexpr std::string_view kClientSecret = "clientSecret";  // key: key id, owner: the SP
constexpr std::string_view kClientKey = "clientKey";        // key: SP/key id, owner: the SP
constexpr std::string_view kAssertionId = "assertionJti";   // key: SP/jti, owner: the SP

constexpr char kBadCredentials[] = "The user name, password or code is incorrect.";

absl::Status Internal(std::string_view what) {
  return absl::InternalError(absl::StrCat("credential record is unreadable: ", std::string(what)));
}

std::string Json(const boost::json::object& o) { return boost::json::serialize(o); }

std::optional<boost::json::object> ParseRecord(const std::string& text) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(text, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.as_object());
}

int64_t Nanos(absl::Time t) { return absl::ToUnixNanos(t); }
absl::Time FromUnixNanos(const boost::json::object& o, std::string_view field) {
  const auto* v = o.if_contains(field);
  return v != nullptr && v->is_int64() ? absl::FromUnixNanos(v->as_int64()) : absl::InfinitePast();
}
bool BoolField(const boost::json::object& o, std::string_view field) {
  const auto* v = o.if_contains(field);
  return v != nullptr && v->is_bool() && v->as_bool();
}
std::string StringField(const boost::json::object& o, std::string_view field) {
  const auto* v = o.if_contains(field);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::string NormaliseLogin(std::string_view login) {
  return absl::AsciiStrToLower(
      absl::StripAsciiWhitespace(absl::string_view(login.data(), login.size())));
}

// Words a password must not contain: the parts of the user's name and mail.
std::vector<std::string> PersonalWords(const Principal& user) {
  std::vector<std::string> words;
  for (absl::string_view part :
       absl::StrSplit(user.display_name, absl::ByAnyChar(" .-_@"), absl::SkipEmpty())) {
    words.emplace_back(part);
  }
  const std::string_view mail = user.mail;
  const std::string_view local = mail.substr(0, mail.find('@'));
  for (absl::string_view part : absl::StrSplit(absl::string_view(local.data(), local.size()),
                                               absl::ByAnyChar(".-_+"), absl::SkipEmpty())) {
    words.emplace_back(part);
  }
  return words;
}

// A random version-4 GUID, the form of Graph's keyCredential keyId.
std::string NewKeyId() {
  std::string bytes = identity::RandomBytes(16);
  bytes[6] = static_cast<char>((bytes[6] & 0x0f) | 0x40);
  bytes[8] = static_cast<char>((bytes[8] & 0x3f) | 0x80);
  const std::string hex = absl::BytesToHexString(absl::string_view(bytes.data(), bytes.size()));
  return absl::StrCat(hex.substr(0, 8), "-", hex.substr(8, 4), "-", hex.substr(12, 4), "-",
                      hex.substr(16, 4), "-", hex.substr(20));
}

// The JOSE header of a compact JWS, or nullopt when it has none that parses. Read before the
// signature is checked only to pick the key: nothing in it is trusted.
std::optional<boost::json::object> JoseHeader(std::string_view token) {
  const std::size_t dot = token.find('.');
  if (token.size() > std::size_t{16} * 1024 || dot == std::string_view::npos) return std::nullopt;
  const std::optional<std::string> text = identity::Base64UrlDecode(token.substr(0, dot));
  if (!text) return std::nullopt;
  boost::json::parse_options options;
  options.max_depth = 16;
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(*text, ec, {}, options);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.as_object());
}

// Whether the certificate credential `record` is the one a client assertion's `header` names:
// by "x5t#S256" and "x5t" when present (all present must match), else by a "kid" equal to its
// key id or a thumbprint (hex in either case, or base64url).
bool CertificateNamed(const boost::json::object& record, const boost::json::object& header) {
  const boost::json::value* s256 = header.if_contains("x5t#S256");
  const boost::json::value* sha1 = header.if_contains("x5t");
  if (s256 != nullptr || sha1 != nullptr) {
    const auto matches = [&](const boost::json::value* v, std::string_view field) {
      return v == nullptr || (v->is_string() && v->get_string() == StringField(record, field));
    };
    return matches(s256, "x5tS256") && matches(sha1, "x5t");
  }
  const boost::json::value* kid = header.if_contains("kid");
  if (kid == nullptr || !kid->is_string() || kid->get_string().empty()) return false;
  const std::string k(kid->get_string());
  return k == StringField(record, "keyId") || k == StringField(record, "x5t") ||
         k == StringField(record, "x5tS256") ||
         absl::EqualsIgnoreCase(k, StringField(record, "thumbprint")) ||
         absl::EqualsIgnoreCase(k, StringField(record, "thumbprintSha256"));
}

}  // namespace

std::vector<std::string> SealedCredentialKinds() {
  return {std::string(kPassword), std::string(kTotp), std::string(kRecovery)};
}

AccountService::AccountService(CredentialStore& store, const Engine& engine, const Clock& clock,
                               AccountOptions options)
    : store_(store), engine_(engine), clock_(clock), options_(std::move(options)) {}

std::optional<Principal> AccountService::FindUser(std::string_view login) const {
  const std::string wanted = NormaliseLogin(login);
  std::optional<Principal> found;
  engine_.Read([&](const State& state) {
    if (const Principal* p = state.FindPrincipal(wanted); p != nullptr) {
      found = *p;
      return;
    }
    for (const auto& [id, p] : state.principals()) {
      if (!p.mail.empty() && absl::AsciiStrToLower(p.mail) == wanted) {
        found = p;
        return;
      }
    }
  });
  if (found && (found->kind != PrincipalKind::kUser || !found->enabled)) return std::nullopt;
  return found;
}

absl::Mutex& AccountService::AttemptLock(std::string_view account) const {
  return attempt_locks_[absl::Hash<std::string_view>{}(account) % attempt_locks_.size()];
}

absl::Status AccountService::CheckNotLocked(std::string_view login, std::string_view address,
                                            bool per_account) {
  const absl::Time now = clock_.Now();
  {
    absl::MutexLock lock(&address_mu_);
    auto it = address_failures_.find(std::string(address));
    if (it != address_failures_.end() && now - it->second.window_start < options_.address_window &&
        it->second.count >= options_.address_failure_budget) {
      return Error(absl::StatusCode::kResourceExhausted, kAccountLocked,
                   "Too many failed sign-ins from this address; try again later.");
    }
  }
  if (!per_account) return absl::OkStatus();
  PIM_ASSIGN_OR_RETURN(std::optional<std::string> record,
                       store_.Get(kFailures, NormaliseLogin(login)));
  if (!record) return absl::OkStatus();
  const auto o = ParseRecord(*record);
  if (!o) return Internal("sign-in failures");
  if (now < FromUnixNanos(*o, "lockedUntil")) {
    return Error(absl::StatusCode::kResourceExhausted, kAccountLocked,
                 "Too many failed sign-ins for this account; try again later.");
  }
  return absl::OkStatus();
}

void AccountService::PruneAddresses(absl::Time now) {
  // Refused addresses are kept: dropping them would let failures from many fresh addresses
  // (cheap with IPv6) lift a refusal. Only if those alone overflow is everything forgotten.
  absl::erase_if(address_failures_, [&](const auto& entry) {
    const AddressFailures& f = entry.second;
    return now - f.window_start >= options_.address_window ||
           f.count < options_.address_failure_budget;
  });
  if (address_failures_.size() > options_.max_tracked_addresses) address_failures_.clear();
}

absl::Status AccountService::Fail(std::string_view login, std::string_view address,
                                  std::string_view code, bool per_account) {
  const absl::Time now = clock_.Now();
  {
    absl::MutexLock lock(&address_mu_);
    AddressFailures& f = address_failures_[std::string(address)];
    if (now - f.window_start >= options_.address_window) f = AddressFailures{0, now};
    ++f.count;
    if (address_failures_.size() > options_.max_tracked_addresses) PruneAddresses(now);
  }
  if (!per_account) {
    return Error(absl::StatusCode::kUnauthenticated, kInvalidCredentials, kBadCredentials);
  }
  const std::string key = NormaliseLogin(login);
  int64_t failures = 0;
  if (auto record = store_.Get(kFailures, key); record.ok() && record->has_value()) {
    if (auto o = ParseRecord(**record)) {
      if (const auto* n = o->if_contains("count"); n != nullptr && n->is_int64()) {
        failures = n->as_int64();
      }
    }
  }
  ++failures;
  absl::Time locked_until = absl::InfinitePast();
  if (failures >= options_.failures_before_lockout) {
    const int64_t doublings = std::min<int64_t>(failures - options_.failures_before_lockout, 20);
    locked_until =
        now + std::min(options_.first_lockout * static_cast<double>(int64_t{1} << doublings),
                       options_.max_lockout);
  }
  // The owner is the login itself: failure counters exist for unknown names too.
  store_.Put(kFailures, key, key, Json({{"count", failures}, {"lockedUntil", Nanos(locked_until)}}))
      .IgnoreError();  // losing a counter must not turn a wrong password into a 500
  if (code == kInvalidTotpCode) {
    return Error(absl::StatusCode::kUnauthenticated, kInvalidTotpCode,
                 "The code is incorrect or was already used.");
  }
  return Error(absl::StatusCode::kUnauthenticated, kInvalidCredentials, kBadCredentials);
}

void AccountService::ClearFailures(std::string_view login) {
  store_.Delete(kFailures, NormaliseLogin(login)).IgnoreError();
}

absl::StatusOr<bool> AccountService::CheckSecondFactor(const PrincipalId& user,
                                                       std::string_view code) {
  PIM_ASSIGN_OR_RETURN(std::optional<std::string> totp_text, store_.Get(kTotp, user.str()));
  if (totp_text) {
    const auto totp = ParseRecord(*totp_text);
    if (!totp) return Internal("totp");
    if (BoolField(*totp, "confirmed")) {
      const auto key = identity::Base32Decode(StringField(*totp, "key"));
      if (!key) return Internal("totp key");
      std::optional<int64_t> last;
      if (const auto* l = totp->if_contains("lastStep"); l != nullptr && l->is_int64()) {
        last = l->as_int64();
      }
      if (auto step =
              identity::VerifyTotp(*key, code, clock_.Now(), last, identity::TotpParams{})) {
        boost::json::object next = *totp;
        next["lastStep"] = *step;
        // Compare-and-swap: of two concurrent uses of one code, only one wins.
        return store_.Replace(kTotp, user.str(), *totp_text, Json(next));
      }
    }
  }
  PIM_ASSIGN_OR_RETURN(std::optional<std::string> codes_text, store_.Get(kRecovery, user.str()));
  if (!codes_text) return false;
  boost::system::error_code ec;
  boost::json::value codes = boost::json::parse(*codes_text, ec);
  if (ec || !codes.is_array()) return Internal("recovery codes");
  std::vector<std::string> hashes;
  for (const auto& h : codes.as_array()) hashes.emplace_back(h.is_string() ? h.as_string() : "");
  const std::optional<size_t> match = identity::MatchRecoveryCode(code, hashes);
  if (!match) return false;
  boost::json::array rest;
  for (size_t i = 0; i < hashes.size(); ++i) {
    if (i != *match) rest.emplace_back(hashes[i]);
  }
  return store_.Replace(kRecovery, user.str(), *codes_text, boost::json::serialize(rest));
}

absl::StatusOr<SignInResult> AccountService::SignIn(std::string_view login,
                                                    std::string_view password,
                                                    std::string_view second_factor,
                                                    std::string_view source_address) {
  return SignIn(login, password, second_factor, source_address, nullptr);
}

absl::StatusOr<SignInResult> AccountService::SignIn(
    std::string_view login, std::string_view password, std::string_view second_factor,
    std::string_view source_address,
    const std::function<absl::Status(const Principal&)>& before_second_factor) {
  const std::optional<Principal> user = FindUser(login);
  // Failures count per account, whichever of its names was typed (mail in any case, object
  // id), so that switching names buys no extra guesses; unknown names count per name too (so
  // that lockouts do not tell which names exist), kept as a digest: a fixed-size row, however
  // long the name.
  const std::string counter =
      user ? user->id.str() : absl::StrCat("unknown:", identity::Sha256Hex(NormaliseLogin(login)));
  absl::MutexLock attempt(&AttemptLock(counter));
  PIM_RETURN_IF_ERROR(CheckNotLocked(counter, source_address));
  std::optional<std::string> record;
  if (user) {
    PIM_ASSIGN_OR_RETURN(record, store_.Get(kPassword, user->id.str()));
  }
  const auto password_record = record ? ParseRecord(*record) : std::nullopt;
  if (!password_record) {
    identity::VerifyAgainstDummy(password, options_.hash_params);
    return Fail(counter, source_address, kInvalidCredentials);
  }
  if (!identity::VerifyPassword(StringField(*password_record, "hash"), password)) {
    return Fail(counter, source_address, kInvalidCredentials);
  }
  SignInResult result;
  result.principal = user->id;
  result.auth_time = clock_.Now();
  result.amr = {"pwd"};
  result.must_change_password = BoolField(*password_record, "mustChange");
  PIM_ASSIGN_OR_RETURN(const bool has_totp, HasTotp(user->id));
  result.must_enrol_totp = !has_totp && BoolField(*password_record, "requireTotp");
  // Checks of what the caller wants to do run before a one-time code is spent on it.
  if (before_second_factor) PIM_RETURN_IF_ERROR(before_second_factor(*user));
  if (has_totp) {
    if (second_factor.empty()) {
      return Error(absl::StatusCode::kUnauthenticated, kSecondFactorRequired,
                   "This account needs its authenticator code.");
    }
    PIM_ASSIGN_OR_RETURN(const bool ok, CheckSecondFactor(user->id, second_factor));
    if (!ok) return Fail(counter, source_address, kInvalidCredentials);
    result.amr = {"pwd", "mfa", "otp"};
  }
  ClearFailures(counter);
  if (identity::NeedsRehash(StringField(*password_record, "hash"), options_.hash_params)) {
    if (auto rehash = identity::HashPassword(password, options_.hash_params); rehash.ok()) {
      boost::json::object next = *password_record;
      next["hash"] = *rehash;
      store_.Replace(kPassword, user->id.str(), *record, Json(next)).IgnoreError();
    }
  }
  return result;
}

absl::Status AccountService::ChangePassword(std::string_view login,
                                            std::string_view current_password,
                                            std::string_view second_factor,
                                            std::string_view new_password,
                                            std::string_view source_address) {
  // The new password is checked once the current one is known to be right, and before the
  // second factor is spent: a refused change must not cost a recovery code.
  const auto acceptable = [&](const Principal& user) -> absl::Status {
    if (new_password == current_password) {
      return Error(absl::StatusCode::kInvalidArgument, identity::kPasswordPolicyViolation,
                   "The new password must differ from the current one.");
    }
    return CheckNewPassword(user, new_password);
  };
  PIM_ASSIGN_OR_RETURN(SignInResult who,
                       SignIn(login, current_password, second_factor, source_address, acceptable));
  return SetPassword(who.principal, new_password, /*force_change=*/false);
}

absl::Status AccountService::ReplacePassword(const PrincipalId& user, std::string_view password) {
  const std::optional<Principal> principal = FindUser(user.str());
  if (!principal) return Error(absl::StatusCode::kNotFound, "UserNotFound", "No such user.");
  PIM_RETURN_IF_ERROR(CheckNewPassword(*principal, password));
  PIM_ASSIGN_OR_RETURN(std::optional<std::string> text, store_.Get(kPassword, user.str()));
  if (text) {
    if (auto old = ParseRecord(*text);
        old && identity::VerifyPassword(StringField(*old, "hash"), password)) {
      return Error(absl::StatusCode::kInvalidArgument, identity::kPasswordPolicyViolation,
                   "The new password must differ from the current one.");
    }
  }
  return SetPassword(user, password, /*force_change=*/false);
}

absl::StatusOr<bool> AccountService::HasTotp(const PrincipalId& user) {
  PIM_ASSIGN_OR_RETURN(std::optional<std::string> text, store_.Get(kTotp, user.str()));
  if (!text) return false;
  const auto o = ParseRecord(*text);
  if (!o) return Internal("totp");
  return BoolField(*o, "confirmed");
}

absl::StatusOr<TotpEnrolment> AccountService::BeginTotpEnrolment(const PrincipalId& user) {
  PIM_ASSIGN_OR_RETURN(const bool enrolled, HasTotp(user));
  if (enrolled) {
    return Error(absl::StatusCode::kFailedPrecondition, "TotpAlreadyEnrolled",
                 "An authenticator is already enrolled for this account.");
  }
  std::optional<Principal> principal = FindUser(user.str());
  if (!principal) return Error(absl::StatusCode::kNotFound, "UserNotFound", "No such user.");
  const std::string key = identity::NewTotpKey();
  TotpEnrolment out;
  out.secret = identity::Base32Encode(key);
  const std::string account = principal->mail.empty() ? principal->id.str() : principal->mail;
  out.otpauth_uri =
      identity::OtpauthUri(options_.totp_issuer, account, key, identity::TotpParams{});
  PIM_ASSIGN_OR_RETURN(out.qr_svg, identity::QrCodeSvg(out.otpauth_uri));
  PIM_RETURN_IF_ERROR(
      store_.Put(kTotp, user.str(), user.str(), Json({{"key", out.secret}, {"confirmed", false}})));
  return out;
}

absl::StatusOr<std::vector<std::string>> AccountService::ConfirmTotpEnrolment(
    const PrincipalId& user, std::string_view code) {
  PIM_ASSIGN_OR_RETURN(std::optional<std::string> text, store_.Get(kTotp, user.str()));
  const auto pending = text ? ParseRecord(*text) : std::nullopt;
  if (!pending || BoolField(*pending, "confirmed")) {
    return Error(absl::StatusCode::kFailedPrecondition, "NoPendingTotpEnrolment",
                 "Start an enrolment first.");
  }
  const auto key = identity::Base32Decode(StringField(*pending, "key"));
  if (!key) return Internal("totp key");
  const auto step =
      identity::VerifyTotp(*key, code, clock_.Now(), std::nullopt, identity::TotpParams{});
  if (!step) {
    return Error(absl::StatusCode::kInvalidArgument, kInvalidTotpCode,
                 "The code does not match; check the authenticator's clock and try again.");
  }
  std::vector<std::string> codes = identity::NewRecoveryCodes(options_.recovery_code_count);
  boost::json::array hashes;
  for (const auto& c : codes) hashes.emplace_back(identity::HashRecoveryCode(c));
  PIM_RETURN_IF_ERROR(
      store_.Put(kRecovery, user.str(), user.str(), boost::json::serialize(hashes)));
  boost::json::object confirmed = *pending;
  confirmed["confirmed"] = true;
  confirmed["lastStep"] = *step;
  PIM_ASSIGN_OR_RETURN(const bool won, store_.Replace(kTotp, user.str(), *text, Json(confirmed)));
  if (!won) {
    return Error(absl::StatusCode::kAborted, "ConcurrentEnrolment",
                 "The enrolment changed meanwhile; start again.");
  }
  return codes;
}

absl::StatusOr<absl::Time> AccountService::VerifySecondFactor(const PrincipalId& user,
                                                              std::string_view code,
                                                              std::string_view source_address) {
  absl::MutexLock attempt(&AttemptLock(user.str()));
  PIM_RETURN_IF_ERROR(CheckNotLocked(user.str(), source_address));
  PIM_ASSIGN_OR_RETURN(const bool ok, CheckSecondFactor(user, code));
  if (!ok) return Fail(user.str(), source_address, kInvalidTotpCode);
  return clock_.Now();
}

absl::Status AccountService::RequireTotpEnrolment(const PrincipalId& user) {
  PIM_ASSIGN_OR_RETURN(std::optional<std::string> text, store_.Get(kPassword, user.str()));
  const auto record = text ? ParseRecord(*text) : std::nullopt;
  if (!record) {
    return Error(absl::StatusCode::kFailedPrecondition, "NoPassword",
                 "The account has no password yet.");
  }
  boost::json::object next = *record;
  next["requireTotp"] = true;
  return store_.Put(kPassword, user.str(), user.str(), Json(next));
}

absl::Status AccountService::CheckNewPassword(const Principal& user,
                                              std::string_view password) const {
  return identity::CheckPasswordPolicy(password, PersonalWords(user));
}

absl::Status AccountService::SetPassword(const PrincipalId& user, std::string_view password,
                                         bool force_change) {
  PIM_ASSIGN_OR_RETURN(std::string hash, identity::HashPassword(password, options_.hash_params));
  // Every session ends first: should the write below fail, the old password still works but
  // no refresh token issued before this call does.
  PIM_RETURN_IF_ERROR(TokenService::RevokeAllIn(store_, user));
  bool require_totp = false;
  if (auto text = store_.Get(kPassword, user.str()); text.ok() && text->has_value()) {
    if (auto old = ParseRecord(**text)) require_totp = BoolField(*old, "requireTotp");
  }
  return store_.Put(kPassword, user.str(), user.str(),
                    Json({{"hash", hash},
                          {"mustChange", force_change},
                          {"requireTotp", require_totp},
                          {"changedAt", Nanos(clock_.Now())}}));
}

absl::Status AccountService::ForgetPrincipal(const PrincipalId& id) {
  return store_.ForgetOwner(id.str());
}

absl::StatusOr<NewClientSecret> AccountService::AddClientSecret(const PrincipalId& sp,
                                                                absl::Duration lifetime) {
  if (!IsServicePrincipal(sp.str(), /*any_state=*/true)) {
    return Error(absl::StatusCode::kNotFound, "ServicePrincipalNotFound",
                 "No such service principal.");
  }
  if (lifetime <= absl::ZeroDuration() || lifetime > absl::Hours(24 * 365 * 2)) {
    return Error(absl::StatusCode::kInvalidArgument, "InvalidSecretLifetime",
                 "A secret lives between one second and two years.");
  }
  NewClientSecret out;
  out.key_id = identity::Base32Encode(identity::RandomBytes(10));
  out.secret_text = identity::Base32Encode(identity::RandomBytes(30));
  out.hint = out.secret_text.substr(0, 3);
  out.expires = clock_.Now() + lifetime;
  PIM_RETURN_IF_ERROR(store_.Put(kClientSecret, out.key_id, sp.str(),
                                 Json({{"hash", identity::Sha256Hex(out.secret_text)},
                                       {"hint", out.hint},
                                       {"expires", Nanos(out.expires)}})));
  return out;
}

absl::StatusOr<std::vector<NewClientSecret>> AccountService::ListClientSecrets(
    const PrincipalId& sp) {
  PIM_ASSIGN_OR_RETURN(auto secrets, store_.List(kClientSecret, sp.str()));
  std::vector<NewClientSecret> out;
  for (const auto& [key, value] : secrets) {
    const auto o = ParseRecord(value);
    if (!o) return Internal("client secret");
    out.push_back(NewClientSecret{key, "", StringField(*o, "hint"), FromUnixNanos(*o, "expires")});
  }
  return out;
}

absl::Status AccountService::RemoveClientSecret(const PrincipalId& sp, std::string_view key_id) {
  PIM_ASSIGN_OR_RETURN(auto secrets, store_.List(kClientSecret, sp.str()));
  for (const auto& [key, value] : secrets) {
    if (key == key_id) return store_.Delete(kClientSecret, key);
  }
  return Error(absl::StatusCode::kNotFound, "SecretNotFound", "No such secret.");
}

absl::StatusOr<PrincipalId> AccountService::VerifyClientSecret(std::string_view client_id,
                                                               std::string_view secret,
                                                               std::string_view source_address) {
  // A client secret is random (over 150 bits): counting failures per client protects nothing
  // and would let anyone lock a service principal out. Failures count per address only.
  PIM_RETURN_IF_ERROR(CheckNotLocked(client_id, source_address, /*per_account=*/false));
  const std::string id = NormaliseLogin(client_id);
  bool match = false;
  if (IsServicePrincipal(id, /*any_state=*/false)) {
    PIM_ASSIGN_OR_RETURN(auto secrets, store_.List(kClientSecret, id));
    const std::string digest = identity::Sha256Hex(secret);
    for (const auto& [key, value] : secrets) {
      const auto o = ParseRecord(value);
      if (!o) continue;
      // Every stored secret is compared, so timing does not tell which one matched.
      const bool same = identity::ConstantTimeEquals(StringField(*o, "hash"), digest);
      match = (same && clock_.Now() < FromUnixNanos(*o, "expires")) || match;
    }
  }
  if (!match) return Fail(client_id, source_address, kInvalidCredentials, /*per_account=*/false);
  return PrincipalId(id);
}

bool AccountService::IsServicePrincipal(const std::string& id, bool any_state) const {
  bool is_sp = false;
  engine_.Read([&](const State& state) {
    const Principal* p = state.FindPrincipal(id);
    is_sp =
        p != nullptr && p->kind == PrincipalKind::kServicePrincipal && (any_state || p->enabled);
  });
  return is_sp;
}

absl::StatusOr<std::string> AccountService::AddClientKey(const PrincipalId& sp,
                                                         std::string_view jwk_json) {
  if (!IsServicePrincipal(sp.str(), /*any_state=*/true)) {
    return Error(absl::StatusCode::kNotFound, "ServicePrincipalNotFound",
                 "No such service principal.");
  }
  const auto jwk =
      jwk_json.size() <= std::size_t{16} * 1024 ? ParseRecord(std::string(jwk_json)) : std::nullopt;
  if (!jwk) {
    return Error(absl::StatusCode::kInvalidArgument, "InvalidKey", "The key must be a JWK object.");
  }
  if (jwk->contains("d") || jwk->contains("p") || jwk->contains("k")) {
    return Error(absl::StatusCode::kInvalidArgument, "InvalidKey",
                 "Send the public key only; never a private or symmetric key.");
  }
  auto key = identity::VerificationKey::FromJwk(*jwk);
  if (!key.ok()) {
    return Error(absl::StatusCode::kInvalidArgument, "InvalidKey",
                 std::string(key.status().message()));
  }
  std::string kid =
      key->kid().empty() ? identity::Base32Encode(identity::RandomBytes(10)) : key->kid();
  if (kid.size() > 128 || kid.find('/') != std::string::npos) {
    return Error(absl::StatusCode::kInvalidArgument, "InvalidKey",
                 "The kid is too long or has '/'.");
  }
  boost::json::object stored = *jwk;
  stored["kid"] = kid;
  PIM_RETURN_IF_ERROR(store_.Put(kClientKey, sp.str() + "/" + kid, sp.str(), Json(stored)));
  return kid;
}

absl::StatusOr<ClientKeyInfo> AccountService::AddClientCertificate(const PrincipalId& sp,
                                                                   std::string_view certificate,
                                                                   std::string_view display_name) {
  if (!IsServicePrincipal(sp.str(), /*any_state=*/true)) {
    return Error(absl::StatusCode::kNotFound, "ServicePrincipalNotFound",
                 "No such service principal.");
  }
  if (display_name.size() > 256) {
    return Error(absl::StatusCode::kInvalidArgument, "InvalidKey",
                 "The display name has more than 256 characters.");
  }
  absl::StatusOr<identity::X509Certificate> cert = identity::X509Certificate::Parse(certificate);
  if (!cert.ok()) {
    return Error(absl::StatusCode::kInvalidArgument, "InvalidKey",
                 std::string(cert.status().message()));
  }
  const absl::Time now = clock_.Now();
  if (cert->not_after() < now) {
    return Error(
        absl::StatusCode::kInvalidArgument, kCertificateExpired,
        absl::StrCat("The certificate expired at ",
                     absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", cert->not_after(), absl::UTCTimeZone()),
                     "; upload a current one."));
  }
  PIM_ASSIGN_OR_RETURN(auto existing, store_.List(kClientKey, sp.str()));
  for (const auto& [key, value] : existing) {
    const auto o = ParseRecord(value);
    if (o && StringField(*o, "x5tS256") == cert->x5t_s256()) {
      return Error(absl::StatusCode::kAlreadyExists, "KeyCredentialExists",
                   "This certificate is already registered for the service principal.");
    }
  }
  ClientKeyInfo out;
  out.key_id = NewKeyId();
  out.type = kCertificateCredentialType;
  out.display_name = display_name.empty() ? cert->subject() : std::string(display_name);
  out.alg = cert->alg();
  out.subject = cert->subject();
  out.thumbprint = cert->Sha1Hex();
  out.thumbprint_sha256 = cert->Sha256Hex();
  out.start = cert->not_before();
  out.end = cert->not_after();
  PIM_RETURN_IF_ERROR(store_.Put(kClientKey, sp.str() + "/" + out.key_id, sp.str(),
                                 Json({{"type", out.type},
                                       {"keyId", out.key_id},
                                       {"displayName", out.display_name},
                                       {"certificate", cert->Base64Der()},
                                       {"alg", out.alg},
                                       {"subject", out.subject},
                                       {"thumbprint", out.thumbprint},
                                       {"thumbprintSha256", out.thumbprint_sha256},
                                       {"x5t", cert->x5t()},
                                       {"x5tS256", cert->x5t_s256()},
                                       {"notBefore", Nanos(out.start)},
                                       {"notAfter", Nanos(out.end)},
                                       {"added", Nanos(now)}})));
  return out;
}

absl::StatusOr<std::vector<ClientKeyInfo>> AccountService::ListClientKeys(const PrincipalId& sp) {
  PIM_ASSIGN_OR_RETURN(auto stored, store_.List(kClientKey, sp.str()));
  std::vector<ClientKeyInfo> out;
  for (const auto& [key, value] : stored) {
    const auto o = ParseRecord(value);
    if (!o) return Internal("client key");
    ClientKeyInfo info;
    info.key_id = key.substr(key.find('/') + 1);
    if (StringField(*o, "type") == kCertificateCredentialType) {
      info.type = kCertificateCredentialType;
      info.display_name = StringField(*o, "displayName");
      info.subject = StringField(*o, "subject");
      info.thumbprint = StringField(*o, "thumbprint");
      info.thumbprint_sha256 = StringField(*o, "thumbprintSha256");
      info.start = FromUnixNanos(*o, "notBefore");
      info.end = FromUnixNanos(*o, "notAfter");
      info.alg = StringField(*o, "alg");
    } else {
      info.type = kJwkCredentialType;
      if (auto jwk = identity::VerificationKey::FromJwk(*o); jwk.ok()) info.alg = jwk->alg();
    }
    out.push_back(std::move(info));
  }
  return out;
}

absl::StatusOr<api::KeyCredentialInfo> AccountService::AddCertificateCredential(
    const PrincipalId& sp, std::string_view certificate, std::string_view display_name) {
  PIM_ASSIGN_OR_RETURN(ClientKeyInfo added, AddClientCertificate(sp, certificate, display_name));
  return api::KeyCredentialInfo{added.key_id, added.display_name, added.thumbprint, added.start,
                                added.end};
}

absl::Status AccountService::RemoveKeyCredential(const PrincipalId& sp, std::string_view key_id) {
  return RemoveClientKey(sp, key_id);
}

absl::Status AccountService::RemoveClientKey(const PrincipalId& sp, std::string_view key_id) {
  const std::string key = sp.str() + "/" + std::string(key_id);
  PIM_ASSIGN_OR_RETURN(std::optional<std::string> existing, store_.Get(kClientKey, key));
  if (!existing) return Error(absl::StatusCode::kNotFound, "KeyNotFound", "No such key.");
  return store_.Delete(kClientKey, key);
}

absl::StatusOr<PrincipalId> AccountService::VerifyClientAssertion(
    std::string_view client_id, std::string_view assertion, std::vector<std::string> audiences,
    std::string_view source_address) {
  // A signature cannot be guessed: as for client secrets, failures count per address only.
  PIM_RETURN_IF_ERROR(CheckNotLocked(client_id, source_address, /*per_account=*/false));
  const std::string id = NormaliseLogin(client_id);
  const std::optional<boost::json::object> header = JoseHeader(assertion);
  // A header with a thumbprint names a certificate: only that certificate may have signed it.
  const bool names_certificate =
      header && (header->contains("x5t") || header->contains("x5t#S256"));
  std::vector<identity::VerificationKey> keys;
  std::optional<identity::X509Certificate> certificate;
  if (header && IsServicePrincipal(id, /*any_state=*/false)) {
    PIM_ASSIGN_OR_RETURN(auto stored, store_.List(kClientKey, id));
    for (const auto& [k, value] : stored) {
      const auto record = ParseRecord(value);
      if (!record) continue;
      if (StringField(*record, "type") == kCertificateCredentialType) {
        if (certificate || !CertificateNamed(*record, *header)) continue;
        if (auto cert = identity::X509Certificate::Parse(StringField(*record, "certificate"));
            cert.ok()) {
          certificate = std::move(*cert);
        }
      } else if (!names_certificate) {
        if (auto key = identity::VerificationKey::FromJwk(*record); key.ok()) {
          keys.push_back(std::move(*key));
        }
      }
    }
  }
  if (certificate) {
    // The key takes the header's kid (if any) so that the JWT check selects it.
    const boost::json::value* kid = header->if_contains("kid");
    keys = certificate->PublicKeys(
        kid != nullptr && kid->is_string() ? std::string(kid->get_string()) : std::string());
  }
  identity::JwtExpectations expect;
  expect.issuer = id;
  expect.audiences = std::move(audiences);
  expect.max_lifetime = absl::Minutes(10);
  const absl::Time now = clock_.Now();
  auto claims = keys.empty() ? absl::StatusOr<boost::json::object>(absl::UnauthenticatedError(""))
                             : identity::DecodeAndVerifyJwt(assertion, keys, expect, now);
  if (!claims.ok() || StringField(*claims, "sub") != id) {
    return Fail(client_id, source_address, kInvalidCredentials, /*per_account=*/false);
  }
  if (certificate && !certificate->ValidAt(now)) {
    // Only the holder of the certificate's private key gets this far: telling it why helps it
    // renew, and tells nobody else anything.
    Fail(client_id, source_address, kInvalidCredentials, /*per_account=*/false).IgnoreError();
    const bool expired = now > certificate->not_after();
    const std::string when = absl::FormatTime(
        "%Y-%m-%dT%H:%M:%SZ", expired ? certificate->not_after() : certificate->not_before(),
        absl::UTCTimeZone());
    return Error(absl::StatusCode::kUnauthenticated,
                 expired ? kCertificateExpired : kCertificateNotYetValid,
                 absl::StrCat("The certificate with thumbprint ", certificate->Sha1Hex(),
                              expired ? " expired at " : " is not valid before ", when, "."));
  }
  const std::string jti = StringField(*claims, "jti");
  if (jti.empty() || jti.size() > 256)
    return Fail(client_id, source_address, kInvalidCredentials, /*per_account=*/false);
  // Each assertion works once: remember its jti until it has expired (pruned as we go). One
  // client's assertions are redeemed one at a time, so two requests racing with the same one
  // cannot both find it unused.
  absl::MutexLock redeeming(&AttemptLock(id));
  PIM_ASSIGN_OR_RETURN(auto seen, store_.List(kAssertionId, id));
  std::string jti_key = id;
  jti_key.append("/").append(jti);
  for (const auto& [k, value] : seen) {
    if (k == jti_key)
      return Fail(client_id, source_address, kInvalidCredentials, /*per_account=*/false);
    if (const auto o = ParseRecord(value); !o || FromUnixNanos(*o, "expires") < now) {
      store_.Delete(kAssertionId, k).IgnoreError();
    }
  }
  PIM_RETURN_IF_ERROR(
      store_.Put(kAssertionId, jti_key, id, Json({{"expires", Nanos(now + absl::Minutes(12))}})));
  return PrincipalId(id);
}

}  // namespace pim::accounts
