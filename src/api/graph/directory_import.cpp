#include "api/graph/directory_import.h"

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "api/common/json_body.h"
#include "api/common/utf8.h"
#include "api/graph/directory_csv.h"
#include "api/graph/directory_wire.h"
#include "api/graph/graph_wire.h"
#include "pim/api/api_error.h"
#include "pim/domain/ids.h"
#include "pim/domain/status.h"

namespace pim::api {
namespace {

namespace json = boost::json;
using graph::BodyMode;
using graph::CsvRecord;

// A row may name at most this many members, owners or groups to join.
constexpr std::size_t kMaxReferencesPerRow = 1000;
// How often a row is re-read and retried when its object changed between read and write.
constexpr int kRowAttempts = 3;

using json_body::A;
std::string Lower(std::string_view s) { return absl::AsciiStrToLower(A(s)); }
std::string_view Trim(std::string_view s) {
  const absl::string_view t = absl::StripAsciiWhitespace(A(s));
  return {t.data(), t.size()};
}

absl::Status Bad(std::string_view message) {
  return Error(absl::StatusCode::kInvalidArgument, code::kBadRequest, message);
}

// Row errors are reported in pim's vocabulary: the Graph directory readers' Request_BadRequest
// is the generic BadRequest here.
absl::Status ForReport(const absl::Status& s) {
  if (ErrorCodeOf(s) == graph::kDirectoryBadRequest) {
    return Bad(std::string_view(s.message().data(), s.message().size()));
  }
  return s;
}

enum class RowStatus { kCreated, kUpdated, kUnchanged, kRejected };

// One row as read from the document: what the object should be, or why it cannot be read.
struct Row {
  std::size_t number = 0;
  PrincipalKind kind = PrincipalKind::kUser;
  absl::Status invalid;  // not OK: the row is rejected without being applied
  std::optional<std::string> id;
  std::string display_name;
  std::string user_principal_name;               // users
  std::optional<bool> account_enabled;           // users
  std::optional<bool> is_assignable_to_role;     // groups
  std::optional<graph::PasswordInput> password;  // users being created
  std::vector<std::string> members;              // groups: ids or userPrincipalNames
  std::vector<std::string> owners;               // groups: ids or userPrincipalNames
  std::vector<std::string> member_of;            // groups to join: ids or displayNames
};

struct Outcome {
  std::size_t row = 0;
  RowStatus status = RowStatus::kRejected;
  std::string id;
  absl::Status error;
};

Row Invalid(std::size_t number, PrincipalKind kind, const absl::Status& why) {
  Row row;
  row.number = number;
  row.kind = kind;
  row.invalid = ForReport(why);
  return row;
}

// ---- JSON ----

absl::StatusOr<std::vector<std::string>> ReadReferences(const json::object& o,
                                                        std::string_view key) {
  std::vector<std::string> out;
  const json::value* v = o.if_contains(json::string_view(key.data(), key.size()));
  if (v == nullptr || v->is_null()) return out;
  const json::array* items = v->if_array();
  const auto bad = [&] {
    return Bad(absl::StrCat("'", A(key), "' must be an array of ids or userPrincipalNames."));
  };
  if (items == nullptr) return bad();
  if (items->size() > kMaxReferencesPerRow) {
    return Bad(absl::StrCat("A row may name at most ", kMaxReferencesPerRow, " ", A(key), "."));
  }
  for (const json::value& item : *items) {
    if (!item.is_string() || item.get_string().empty()) return bad();
    out.emplace_back(item.get_string().data(), item.get_string().size());
  }
  return out;
}

Row UserRow(const json::value& v, std::size_t number) {
  const json::object* o = v.if_object();
  if (o == nullptr) return Invalid(number, PrincipalKind::kUser, Bad("A user must be an object."));
  absl::StatusOr<graph::UserInput> in = graph::ReadUserBody(*o, BodyMode::kCreate);
  if (!in.ok()) return Invalid(number, PrincipalKind::kUser, in.status());
  Row row;
  row.number = number;
  row.kind = PrincipalKind::kUser;
  row.id = in->id;
  row.display_name = in->display_name.value_or("");
  row.user_principal_name = in->user_principal_name.value_or("");
  row.account_enabled = in->account_enabled;
  row.password = std::move(in->password);
  return row;
}

Row GroupRow(const json::value& v, std::size_t number) {
  const json::object* o = v.if_object();
  if (o == nullptr)
    return Invalid(number, PrincipalKind::kGroup, Bad("A group must be an object."));
  absl::StatusOr<graph::GroupInput> in =
      graph::ReadGroupBody(*o, BodyMode::kCreate, {"members", "owners"});
  if (!in.ok()) return Invalid(number, PrincipalKind::kGroup, in.status());
  absl::StatusOr<std::vector<std::string>> members = ReadReferences(*o, "members");
  if (!members.ok()) return Invalid(number, PrincipalKind::kGroup, members.status());
  absl::StatusOr<std::vector<std::string>> owners = ReadReferences(*o, "owners");
  if (!owners.ok()) return Invalid(number, PrincipalKind::kGroup, owners.status());
  Row row;
  row.number = number;
  row.kind = PrincipalKind::kGroup;
  row.id = in->id;
  row.display_name = in->display_name.value_or("");
  row.is_assignable_to_role = in->is_assignable_to_role;
  row.members = std::move(*members);
  row.members.insert(row.members.end(), in->member_ids.begin(), in->member_ids.end());
  row.owners = std::move(*owners);
  row.owners.insert(row.owners.end(), in->owner_ids.begin(), in->owner_ids.end());
  return row;
}

absl::StatusOr<std::vector<Row>> RowsFromJson(std::string_view body, std::size_t max_rows) {
  PIM_ASSIGN_OR_RETURN(const json::object doc, graph::ParseObjectBody(body));
  const json::array kNone;
  const json::array* users = &kNone;
  const json::array* groups = &kNone;
  for (const auto& kv : doc) {
    const std::string_view key(kv.key().data(), kv.key().size());
    const json::array* items = kv.value().if_array();
    if (key != "users" && key != "groups") {
      return Bad(absl::StrCat("Unknown property ", json_body::Quote(key),
                              "; an import has 'users' and 'groups'."));
    }
    if (items == nullptr) {
      return Bad(absl::StrCat("'", A(key), "' must be an array."));
    }
    (key == "users" ? users : groups) = items;
  }
  if (users->size() + groups->size() > max_rows) {
    return Bad(absl::StrCat("An import has at most ", max_rows, " rows."));
  }
  std::vector<Row> rows;
  rows.reserve(users->size() + groups->size());
  for (const json::value& v : *users) rows.push_back(UserRow(v, rows.size() + 1));
  for (const json::value& v : *groups) rows.push_back(GroupRow(v, rows.size() + 1));
  return rows;
}

// ---- CSV ----

constexpr std::array<std::string_view, 7> kColumns = {
    "kind",    "id", "displayName", "userPrincipalName", "accountEnabled", "isAssignableToRole",
    "memberOf"};
enum Column : std::size_t {
  kKind,
  kId,
  kDisplayName,
  kUserPrincipalName,
  kAccountEnabled,
  kIsAssignableToRole,
  kMemberOf
};

struct Header {
  std::array<std::optional<std::size_t>, kColumns.size()> index;
  std::size_t count = 0;
};

absl::StatusOr<Header> ReadHeader(const CsvRecord& record) {
  Header header;
  header.count = record.fields.size();
  for (std::size_t i = 0; i < record.fields.size(); ++i) {
    const std::string_view name = Trim(record.fields[i]);
    const auto* it = std::find_if(kColumns.begin(), kColumns.end(), [&](std::string_view c) {
      return absl::EqualsIgnoreCase(A(c), A(name));
    });
    if (it == kColumns.end()) {
      return Bad(absl::StrCat("Unknown CSV column ", json_body::Quote(name),
                              "; the columns are kind, id, displayName, userPrincipalName, "
                              "accountEnabled, isAssignableToRole and memberOf."));
    }
    auto& slot = header.index[static_cast<std::size_t>(it - kColumns.begin())];
    if (slot.has_value()) return Bad(absl::StrCat("The CSV column '", A(*it), "' appears twice."));
    slot = i;
  }
  if (!header.index[kKind].has_value() || !header.index[kDisplayName].has_value()) {
    return Bad("A CSV import needs the columns 'kind' and 'displayName'.");
  }
  return header;
}

absl::StatusOr<std::optional<bool>> CsvBool(std::string_view text, std::string_view column) {
  if (text.empty()) return std::optional<bool>();
  if (absl::EqualsIgnoreCase(A(text), "true")) return std::optional<bool>(true);
  if (absl::EqualsIgnoreCase(A(text), "false")) return std::optional<bool>(false);
  return Bad(absl::StrCat("'", A(column), "' must be true, false or empty."));
}

Row CsvRow(const CsvRecord& record, const Header& header, std::size_t number) {
  const PrincipalKind unknown = PrincipalKind::kUser;
  if (record.fields.size() != header.count) {
    return Invalid(number, unknown,
                   Bad(absl::StrCat("The row has ", record.fields.size(),
                                    " fields; the header has ", header.count, ".")));
  }
  const auto get = [&](Column c) -> std::string_view {
    const auto& i = header.index[c];
    return i.has_value() ? Trim(record.fields[*i]) : std::string_view();
  };
  const std::string_view kind = get(kKind);
  const bool is_user = absl::EqualsIgnoreCase(A(kind), "user");
  if (!is_user && !absl::EqualsIgnoreCase(A(kind), "group")) {
    return Invalid(number, unknown, Bad("'kind' must be user or group."));
  }
  const PrincipalKind k = is_user ? PrincipalKind::kUser : PrincipalKind::kGroup;
  const auto enabled = CsvBool(get(kAccountEnabled), "accountEnabled");
  if (!enabled.ok()) return Invalid(number, k, enabled.status());
  const auto assignable = CsvBool(get(kIsAssignableToRole), "isAssignableToRole");
  if (!assignable.ok()) return Invalid(number, k, assignable.status());

  // The same readers as the JSON rows, so both formats follow the same rules.
  json::object o;
  const auto put = [&](std::string_view key, std::string_view value) {
    if (!value.empty()) o[json::string_view(key.data(), key.size())] = json::string(value);
  };
  put("id", get(kId));
  put("displayName", get(kDisplayName));
  Row row;
  if (is_user) {
    if (assignable->value_or(false)) {
      return Invalid(number, k, Bad("Only groups can be role-assignable."));
    }
    put("userPrincipalName", get(kUserPrincipalName));
    if (enabled->has_value()) o["accountEnabled"] = **enabled;
    row = UserRow(json::value(std::move(o)), number);
  } else {
    if (!get(kUserPrincipalName).empty() || enabled->has_value()) {
      return Invalid(number, k,
                     Bad("A group has no userPrincipalName or accountEnabled; leave them empty."));
    }
    if (assignable->has_value()) o["isAssignableToRole"] = **assignable;
    row = GroupRow(json::value(std::move(o)), number);
  }
  if (!row.invalid.ok()) return row;
  for (const absl::string_view part : absl::StrSplit(A(get(kMemberOf)), ';')) {
    const std::string_view group = Trim(std::string_view(part.data(), part.size()));
    if (group.empty()) continue;
    if (row.member_of.size() == kMaxReferencesPerRow) {
      return Invalid(
          number, k,
          Bad(absl::StrCat("A row may join at most ", kMaxReferencesPerRow, " groups.")));
    }
    row.member_of.emplace_back(group);
  }
  return row;
}

absl::StatusOr<std::vector<Row>> RowsFromCsv(std::string_view body, std::size_t max_rows) {
  if (!IsUtf8(body)) return Bad("A CSV import must be UTF-8 text.");
  PIM_ASSIGN_OR_RETURN(const std::vector<CsvRecord> records, graph::ParseCsv(body, max_rows + 1));
  if (records.empty()) return Bad("A CSV import needs a header row.");
  PIM_ASSIGN_OR_RETURN(const Header header, ReadHeader(records.front()));
  std::vector<Row> rows;
  rows.reserve(records.size() - 1);
  for (std::size_t i = 1; i < records.size(); ++i) {
    rows.push_back(CsvRow(records[i], header, i));
  }
  // Groups first, so that users may join groups defined anywhere in the file.
  std::stable_partition(rows.begin(), rows.end(),
                        [](const Row& r) { return r.kind == PrincipalKind::kGroup; });
  return rows;
}

// ---- Applying rows ----

class Importer {
 public:
  Importer(Engine& engine, AccountAdmin* accounts, const Caller& caller)
      : engine_(engine), accounts_(accounts), caller_(caller) {
    engine_.Read([&](const State& state) {
      for (const auto& [id, p] : state.principals()) Remember(p);
    });
  }

