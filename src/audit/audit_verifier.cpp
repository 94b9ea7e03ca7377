#include "pim/audit/audit_verifier.h"

#include <algorithm>
#include <deque>
#include <exception>
#include <map>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "boost/json/parse.hpp"
#include "boost/json/value.hpp"
#include "pim/audit/audit_chain.h"
#include "pim/audit/audit_entry.h"
#include "pim/identity/base64url.h"

namespace pim::audit {
namespace {

constexpr std::size_t kMaxLineBytes = std::size_t{1} << 20;
constexpr std::size_t kMaxFindings = 10000;
constexpr std::size_t kWindow = 4096;  // recent chain entries kept to recognise duplicates
constexpr std::int64_t kDefaultInterval = 1000;

// One entry line, as far as the chain is concerned.
struct Link {
  std::int64_t line = 0;
  std::int64_t seq = 0;
  std::string prev;  // "" for a position taken from a checkpoint
  std::string hash;
  std::int64_t gap_first = 0;  // the gap its broken link opened, 0 if none
};

std::string_view Sv(const boost::json::string& s) { return {s.data(), s.size()}; }

const boost::json::string* StringField(const boost::json::object& o, std::string_view key) {
  const boost::json::value* v = o.if_contains(boost::json::string_view(key.data(), key.size()));
  return v != nullptr ? v->if_string() : nullptr;
}

std::optional<std::int64_t> IntField(const boost::json::object& o, std::string_view key) {
  const boost::json::value* v = o.if_contains(boost::json::string_view(key.data(), key.size()));
  if (v == nullptr) return std::nullopt;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    return static_cast<std::int64_t>(v->get_uint64());
  }
  return std::nullopt;
}

class Verifier {
 public:
  Verifier(const std::vector<identity::VerificationKey>& keys, const VerifyOptions& options,
           VerificationReport& report)
      : keys_(keys), options_(options), report_(report) {}

  void Line(std::int64_t number, std::string_view text, bool too_long) {
    ++report_.lines;
    if (text.empty() && !too_long) return;  // blank lines (a trailing newline) carry nothing
    if (too_long) return Malformed(number, "the line is longer than 1 MiB");
    boost::json::value value;
    try {
      boost::system::error_code ec;
      value = boost::json::parse(boost::json::string_view(text.data(), text.size()), ec);
      if (ec) return Malformed(number, "the line is not JSON");
    } catch (const std::exception&) {
      return Malformed(number, "the line could not be parsed");
    }
    const boost::json::object* o = value.if_object();
    const boost::json::string* type = o != nullptr ? StringField(*o, "type") : nullptr;
    if (type == nullptr) return Malformed(number, "the line has no \"type\"");
    if (!seen_header_ && *type != "header") {
      seen_header_ = true;
      Malformed(number,
                "the export does not start with a header line; assuming an unfiltered "
                "export with a checkpoint every 1000 entries");
    }
    if (*type == "header") return Header(number, *o);
    if (*type == "entry") return Entry(number, *o);
    if (*type == "checkpoint") return CheckpointLine(number, *o);
    Malformed(number, "unknown line type");
  }

  void Finish() {
    if (contender_) {
      Add(FindingKind::kEntryInserted, contender_->line, contender_->seq,
          absl::StrCat("seq ", contender_->seq, " is out of sequence (it competes with line ",
                       prev_.line,
                       " for the same place; nothing after it decides which one is genuine)"));
      contender_.reset();
    }
    for (const auto& [first, gap] : gaps_) {
      Add(FindingKind::kEntryDeleted, gap.second, first,
          first == gap.first ? absl::StrCat("entry seq ", first, " is missing before this line")
                             : absl::StrCat("entries seq ", first, "..", gap.first,
                                            " are missing before this line"),
          gap.first);
    }
    gaps_.clear();
    if (!report_.filtered && report_.entries > 0 && !last_line_checkpoint_) {
      Add(FindingKind::kCheckpointMissing, last_line_, have_prev_ ? prev_.seq : 0,
          "the export does not end with a signed checkpoint: the entries after the last one "
          "are not covered by a signature");
    }
    if (report_.filtered) {
      report_.notes.push_back(
          "filtered export: only each entry's own hash, the checkpoints' signatures and the "
          "checkpoints that fall on an exported entry were checked; entries left out by the "
          "filter, and so deletions, cannot be seen. Verify a complete export to check the "
          "chain.");
      if (options_.require_complete) {
        Add(FindingKind::kNotComplete, 1, 0, "a complete export was required");
      }
    }
    if (report_.anchor_seq > 0) {
      report_.notes.push_back(absl::StrCat(
          "retention: the server deleted the history up to seq ", report_.anchor_seq,
          " as configured; the retained part is verified from the signed checkpoint at seq ",
          report_.anchor_seq, ", where it starts"));
    }
    if (report_.valid_checkpoints == 0 && report_.entries > 0) {
      report_.notes.push_back(
          "no checkpoint signed by a trusted key matched the chain: the entries are consistent "
          "at best, not authenticated");
    }
    std::stable_sort(report_.findings.begin(), report_.findings.end(),
                     [](const Finding& a, const Finding& b) { return a.line < b.line; });
  }

