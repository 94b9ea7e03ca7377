#include "pim/audit/audit_chain.h"

#include <openssl/evp.h>

#include <array>

#include "pim/audit/audit_entry.h"
#include "pim/identity/base64url.h"

namespace pim::audit {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

std::array<unsigned char, 32> FromHex(std::string_view hex) {
  std::array<unsigned char, 32> out{};
  if (!IsHashHex(hex)) return out;
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i] = static_cast<unsigned char>(HexValue(hex[2 * i]) * 16 + HexValue(hex[2 * i + 1]));
  }
  return out;
}

std::string ToHex(const unsigned char* data, std::size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    out.push_back(kDigits[data[i] >> 4]);
    out.push_back(kDigits[data[i] & 0xf]);
  }
  return out;
}

}  // namespace

const std::string& GenesisHash() {
  static const std::string kGenesis(64, '0');
  return kGenesis;
}

bool IsHashHex(std::string_view text) {
  if (text.size() != 64) return false;
  for (const char c : text) {
    if (HexValue(c) < 0) return false;
  }
  return true;
}

std::string ChainHash(std::string_view previous_hex, std::string_view canonical_entry) {
  const std::array<unsigned char, 32> previous = FromHex(previous_hex);
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  // Hashing cannot fail short of memory exhaustion; an empty result would then break every
  // later comparison, which is the safe direction.
  if (ctx != nullptr && EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr) == 1 &&
      EVP_DigestUpdate(ctx, previous.data(), previous.size()) == 1 &&
      EVP_DigestUpdate(ctx, canonical_entry.data(), canonical_entry.size()) == 1) {
    EVP_DigestFinal_ex(ctx, digest.data(), &size);
  }
  EVP_MD_CTX_free(ctx);
  return ToHex(digest.data(), size);
}

std::string CanonicalCheckpoint(std::int64_t seq, std::string_view hash, std::string_view at,
                                std::string_view key_id) {
  const auto js = [](std::string_view s) { return boost::json::string_view(s.data(), s.size()); };
  return CanonicalJson(boost::json::object{
                           {"seq", seq}, {"hash", js(hash)}, {"at", js(at)}, {"keyId", js(key_id)}})
      .value_or(std::string());
}

std::string CanonicalCheckpoint(const Checkpoint& c) {
  return CanonicalCheckpoint(c.seq, c.hash, FormatAuditTime(c.at), c.key_id);
}

namespace {

// {seq, hash, at (to the microsecond), keyId} signed over canonical(...) of it.
Checkpoint SignOver(std::string (*canonical)(const Checkpoint&), std::int64_t seq, std::string hash,
                    absl::Time at, const identity::SigningKey& key) {
  Checkpoint c;
  c.seq = seq;
  c.hash = std::move(hash);
  c.at = absl::FromUnixMicros(absl::ToUnixMicros(at));
  c.key_id = key.kid();
  c.signature = identity::Base64UrlEncode(key.Sign(canonical(c)));
  return c;
}

bool SignedOver(std::string (*canonical)(const Checkpoint&), const Checkpoint& c,
                const identity::VerificationKey& key) {
  const std::optional<std::string> signature = identity::Base64UrlDecode(c.signature);
  return signature.has_value() && key.alg() == "EdDSA" && key.Verify(canonical(c), *signature);
}

}  // namespace

Checkpoint SignCheckpoint(std::int64_t seq, std::string hash, absl::Time at,
                          const identity::SigningKey& key) {
  return SignOver(CanonicalCheckpoint, seq, std::move(hash), at, key);
}

bool CheckpointSignatureValid(const Checkpoint& c, const identity::VerificationKey& key) {
  return SignedOver(CanonicalCheckpoint, c, key);
}

std::string CanonicalAnchor(const Checkpoint& c) {
  return CanonicalJson(boost::json::object{{"purpose", "retentionAnchor"},
                                           {"seq", c.seq},
                                           {"hash", c.hash},
                                           {"at", FormatAuditTime(c.at)},
                                           {"keyId", c.key_id}})
      .value_or(std::string());
}

Checkpoint SignAnchor(std::int64_t seq, std::string hash, absl::Time at,
                      const identity::SigningKey& key) {
  return SignOver(CanonicalAnchor, seq, std::move(hash), at, key);
}

bool AnchorSignatureValid(const Checkpoint& c, const identity::VerificationKey& key) {
  return SignedOver(CanonicalAnchor, c, key);
}

void SignHeader(boost::json::object& header, const identity::SigningKey& key) {
  header.erase("signature");
  header["keyId"] = key.kid();
  const std::string canonical = CanonicalJson(header).value_or(std::string());
  header["signature"] = identity::Base64UrlEncode(key.Sign(canonical));
}

bool HeaderSignatureValid(const boost::json::object& header, const identity::VerificationKey& key) {
  const boost::json::value* signature = header.if_contains("signature");
  if (signature == nullptr || !signature->is_string()) return false;
  const std::optional<std::string> raw = identity::Base64UrlDecode(
      std::string_view(signature->get_string().data(), signature->get_string().size()));
  boost::json::object rest = header;
  rest.erase("signature");
  const std::optional<std::string> canonical = CanonicalJson(rest);
  return raw.has_value() && canonical.has_value() && key.alg() == "EdDSA" &&
         key.Verify(*canonical, *raw);
}

boost::json::object CheckpointToJson(const Checkpoint& c) {
  return boost::json::object{{"type", "checkpoint"}, {"seq", c.seq},
                             {"hash", c.hash},       {"at", FormatAuditTime(c.at)},
                             {"keyId", c.key_id},    {"signature", c.signature}};
}

}  // namespace pim::audit