  Outcome Apply(const Row& row) {
    Outcome out;
    out.row = row.number;
    if (row.id.has_value()) out.id = *row.id;
    if (!row.invalid.ok()) return Rejected(std::move(out), row.invalid);
    for (int attempt = 1;; ++attempt) {
      absl::StatusOr<std::optional<Principal>> current = Identify(row);
      if (!current.ok()) return Rejected(std::move(out), current.status());
      absl::StatusOr<Principal> written = Write(row, *current, out);
      if (written.status().code() == absl::StatusCode::kAborted && attempt < kRowAttempts) continue;
      if (!written.ok()) return Rejected(std::move(out), written.status());
      if (current->has_value()) Forget(**current);
      Remember(*written);
      return out;
    }
  }

 private:
  static Outcome Rejected(Outcome out, const absl::Status& why) {
    out.status = RowStatus::kRejected;
    out.error = ForReport(why);
    return out;
  }

  std::optional<Principal> Get(const std::string& id) const {
    std::optional<Principal> found;
    engine_.Read([&](const State& state) {
      if (const Principal* p = state.FindPrincipal(id)) found = *p;
    });
    return found;
  }

  // The existing object the row is about, if any.
  absl::StatusOr<std::optional<Principal>> Identify(const Row& row) const {
    if (row.id.has_value()) {
      std::optional<Principal> p = Get(*row.id);
      if (p.has_value() && p->kind != row.kind) {
        return Bad(absl::StrCat("Object ", *row.id, " is a ", A(kPrincipalKindNames.Name(p->kind)),
                                ", not a ", A(kPrincipalKindNames.Name(row.kind)), "."));
      }
      return p;
    }
    if (row.kind == PrincipalKind::kUser) {
      return UserByName(row.user_principal_name);
    }
    PIM_ASSIGN_OR_RETURN(const std::vector<Principal> groups, GroupsNamed(row.display_name));
    if (groups.size() > 1) {
      return Bad(absl::StrCat("Several groups are named ", Quoted(row.display_name),
                              "; name the group by its id."));
    }
    if (groups.empty()) return std::optional<Principal>();
    return std::optional<Principal>(groups.front());
  }