 private:
  std::size_t Add(FindingKind kind, std::int64_t line, std::int64_t seq, std::string message,
                  std::int64_t seq_last = -1) {
    if (report_.findings.size() >= kMaxFindings) {
      if (!truncated_) {
        truncated_ = true;
        report_.notes.push_back("more than 10000 findings; the rest were not listed");
      }
      return kMaxFindings;
    }
    report_.findings.push_back(
        Finding{kind, line, seq, seq_last < 0 ? seq : seq_last, std::move(message)});
    return report_.findings.size() - 1;
  }
  void Malformed(std::int64_t line, std::string message) {
    Add(FindingKind::kMalformedLine, line, 0, std::move(message));
  }

  void Header(std::int64_t number, const boost::json::object& o) {
    const boost::json::string* format = StringField(o, "format");
    const std::optional<std::int64_t> interval = IntField(o, "checkpointInterval");
    const boost::json::value* filtered = o.if_contains("filtered");
    if (format == nullptr || *format != "pim-audit-export/1" || !interval || *interval < 1 ||
        filtered == nullptr || !filtered->is_bool()) {
      return Malformed(number, "the header is not a pim-audit-export/1 header");
    }
    CheckHeaderSignature(number, o);
    if (seen_header_ && header_line_ > 0) {
      // Pages of one export concatenated: each starts with its own header.
      if (*interval != interval_ || filtered->get_bool() != report_.filtered) {
        Malformed(number, "this header disagrees with the first one");
      }
      ExpectStart(o);
      return;
    }
    seen_header_ = true;
    header_line_ = number;
    interval_ = *interval;
    report_.filtered = filtered->get_bool();
    if (const boost::json::value* anchor = o.if_contains("anchor")) {
      const boost::json::object* a = anchor->if_object();
      const std::optional<std::int64_t> seq = a != nullptr ? IntField(*a, "seq") : std::nullopt;
      const boost::json::string* hash = a != nullptr ? StringField(*a, "hash") : nullptr;
      if (!seq || *seq < 1 || hash == nullptr || !IsHashHex(Sv(*hash))) {
        return Malformed(number, "the header's retention anchor needs a positive seq and a hash");
      }
      report_.anchor_seq = *seq;
      anchor_hash_ = std::string(Sv(*hash));
    }
    ExpectStart(o);
    if (const boost::json::value* altered = o.if_contains("chainAltered")) {
      const boost::json::object* a = altered->if_object();
      const std::int64_t seq = a != nullptr ? IntField(*a, "seq").value_or(0) : 0;
      Add(FindingKind::kServerChainAltered, number, seq,
          absl::StrCat("the server reports that its change log was altered at seq ", seq,
                       " since it sealed it: this export is re-derived from the altered log"));
    }
  }

  // What the header says is trusted only when an audit key signed it: an unsigned "filtered"
  // would excuse every deletion, an unsigned query or anchor would hide a cut-off start.
  void CheckHeaderSignature(std::int64_t number, const boost::json::object& o) {
    const boost::json::string* key_id = StringField(o, "keyId");
    const auto key = key_id == nullptr
                         ? keys_.end()
                         : std::find_if(keys_.begin(), keys_.end(),
                                        [&](const auto& k) { return k.kid() == Sv(*key_id); });
    if (key == keys_.end() || !HeaderSignatureValid(o, *key)) {
      Add(FindingKind::kHeaderNotSigned, number, 0,
          "the header is not signed by a trusted audit key: what it says (filtered, checkpoint "
          "interval, retention anchor, query) cannot be trusted");
    }
  }

