#include "pim/audit/audit_log.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "boost/json/serialize.hpp"
#include "pim/audit/audit_chain.h"

namespace pim::audit {
namespace {

constexpr std::string_view kFormatName = "pim-audit-export/1";

absl::string_view Av(std::string_view s) { return absl::string_view(s.data(), s.size()); }

bool Matches(const AuditQuery& q, const AuditEntry& e, const AuditLabels& labels) {
  if (!q.actor.empty() && e.actor_id != q.actor &&
      !(!labels.actor_user_principal_name.empty() &&
        absl::EqualsIgnoreCase(Av(labels.actor_user_principal_name), Av(q.actor)))) {
    return false;
  }
  if (!q.target.empty()) {
    const auto is = [&](const std::string& value) {
      return !value.empty() && absl::EqualsIgnoreCase(Av(value), Av(q.target));
    };
    if (!is(e.target.id) && !is(e.target.scope) && !is(e.target.principal_id)) return false;
  }
  if (!q.activity.empty() && !absl::StrContains(absl::AsciiStrToLower(Av(e.activity)),
                                                absl::AsciiStrToLower(Av(q.activity)))) {
    return false;
  }
  return true;
}

std::string JsonString(std::string_view s) {
  return boost::json::serialize(boost::json::value(boost::json::string_view(s.data(), s.size())));
}

std::string EntryLine(const std::string& canonical, const std::string& prev_hash,
                      const std::string& hash, const AuditLabels& l) {
  const boost::json::object labels{{"actorKind", l.actor_kind},
                                   {"actorDisplayName", l.actor_display_name},
                                   {"actorUserPrincipalName", l.actor_user_principal_name},
                                   {"targetDisplayName", l.target_display_name},
                                   {"principalDisplayName", l.principal_display_name},
                                   {"principalUserPrincipalName", l.principal_user_principal_name}};
  return absl::StrCat("{\"type\":\"entry\",\"prevHash\":", JsonString(prev_hash),
                      ",\"hash\":", JsonString(hash), ",\"entry\":", canonical,
                      ",\"labels\":", boost::json::serialize(labels), "}\n");
}

// RFC 4180: a field with a comma, quote, CR or LF is quoted, quotes doubled. A field that a
// spreadsheet would take for a formula (= + - @, tab, CR first) is prefixed with a quote mark.
void AppendCsvField(std::string& out, std::string_view field) {
  std::string value;
  if (!field.empty() && (field[0] == '=' || field[0] == '+' || field[0] == '-' || field[0] == '@' ||
                         field[0] == '\t' || field[0] == '\r')) {
    value.push_back('\'');
  }
  value.append(field);
  if (value.find_first_of(",\"\r\n") == std::string::npos) {
    out += value;
    return;
  }
  out.push_back('"');
  for (const char c : value) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

std::string CsvRow(const std::vector<std::string>& fields) {
  std::string out;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out.push_back(',');
    AppendCsvField(out, fields[i]);
  }
  out += "\r\n";
  return out;
}

std::string CsvLine(const AuditEntry& e, const std::string& prev_hash, const std::string& hash,
                    const AuditLabels& l) {
  const bool system = e.actor_id == "system";
  const std::string actor_kind = system ? "System" : (l.actor_kind.empty() ? "User" : l.actor_kind);
  const bool about_assignment = e.target.kind == "directoryRole" ||
                                e.target.kind == "resourceRole" || e.target.kind == "group";
  return CsvRow({FormatAuditTime(e.at),
                 absl::StrCat(e.seq),
                 e.correlation_id,
                 "PIM",
                 e.category,
                 e.activity,
                 e.result,
                 e.result == "failure" ? e.detail : std::string(),
                 actor_kind,
                 l.actor_display_name,
                 e.actor_id,
                 l.actor_user_principal_name,
                 e.client_address,
                 about_assignment ? (e.target.kind == "group" ? "Group" : "Role") : e.target.kind,
                 l.target_display_name,
                 e.target.id,
                 e.target.scope,
                 e.target.principal_id.empty() ? std::string() : std::string("Principal"),
                 l.principal_display_name,
                 e.target.principal_id,
                 l.principal_user_principal_name,
                 e.justification,
                 e.ticket_system,
                 e.ticket_number,
                 e.request_id,
                 e.event,
                 e.detail,
                 prev_hash,
                 hash});
}

std::string HeaderLine(const AuditQuery& q, const AuditOptions& o, const ChangeLogAnchor& anchor,
                       const ChainStatus& chain, const identity::SigningKey& key) {
  boost::json::object query{
      {"after", q.after}, {"actor", q.actor}, {"target", q.target}, {"activity", q.activity}};
  if (q.from) query["from"] = FormatAuditTime(*q.from);
  if (q.to) query["to"] = FormatAuditTime(*q.to);
  boost::json::object header{{"type", "header"},
                             {"format", kFormatName},
                             {"checkpointInterval", o.checkpoint_interval},
                             {"filtered", q.filtered()},
                             {"retentionDays", absl::ToInt64Hours(o.retention) / 24},
                             {"query", std::move(query)}};
  // Where the retained history starts: entries up to anchor.seq were deleted by retention.
  if (anchor.revision > 0) {
    header["anchor"] = boost::json::object{
        {"seq", anchor.revision}, {"hash", anchor.chain_hash}, {"at", FormatAuditTime(anchor.at)}};
  }
  // The server's own check found the log altered since it sealed it (AuditKeeper).
  if (chain.checked && !chain.intact) {
    header["chainAltered"] =
        boost::json::object{{"seq", chain.mismatch_seq}, {"message", chain.message}};
  }
  SignHeader(header, key);
  return boost::json::serialize(header) + "\n";
}

}  // namespace

const std::vector<std::string_view>& CsvColumns() {
  static const std::vector<std::string_view> kColumns = {"Date (UTC)",
                                                         "Seq",
                                                         "CorrelationId",
                                                         "Service",
                                                         "Category",
                                                         "Activity",
                                                         "Result",
                                                         "ResultReason",
                                                         "ActorType",
                                                         "ActorDisplayName",
                                                         "ActorObjectId",
                                                         "ActorUserPrincipalName",
                                                         "IPAddress",
                                                         "Target1Type",
                                                         "Target1DisplayName",
                                                         "Target1ObjectId",
                                                         "Target1Scope",
                                                         "Target2Type",
                                                         "Target2DisplayName",
                                                         "Target2ObjectId",
                                                         "Target2UserPrincipalName",
                                                         "Justification",
                                                         "TicketSystem",
                                                         "TicketNumber",
                                                         "RequestId",
                                                         "Event",
                                                         "Details",
                                                         "PrevHash",
                                                         "Hash"};
  return kColumns;
}

AuditLog::AuditLog(Store& store, const identity::SigningKeyRing& keys, const Clock& clock,
                   AuditOptions options)
    : store_(store), keys_(keys), clock_(clock), options_(options) {}

void AuditLog::SetChainStatus(std::function<ChainStatus()> status) {
  chain_status_ = std::move(status);
}

std::string AuditLog::KeysJwks() const {
  return keys_.JwksJson(clock_.Now(), absl::InfiniteDuration());
}

std::pair<std::int64_t, AuditLog::Anchor> AuditLog::AnchorAtOrBefore(std::int64_t seq) const {
  absl::MutexLock lock(&mu_);
  auto it = anchors_.upper_bound(seq);
  if (it == anchors_.begin()) return {0, Anchor{GenesisHash(), absl::UnixEpoch()}};
  --it;
  return *it;
}

bool AuditLog::Remember(std::int64_t seq, const std::string& hash, absl::Time at) {
  absl::MutexLock lock(&mu_);
  const auto [it, added] = anchors_.try_emplace(seq, Anchor{hash, at});
  return added || it->second.hash == hash;
}

absl::StatusOr<ExportResult> AuditLog::Export(const AuditQuery& query, const LabelLookup& labels,
                                              const std::function<void(std::string_view)>& write) {
  const std::int64_t interval = std::max<std::int64_t>(1, options_.checkpoint_interval);
  const bool jsonl = query.format == ExportFormat::kJsonLines;
  const std::optional<absl::Time> lower = query.from;
  const identity::SigningKey& key = keys_.current();
  absl::StatusOr<ChangeLogAnchor> retained = store_.ReadAnchor();
  if (!retained.ok()) return retained.status();

  ExportResult result;
  // Hashing starts at the nearest known checkpoint at or before where the export starts, or
  // at the retention anchor when the log was truncated after it (the records before the anchor
  // are gone).
  std::pair<std::int64_t, Anchor> start = AnchorAtOrBefore(query.after);
  if (retained->revision > start.first) {
    start = {retained->revision, Anchor{retained->chain_hash, retained->at}};
  }
  std::int64_t prev_seq = start.first;
  std::string prev_hash = std::move(start.second.hash);
  absl::Time prev_at = start.second.at;
  std::int64_t read_after = prev_seq;
  bool started = false;
  bool done = false;
  bool last_was_checkpoint = false;
  auto checkpoint = [&] {
    const Checkpoint c = SignCheckpoint(prev_seq, prev_hash, prev_at, key);
    write(boost::json::serialize(CheckpointToJson(c)) + "\n");
    ++result.checkpoints;
    last_was_checkpoint = true;
  };

  if (jsonl) {
    write(HeaderLine(query, options_, *retained, chain_status_ ? chain_status_() : ChainStatus{},
                     key));
  } else {
    std::vector<std::string> header(CsvColumns().begin(), CsvColumns().end());
    write(CsvRow(header));
  }
  while (!done) {
    absl::StatusOr<std::vector<ChangeRecord>> batch =
        store_.ReadChanges(read_after, std::max<std::size_t>(1, options_.read_batch));
    if (!batch.ok()) return batch.status();
    // Retention may have moved the anchor past where this export hashes from while it ran:
    // the batch would then not continue the chain. The anchor only moves forward, so reading
    // it after the batch is enough.
    absl::StatusOr<ChangeLogAnchor> now_retained = store_.ReadAnchor();
    if (!now_retained.ok()) return now_retained.status();
    if (now_retained->revision > read_after) {
      return absl::AbortedError(
          "retention deleted part of the history while it was exported; export again");
    }
    if (batch->empty()) break;
    read_after = batch->back().revision;
    for (const ChangeRecord& record : *batch) {
      const AuditEntry entry = AuditEntryFor(record);
      const std::string canonical = CanonicalEntry(entry);
      std::string hash = ChainHash(prev_hash, canonical);
      const bool crossing = entry.seq / interval > prev_seq / interval;
      // An export never signs a chain that hashes differently from what an earlier one found.
      if (crossing && !Remember(entry.seq, hash, entry.at)) {
        return absl::DataLossError(
            absl::StrCat("the change log was altered behind pimd's back: the chain up to seq ",
                         entry.seq, " no longer hashes as it did when it was last exported"));
      }
      if (!started) {
        const bool before_range = entry.seq <= query.after || (lower && entry.at < *lower);
        if (!before_range && query.to && entry.at > *query.to) {
          done = true;
          break;
        }
        if (before_range) {
          prev_seq = entry.seq;
          prev_hash = std::move(hash);
          prev_at = entry.at;
          continue;
        }
        started = true;
        // Anchor the run: the signed hash just before its first entry.
        if (jsonl && prev_seq > 0) checkpoint();
      } else if (query.to && entry.at > *query.to) {
        done = true;
        break;
      }
      const AuditLabels names = labels ? labels(entry) : AuditLabels{};
      if (Matches(query, entry, names)) {
        if (result.entries >= query.limit) {
          result.next_after = prev_seq;
          done = true;
          break;
        }
        write(jsonl ? EntryLine(canonical, prev_hash, hash, names)
                    : CsvLine(entry, prev_hash, hash, names));
        ++result.entries;
      }
      last_was_checkpoint = false;
      prev_seq = entry.seq;
      prev_hash = std::move(hash);
      prev_at = entry.at;
      if (jsonl && crossing) checkpoint();
    }
  }
  if (jsonl && started && !last_was_checkpoint) checkpoint();
  // Retention kept nothing after the anchor (or nothing new came since): the export still
  // shows, signed, where the retained history starts.
  if (jsonl && !started && retained->revision > 0 && prev_seq == retained->revision) checkpoint();
  return result;
}

}  // namespace pim::audit