  std::optional<Principal> UserByName(std::string_view upn) const {
    const auto it = user_by_upn_.find(Lower(upn));
    if (it == user_by_upn_.end()) return std::nullopt;
    std::optional<Principal> p = Get(it->second);
    // The index is this import's; another writer may have changed the user since.
    if (!p.has_value() || p->kind != PrincipalKind::kUser ||
        !absl::EqualsIgnoreCase(A(p->mail), A(upn))) {
      return std::nullopt;
    }
    return p;
  }

  absl::StatusOr<std::vector<Principal>> GroupsNamed(std::string_view name) const {
    std::vector<Principal> out;
    const auto it = groups_by_name_.find(Lower(name));
    if (it == groups_by_name_.end()) return out;
    for (const std::string& id : it->second) {
      std::optional<Principal> p = Get(id);
      if (p.has_value() && p->kind == PrincipalKind::kGroup &&
          absl::EqualsIgnoreCase(A(p->display_name), A(name))) {
        out.push_back(std::move(*p));
      }
    }
    return out;
  }

  // A member or owner reference of a group row: an object id, or a user's userPrincipalName.
  absl::StatusOr<PrincipalId> ResolvePrincipal(std::string_view ref) const {
    if (IsGuid(ref)) return PrincipalId(Lower(ref));
    if (ref.find('@') == std::string_view::npos) {
      return Bad(absl::StrCat(Quoted(ref), " is neither an object id nor a userPrincipalName."));
    }
    const std::optional<Principal> user = UserByName(ref);
    if (!user.has_value()) {
      return Error(absl::StatusCode::kNotFound, code::kSubjectNotFound,
                   absl::StrCat("No user has the userPrincipalName ", Quoted(ref), "."));
    }
    return user->id;
  }