  // Where the lines after this header must begin, when the header pins it down: a complete
  // export without a start time begins at the chain's start (its first entry), or, after
  // `query.after` or a retention anchor, with the signed checkpoint there.
  void ExpectStart(const boost::json::object& o) {
    expected_start_.reset();
    const boost::json::value* query = o.if_contains("query");
    const boost::json::object* q = query != nullptr ? query->if_object() : nullptr;
    if (report_.filtered) return;
    if (q != nullptr && q->contains("from")) {
      if (!noted_time_range_) {
        noted_time_range_ = true;
        report_.notes.push_back(
            "the export starts at a time: entries cut from its start cannot be seen in the file "
            "alone (compare its first seq with an export that starts earlier)");
      }
      return;
    }
    const std::int64_t after = q != nullptr ? IntField(*q, "after").value_or(0) : 0;
    expected_start_ = std::max(after, report_.anchor_seq);
  }

  // The first entry or checkpoint after a header: is it where the header says the export
  // starts?
  void CheckStart(std::int64_t number, bool checkpoint, std::int64_t seq) {
    if (!expected_start_) return;
    const std::int64_t start = *expected_start_;
    expected_start_.reset();
    if (start == 0 && checkpoint && seq > 0) {
      Add(FindingKind::kEntryDeleted, number, 1,
          absl::StrCat("the export should begin with the chain's first entry, but begins at a "
                       "checkpoint at seq ",
                       seq, ": entries seq 1..", seq, " are missing"),
          seq);
    } else if (start > 0 && !checkpoint) {
      Add(FindingKind::kCheckpointMissing, number, start,
          absl::StrCat("the export should begin with the signed checkpoint at seq ", start,
                       " (where the header says it starts)"));
    } else if (start > 0 && seq > start) {
      Add(FindingKind::kEntryDeleted, number, start + 1,
          absl::StrCat("the export should begin at seq ", start,
                       ", but begins at a checkpoint at seq ", seq, ": entries seq ", start + 1,
                       "..", seq, " are missing"),
          seq);
    }
  }

  void Entry(std::int64_t number, const boost::json::object& o) {
    last_line_ = number;
    const boost::json::string* prev = StringField(o, "prevHash");
    const boost::json::string* hash = StringField(o, "hash");
    const boost::json::value* entry = o.if_contains("entry");
    const boost::json::object* entry_object = entry != nullptr ? entry->if_object() : nullptr;
    // value_or: GCC 12 at -O3 takes a disengaged optional's read for uninitialised.
    const std::int64_t seq =
        entry_object != nullptr ? IntField(*entry_object, "seq").value_or(0) : 0;
    if (prev == nullptr || hash == nullptr || !IsHashHex(Sv(*prev)) || !IsHashHex(Sv(*hash)) ||
        seq < 1) {
      return Malformed(number,
                       "an entry line needs prevHash, hash (64 hex digits each) and an "
                       "entry with a positive seq");
    }
    const std::optional<std::string> canonical = CanonicalJson(*entry);
    if (!canonical) return Malformed(number, "the entry holds values outside the encoding");
    CheckStart(number, /*checkpoint=*/false, seq);

    Link e{number, seq, std::string(Sv(*prev)), std::string(Sv(*hash)), 0};
    ++report_.entries;
    if (report_.first_seq == 0) report_.first_seq = e.seq;
    report_.last_seq = std::max(report_.last_seq, e.seq);
    if (due_checkpoint_ && !report_.filtered) {
      Add(FindingKind::kCheckpointMissing, number, *due_checkpoint_,
          absl::StrCat("the checkpoint after seq ", *due_checkpoint_, " is missing"));
    }
    due_checkpoint_.reset();
    last_line_checkpoint_ = false;
    if (ChainHash(e.prev, *canonical) != e.hash) {
      Add(FindingKind::kEntryEdited, number, e.seq,
          absl::StrCat("entry seq ", e.seq, " was edited: its hash does not match its content"));
    }
    if (report_.filtered) {
      filtered_last_ = e;
      return;
    }

    if (contender_) ResolveContender(e.prev == contender_->hash);

    if (!have_prev_) {
      // No anchor: the export starts at the beginning of the chain.
      if (e.prev != GenesisHash()) {
        if (e.seq > 1) {
          OpenGap(1, e.seq - 1, e);
        } else {
          Add(FindingKind::kChainBroken, number, e.seq,
              "the first entry does not start the chain and no checkpoint anchors it");
        }
      }
      return Accept(std::move(e));
    }
    if (e.prev == prev_.hash && e.seq > prev_.seq) return Accept(std::move(e));
    if (e.seq > prev_.seq) {
      if (e.seq == prev_.seq + 1) {
        Add(FindingKind::kChainBroken, number, e.seq,
            absl::StrCat("the chain breaks between seq ", prev_.seq, " (line ", prev_.line,
                         ") and seq ", e.seq, ": one of them was edited and its hash recomputed"));
      } else {
        OpenGap(prev_.seq + 1, e.seq - 1, e);
      }
      return Accept(std::move(e));
    }
    // Behind the chain: a copy, a moved entry, or an insertion.
    for (const Link& w : window_) {
      if (w.seq == e.seq && w.hash == e.hash) {
        Add(FindingKind::kEntryInserted, number, e.seq,
            absl::StrCat("a copy of seq ", e.seq, " (line ", w.line, ") was inserted"));
        return;
      }
    }
    if (auto d = dangling_.find(e.hash); d != dangling_.end() && RemoveFromGap(e.seq)) {
      Add(FindingKind::kEntryReordered, number, e.seq,
          absl::StrCat("entry seq ", e.seq, " was moved: it belongs before line ", d->second));
      dangling_.erase(d);
      return;
    }
    if (e.prev == prev_prev_hash_ && !prev_prev_hash_.empty()) {
      contender_ = std::move(e);  // decided by the next line: which of the two does it follow?
      return;
    }
    Add(FindingKind::kEntryInserted, number, e.seq,
        absl::StrCat("seq ", e.seq, " is out of order (after seq ", prev_.seq,
                     ") and not part of the chain: inserted"));
  }

