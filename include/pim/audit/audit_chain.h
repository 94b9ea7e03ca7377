// The hash chain over audit entries and the signed checkpoints that anchor it (docs/audit.md).
//
//   hash_0 = 32 zero bytes
//   hash_n = SHA-256(hash_{n-1} || CanonicalEntry(entry_n))   (hash_{n-1} as 32 raw bytes)
//
// where n runs over the change log in revision order. Hashes are written as 64 lower-case hex
// digits. A checkpoint {seq, hash, at, keyId} states that the chain up to entry `seq` ends in
// `hash`; it is signed (Ed25519) over CanonicalCheckpoint(), so a reader who trusts the key can
// tell that no entry up to `seq` was changed, added or removed since it was signed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "boost/json/object.hpp"
#include "pim/audit/checkpoint_store.h"
#include "pim/identity/jwk.h"
#include "pim/identity/signing_key.h"

namespace pim::audit {

// 64 hex digits of 32 zero bytes: the hash before the first entry.
[[nodiscard]] const std::string& GenesisHash();

// hash_n from hash_{n-1} (hex) and the canonical encoding of entry n. `previous_hex` must be
// 64 hex digits (an unparseable one is hashed as 32 zero bytes; callers validate first).
[[nodiscard]] std::string ChainHash(std::string_view previous_hex,
                                    std::string_view canonical_entry);

// Whether `text` is 64 lower-case hex digits.
[[nodiscard]] bool IsHashHex(std::string_view text);

// {"at":...,"hash":...,"keyId":...,"seq":...} in the canonical encoding: the signed bytes.
[[nodiscard]] std::string CanonicalCheckpoint(const Checkpoint& checkpoint);
// The same from the fields as an export line spells them (`at` as written).
[[nodiscard]] std::string CanonicalCheckpoint(std::int64_t seq, std::string_view hash,
                                              std::string_view at, std::string_view key_id);

// Fills key_id and signature.
[[nodiscard]] Checkpoint SignCheckpoint(std::int64_t seq, std::string hash, absl::Time at,
                                        const identity::SigningKey& key);

// Whether `key` signed `checkpoint` (its key id is not compared here).
[[nodiscard]] bool CheckpointSignatureValid(const Checkpoint& checkpoint,
                                            const identity::VerificationKey& key);

// A retention anchor ({seq, hash, at, keyId} where the retained log starts) is signed over
// {"purpose":"retentionAnchor", ...} instead: apart from checkpoints, so that no checkpoint,
// sealed or exported, can be passed off as an anchor to hide deleted history.
[[nodiscard]] std::string CanonicalAnchor(const Checkpoint& anchor);
[[nodiscard]] Checkpoint SignAnchor(std::int64_t seq, std::string hash, absl::Time at,
                                    const identity::SigningKey& key);
[[nodiscard]] bool AnchorSignatureValid(const Checkpoint& anchor,
                                        const identity::VerificationKey& key);

// An export's header line says what the export holds (its query, whether it is filtered, the
// checkpoint interval, the retention anchor): SignHeader adds "keyId" and "signature" over the
// canonical encoding of the rest, so that a verifier can trust it. Its "type":"header" keeps
// these bytes apart from checkpoints' and anchors'.
void SignHeader(boost::json::object& header, const identity::SigningKey& key);
// Whether `key` made the header's "signature" (its "keyId" is not compared here).
[[nodiscard]] bool HeaderSignatureValid(const boost::json::object& header,
                                        const identity::VerificationKey& key);

// The checkpoint's export line object: {"type":"checkpoint","seq",...,"signature"}.
[[nodiscard]] boost::json::object CheckpointToJson(const Checkpoint& checkpoint);

}  // namespace pim::audit