  // A memberOf entry: a group id or a group's displayName.
  absl::StatusOr<PrincipalId> ResolveGroup(std::string_view ref) const {
    if (IsGuid(ref)) return PrincipalId(Lower(ref));
    PIM_ASSIGN_OR_RETURN(const std::vector<Principal> groups, GroupsNamed(ref));
    if (groups.empty()) {
      return Error(absl::StatusCode::kNotFound, code::kObjectNotFound,
                   absl::StrCat("No group is named ", Quoted(ref), "."));
    }
    if (groups.size() > 1) {
      return Bad(
          absl::StrCat("Several groups are named ", Quoted(ref), "; name the group by its id."));
    }
    return groups.front().id;
  }

  // Writes the row over `current` (one engine command), setting `out`'s status and id.
  absl::StatusOr<Principal> Write(const Row& row, const std::optional<Principal>& current,
                                  Outcome& out) {
    Principal desired;
    if (current.has_value()) {
      desired = *current;
    } else {
      desired.id = row.id.has_value() ? PrincipalId(*row.id) : engine_.NewPrincipalId();
      desired.kind = row.kind;
    }
    // A rejected row reports an id only when it names an object that exists (or gave one).
    if (current.has_value()) out.id = desired.id.str();
    desired.display_name = row.display_name;
    if (row.kind == PrincipalKind::kUser) {
      desired.mail = row.user_principal_name;
      if (row.account_enabled.has_value()) desired.enabled = *row.account_enabled;
    } else if (row.is_assignable_to_role.has_value()) {
      desired.is_assignable_to_role = *row.is_assignable_to_role;
    }
    Engine::DirectoryWrite write{desired, current, {}};
    for (const auto& [refs, access] : {std::pair{&row.members, GroupAccess::kMember},
                                       std::pair{&row.owners, GroupAccess::kOwner}}) {
      for (const std::string& ref : *refs) {
        PIM_ASSIGN_OR_RETURN(const PrincipalId who, ResolvePrincipal(ref));
        write.memberships.push_back(DirectMembership{desired.id, who, access});
      }
    }
    for (const std::string& ref : row.member_of) {
      PIM_ASSIGN_OR_RETURN(const PrincipalId group, ResolveGroup(ref));
      write.memberships.push_back(DirectMembership{group, desired.id, GroupAccess::kMember});
    }
    // A password is the initial one of a user this row creates; re-importing never resets it.
    const bool set_password = row.password.has_value() && !current.has_value();
    if (set_password) {
      if (accounts_ == nullptr) return Bad("Passwords are not managed by this server.");
      PIM_RETURN_IF_ERROR(accounts_->CheckNewPassword(desired, row.password->password));
    }
    PIM_ASSIGN_OR_RETURN(const Engine::DirectoryOutcome outcome,
                         engine_.WriteDirectoryObject(caller_, write));
    if (set_password) {
      const absl::Status set =
          accounts_->SetPassword(desired.id, row.password->password, row.password->force_change);
      if (!set.ok()) {
        // Nothing of a failed row stays: undo the creation.
        engine_.DeletePrincipal(caller_, desired.id).IgnoreError();
        return set;
      }
    }
    out.id = desired.id.str();
    switch (outcome) {
      case Engine::DirectoryOutcome::kCreated:
        out.status = RowStatus::kCreated;
        break;
      case Engine::DirectoryOutcome::kUpdated:
        out.status = RowStatus::kUpdated;
        break;
      case Engine::DirectoryOutcome::kUnchanged:
        out.status = RowStatus::kUnchanged;
        break;
    }
    desired.pim_managed = current.has_value() && current->pim_managed;
    return desired;
  }