  void Accept(Link e) {
    const std::int64_t before = have_prev_ ? prev_.seq : 0;
    prev_prev_hash_ = have_prev_ ? prev_.hash : GenesisHash();
    if (e.seq / interval_ > before / interval_) due_checkpoint_ = e.seq;
    prev_ = std::move(e);
    have_prev_ = true;
    window_.push_back(prev_);
    if (window_.size() > kWindow) window_.pop_front();
  }

  // Two entries compete for the place after prev_prev: the accepted prev_ and the contender
  // that came after it. `contender_follows` says whether what came next follows the contender,
  // which makes prev_ the insertion; otherwise the contender is.
  void ResolveContender(bool contender_follows) {
    Link c = *std::move(contender_);
    contender_.reset();
    if (contender_follows) {
      PrevWasInserted();
      prev_ = std::move(c);
      window_.push_back(prev_);
    } else {
      Add(FindingKind::kEntryInserted, c.line, c.seq,
          absl::StrCat("seq ", c.seq, " is out of sequence: nothing links to it"));
    }
  }

  // The last accepted entry turned out not to belong: nothing links to it.
  void PrevWasInserted() {
    const std::size_t index =
        Add(FindingKind::kEntryInserted, prev_.line, prev_.seq,
            absl::StrCat("seq ", prev_.seq, " was inserted: the next entry does not follow it"));
    if (index < kMaxFindings) displaced_[prev_.hash] = index;
    if (prev_.gap_first != 0) {
      gaps_.erase(prev_.gap_first);
      dangling_.erase(prev_.prev);
    }
    if (due_checkpoint_ == prev_.seq) due_checkpoint_.reset();
    if (!window_.empty()) window_.pop_back();
  }

  // Entries first..last are missing before `e` (its prevHash points at something absent).
  void OpenGap(std::int64_t first, std::int64_t last, Link& e) {
    if (auto d = displaced_.find(e.prev); d != displaced_.end()) {
      // An entry judged inserted earlier is what this one follows: it was moved, not inserted.
      Finding& f = report_.findings[d->second];
      if (f.seq >= first && f.seq <= last) {
        f.kind = FindingKind::kEntryReordered;
        f.message =
            absl::StrCat("entry seq ", f.seq, " was moved: it belongs before line ", e.line);
        displaced_.erase(d);
        if (f.seq > first) gaps_[first] = {f.seq - 1, e.line};
        if (f.seq < last) gaps_[f.seq + 1] = {last, e.line};
        return;
      }
    }
    gaps_[first] = {last, e.line};
    dangling_[e.prev] = e.line;
    e.gap_first = first;
  }

  // Takes `seq` out of the open gaps; false when it is in none.
  bool RemoveFromGap(std::int64_t seq) {
    auto it = gaps_.upper_bound(seq);
    if (it == gaps_.begin()) return false;
    --it;
    const std::int64_t first = it->first;
    const auto [last, line] = it->second;
    if (seq > last) return false;
    gaps_.erase(it);
    if (seq > first) gaps_[first] = {seq - 1, line};
    if (seq < last) gaps_[seq + 1] = {last, line};
    return true;
  }

  void CheckpointLine(std::int64_t number, const boost::json::object& o) {
    last_line_ = number;
    const std::optional<std::int64_t> seq = IntField(o, "seq");
    const boost::json::string* hash = StringField(o, "hash");
    const boost::json::string* at = StringField(o, "at");
    const boost::json::string* key_id = StringField(o, "keyId");
    const boost::json::string* signature = StringField(o, "signature");
    if (!seq || *seq < 0 || hash == nullptr || !IsHashHex(Sv(*hash)) || at == nullptr ||
        key_id == nullptr || signature == nullptr) {
      return Malformed(number, "a checkpoint line needs seq, hash, at, keyId and signature");
    }
    ++report_.checkpoints;
    last_line_checkpoint_ = true;
    const std::string c_hash(Sv(*hash));
    CheckStart(number, /*checkpoint=*/true, *seq);

    bool signed_ok = false;
    const auto key = std::find_if(keys_.begin(), keys_.end(),
                                  [&](const auto& k) { return k.kid() == Sv(*key_id); });
    if (key == keys_.end()) {
      Add(FindingKind::kCheckpointUnknownKey, number, *seq,
          absl::StrCat("the checkpoint at seq ", *seq, " is signed by key '",
                       std::string(Sv(*key_id)).substr(0, 64), "', which is not trusted"));
    } else {
      const std::optional<std::string> raw = identity::Base64UrlDecode(Sv(*signature));
      signed_ok = raw.has_value() && key->alg() == "EdDSA" &&
                  key->Verify(CanonicalCheckpoint(*seq, Sv(*hash), Sv(*at), Sv(*key_id)), *raw);
      if (!signed_ok) {
        Add(FindingKind::kCheckpointSignatureInvalid, number, *seq,
            absl::StrCat("the signature of the checkpoint at seq ", *seq, " is not valid"));
      }
    }

    if (report_.filtered) {
      if (filtered_last_ && filtered_last_->seq == *seq && filtered_last_->hash != c_hash) {
        Add(FindingKind::kCheckpointMismatch, number, *seq,
            absl::StrCat("entry seq ", *seq, " does not have the hash this checkpoint signs"));
      } else if (signed_ok) {
        ++report_.valid_checkpoints;
      }
      return;
    }

    if (contender_) ResolveContender(contender_->seq == *seq && contender_->hash == c_hash);
    if (due_checkpoint_ && *seq >= *due_checkpoint_) due_checkpoint_.reset();

    const Link here{number, *seq, "", c_hash, 0};
    if (!have_prev_ && report_.anchor_seq > 0 && *seq == report_.anchor_seq &&
        c_hash != anchor_hash_) {
      Add(FindingKind::kCheckpointMismatch, number, *seq,
          absl::StrCat("the checkpoint at seq ", *seq,
                       " does not match the retention anchor the header names"));
    }
    if (!have_prev_) {
      // The export starts mid-chain: this checkpoint anchors it.
      prev_ = here;
      prev_prev_hash_.clear();
      have_prev_ = true;
      if (signed_ok) ++report_.valid_checkpoints;
      last_good_checkpoint_ = *seq;
    } else if (*seq == prev_.seq) {
      if (c_hash == prev_.hash) {
        if (signed_ok) {
          ++report_.valid_checkpoints;
          last_good_checkpoint_ = *seq;
        }
      } else {
        Add(FindingKind::kCheckpointMismatch, number, *seq,
            absl::StrCat("the chain up to seq ", *seq,
                         " does not match this checkpoint: an entry after seq ",
                         last_good_checkpoint_, " was changed and the hashes after it recomputed"));
      }
    } else if (*seq > prev_.seq) {
      Add(FindingKind::kEntryDeleted, number, prev_.seq + 1,
          prev_.seq + 1 == *seq
              ? absl::StrCat("entry seq ", *seq, " is missing before this checkpoint")
              : absl::StrCat("entries seq ", prev_.seq + 1, "..", *seq,
                             " are missing before this checkpoint"),
          *seq);
      if (signed_ok) {
        prev_prev_hash_.clear();
        prev_ = here;
        last_good_checkpoint_ = *seq;
      }
    } else if (auto seen = seen_checkpoints_.find(*seq);
               seen == seen_checkpoints_.end() || seen->second != c_hash) {
      Add(FindingKind::kCheckpointMismatch, number, *seq,
          absl::StrCat("a checkpoint for seq ", *seq, " appears after seq ", prev_.seq,
                       " and does not repeat an earlier one"));
    }
    if (signed_ok) seen_checkpoints_[*seq] = c_hash;
  }