  void Remember(const Principal& p) {
    if (p.kind == PrincipalKind::kUser && !p.mail.empty()) user_by_upn_[Lower(p.mail)] = p.id.str();
    if (p.kind == PrincipalKind::kGroup) {
      groups_by_name_[Lower(p.display_name)].push_back(p.id.str());
    }
  }
  void Forget(const Principal& p) {
    if (p.kind == PrincipalKind::kUser) {
      const auto it = user_by_upn_.find(Lower(p.mail));
      if (it != user_by_upn_.end() && it->second == p.id.str()) user_by_upn_.erase(it);
    }
    if (p.kind == PrincipalKind::kGroup) {
      const auto it = groups_by_name_.find(Lower(p.display_name));
      if (it != groups_by_name_.end()) std::erase(it->second, p.id.str());
    }
  }

  static std::string Quoted(std::string_view text) {
    return absl::StrCat("'", A(text.substr(0, 200)), "'");
  }

  Engine& engine_;
  AccountAdmin* const accounts_;
  const Caller& caller_;
  // Lookups by name, built once and kept current with this import's own writes (every hit is
  // re-read from the engine, so another writer's changes are never trusted blindly).
  absl::flat_hash_map<std::string, std::string> user_by_upn_;  // lower-case UPN -> id
  absl::flat_hash_map<std::string, std::vector<std::string>> groups_by_name_;  // lower-case
};

std::string_view StatusName(RowStatus s) {
  switch (s) {
    case RowStatus::kCreated:
      return "created";
    case RowStatus::kUpdated:
      return "updated";
    case RowStatus::kUnchanged:
      return "unchanged";
    case RowStatus::kRejected:
      return "rejected";
  }
  return "rejected";
}

// A message for the report: never an internal error's text, always valid UTF-8.
std::string ReportMessage(const absl::Status& s) {
  if (HttpStatusFor(s) >= 500 && s.code() != absl::StatusCode::kUnavailable) {
    return "An internal error occurred.";
  }
  return ToValidUtf8(std::string_view(s.message().data(), s.message().size()));
}

}  // namespace

absl::StatusOr<json::object> ImportDirectory(Engine& engine, AccountAdmin* accounts,
                                             const Caller& caller, std::string_view body,
                                             std::string_view content_type,
                                             const ImportLimits& limits) {
  if (body.size() > limits.max_body_bytes) {
    return Bad(absl::StrCat("An import is limited to ", limits.max_body_bytes, " bytes."));
  }
  const std::size_t semicolon = content_type.find(';');
  const std::string media = Lower(Trim(content_type.substr(0, semicolon)));
  std::vector<Row> rows;
  if (media == "application/json") {
    PIM_ASSIGN_OR_RETURN(rows, RowsFromJson(body, limits.max_rows));
  } else if (media == "text/csv") {
    if (semicolon != std::string_view::npos) {
      for (const absl::string_view param :
           absl::StrSplit(A(content_type.substr(semicolon + 1)), ';')) {
        const std::string p = Lower(Trim(std::string_view(param.data(), param.size())));
        if (p.starts_with("charset=") && p != "charset=utf-8" && p != "charset=\"utf-8\"") {
          return Bad("A CSV import must be UTF-8 text.");
        }
      }
    }
    PIM_ASSIGN_OR_RETURN(rows, RowsFromCsv(body, limits.max_rows));
  } else {
    return Bad("An import is application/json or text/csv.");
  }

  Importer importer(engine, accounts, caller);
  std::vector<Outcome> outcomes;
  outcomes.reserve(rows.size());
  for (const Row& row : rows) outcomes.push_back(importer.Apply(row));
  std::sort(outcomes.begin(), outcomes.end(),
            [](const Outcome& a, const Outcome& b) { return a.row < b.row; });

  std::int64_t imported = 0;
  std::int64_t unchanged = 0;
  std::int64_t rejected = 0;
  json::array report_rows;
  report_rows.reserve(outcomes.size());
  for (const Outcome& o : outcomes) {
    json::object r{{"row", static_cast<std::int64_t>(o.row)}, {"status", StatusName(o.status)}};
    if (!o.id.empty()) r["id"] = o.id;
    switch (o.status) {
      case RowStatus::kCreated:
      case RowStatus::kUpdated:
        ++imported;
        break;
      case RowStatus::kUnchanged:
        ++unchanged;
        break;
      case RowStatus::kRejected:
        ++rejected;
        r["code"] = ErrorCodeOf(o.error);
        r["message"] = ReportMessage(o.error);
        break;
    }
    report_rows.emplace_back(std::move(r));
  }
  return json::object{{"imported", imported},
                      {"unchanged", unchanged},
                      {"rejected", rejected},
                      {"rows", std::move(report_rows)}};
}

}  // namespace pim::api