  const std::vector<identity::VerificationKey>& keys_;
  const VerifyOptions& options_;
  VerificationReport& report_;

  bool seen_header_ = false;
  std::int64_t header_line_ = 0;
  std::string anchor_hash_;                     // the header's retention anchor, if it names one
  std::optional<std::int64_t> expected_start_;  // ExpectStart, until the next line checks it
  bool noted_time_range_ = false;
  std::int64_t interval_ = kDefaultInterval;
  bool truncated_ = false;
  std::int64_t last_line_ = 0;
  bool last_line_checkpoint_ = false;

  bool have_prev_ = false;
  Link prev_;                   // the last entry (or checkpoint) accepted into the chain
  std::string prev_prev_hash_;  // the hash before it ("" when unknown)
  std::deque<Link> window_;
  std::map<std::int64_t, std::pair<std::int64_t, std::int64_t>> gaps_;  // first -> (last, line)
  std::map<std::string, std::int64_t> dangling_;  // prevHash of a gap's entry -> its line
  std::map<std::string, std::size_t> displaced_;  // hash of an entry judged inserted -> finding
  std::optional<Link> contender_;
  std::optional<std::int64_t> due_checkpoint_;
  std::int64_t last_good_checkpoint_ = 0;
  std::map<std::int64_t, std::string> seen_checkpoints_;
  std::optional<Link> filtered_last_;
};

}  // namespace

std::string_view FindingKindName(FindingKind kind) {
  switch (kind) {
    case FindingKind::kMalformedLine:
      return "malformedLine";
    case FindingKind::kEntryEdited:
      return "entryEdited";
    case FindingKind::kEntryInserted:
      return "entryInserted";
    case FindingKind::kEntryDeleted:
      return "entryDeleted";
    case FindingKind::kEntryReordered:
      return "entryReordered";
    case FindingKind::kChainBroken:
      return "chainBroken";
    case FindingKind::kCheckpointSignatureInvalid:
      return "checkpointSignatureInvalid";
    case FindingKind::kCheckpointUnknownKey:
      return "checkpointUnknownKey";
    case FindingKind::kCheckpointMismatch:
      return "checkpointMismatch";
    case FindingKind::kCheckpointMissing:
      return "checkpointMissing";
    case FindingKind::kNotComplete:
      return "notComplete";
    case FindingKind::kServerChainAltered:
      return "serverChainAltered";
    case FindingKind::kHeaderNotSigned:
      return "headerNotSigned";
  }
  return "unknown";
}

VerificationReport VerifyAuditExport(std::istream& in,
                                     const std::vector<identity::VerificationKey>& trusted_keys,
                                     const VerifyOptions& options) {
  VerificationReport report;
  Verifier verifier(trusted_keys, options, report);
  std::streambuf* buffer = in.rdbuf();
  std::string line;
  std::int64_t number = 0;
  while (buffer != nullptr) {
    line.clear();
    bool any = false;
    bool too_long = false;
    int c = 0;
    while ((c = buffer->sbumpc()) != std::char_traits<char>::eof()) {
      any = true;
      if (c == '\n') break;
      if (line.size() < kMaxLineBytes) {
        line.push_back(static_cast<char>(c));
      } else {
        too_long = true;
      }
    }
    if (!any) break;
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    verifier.Line(number, line, too_long);
  }
  verifier.Finish();
  return report;
}

}  // namespace pim::audit
