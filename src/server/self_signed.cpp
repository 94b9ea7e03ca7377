#include "pim/server/self_signed.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "boost/asio/ip/address.hpp"

namespace pim::server {
namespace {

struct Free {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(X509* p) const { X509_free(p); }
  void operator()(BIGNUM* p) const { BN_free(p); }
  void operator()(FILE* f) const { std::fclose(f); }
};
using Key = std::unique_ptr<EVP_PKEY, Free>;
using Cert = std::unique_ptr<X509, Free>;

absl::Status OpenSslError(const std::string& what) {
  return absl::InternalError(absl::StrCat("TLS certificate generation failed: ", what));
}

bool AddExtension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (ext == nullptr) return false;
  const bool ok = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return ok;
}

absl::StatusOr<Cert> MakeCertificate(EVP_PKEY* key, const std::string& common_name, X509* issuer,
                                     absl::Time now, absl::Duration validity) {
  Cert cert(X509_new());
  if (!cert) return OpenSslError("X509_new");
  X509_set_version(cert.get(), 2);
  unsigned char serial[16];
  if (RAND_bytes(serial, sizeof(serial)) != 1) return OpenSslError("RAND_bytes");
  serial[0] &= 0x7f;
  std::unique_ptr<BIGNUM, Free> bn(BN_bin2bn(serial, sizeof(serial), nullptr));
  if (!bn || BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert.get())) == nullptr) {
    return OpenSslError("serial");
  }
  // Backdated an hour for clients whose clocks run slightly behind.
  ASN1_TIME_set(X509_getm_notBefore(cert.get()), absl::ToTimeT(now - absl::Hours(1)));
  ASN1_TIME_set(X509_getm_notAfter(cert.get()), absl::ToTimeT(now + validity));
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("pim"),
                             -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1,
                             0);
  X509_set_issuer_name(cert.get(), issuer != nullptr ? X509_get_subject_name(issuer) : name);
  X509* signer = issuer != nullptr ? issuer : cert.get();
  if (!AddExtension(cert.get(), signer, NID_subject_key_identifier, "hash")) {
    return OpenSslError("subjectKeyIdentifier");
  }
  if (issuer == nullptr) {
    if (!AddExtension(cert.get(), signer, NID_basic_constraints, "critical,CA:TRUE,pathlen:0") ||
        !AddExtension(cert.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign")) {
      return OpenSslError("CA extensions");
    }
  }
  return cert;
}

absl::Status Sign(X509* cert, EVP_PKEY* key) {
  if (X509_sign(cert, key, EVP_sha256()) == 0) return OpenSslError("X509_sign");
  return absl::OkStatus();
}

absl::Status WritePem(const std::string& path, mode_t mode,
                      const std::function<bool(FILE*)>& write) {
  // Created with its final mode: a key is never readable by others, not even briefly.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return absl::PermissionDeniedError(absl::StrCat("cannot create ", path));
  std::unique_ptr<FILE, Free> f(::fdopen(fd, "w"));
  if (!f) {
    ::close(fd);
    return absl::UnavailableError(absl::StrCat("cannot open ", path));
  }
  if (!write(f.get())) return OpenSslError(absl::StrCat("writing ", path));
  ::fchmod(fd, mode);
  return absl::OkStatus();
}

std::string SubjectAltNames(const std::vector<std::string>& hostnames) {
  std::vector<std::string> parts;
  for (const std::string& h : hostnames) {
    boost::system::error_code ec;
    boost::asio::ip::make_address(h, ec);
    parts.push_back(absl::StrCat(ec ? "DNS:" : "IP:", h));
  }
  return absl::StrJoin(parts, ",");
}

}  // namespace

absl::StatusOr<CertificateFiles> EnsureSelfSignedCertificate(
    const std::string& directory, const std::vector<std::string>& hostnames, const Clock& clock) {
  namespace fs = std::filesystem;
  CertificateFiles files{directory + "/ca.pem", directory + "/server.pem",
                         directory + "/server.key", false};
  std::error_code ec;
  if (fs::exists(files.certificate_file, ec) && fs::exists(files.private_key_file, ec) &&
      fs::exists(files.ca_file, ec)) {
    return files;
  }
  fs::create_directories(directory, ec);
  if (ec) return absl::PermissionDeniedError(absl::StrCat("cannot create ", directory));
  ::chmod(directory.c_str(), 0700);
  if (hostnames.empty()) return absl::InvalidArgumentError("no TLS host names");

  const absl::Time now = clock.Now();
  Key ca_key(EVP_EC_gen("P-256"));
  Key server_key(EVP_EC_gen("P-256"));
  if (!ca_key || !server_key) return OpenSslError("EVP_EC_gen");

  auto ca = MakeCertificate(ca_key.get(), "pim local CA", nullptr, now, absl::Hours(24 * 3650));
  if (!ca.ok()) return ca.status();
  if (auto s = Sign(ca->get(), ca_key.get()); !s.ok()) return s;

  auto server =
      MakeCertificate(server_key.get(), hostnames.front(), ca->get(), now, absl::Hours(24 * 397));
  if (!server.ok()) return server.status();
  X509* leaf = server->get();
  if (!AddExtension(leaf, ca->get(), NID_authority_key_identifier, "keyid:always") ||
      !AddExtension(leaf, ca->get(), NID_basic_constraints, "critical,CA:FALSE") ||
      !AddExtension(leaf, ca->get(), NID_key_usage, "critical,digitalSignature") ||
      !AddExtension(leaf, ca->get(), NID_ext_key_usage, "serverAuth") ||
      !AddExtension(leaf, ca->get(), NID_subject_alt_name, SubjectAltNames(hostnames))) {
    return OpenSslError("server extensions");
  }
  if (auto s = Sign(leaf, ca_key.get()); !s.ok()) return s;

  X509* ca_cert = ca->get();
  const auto write_key = [](EVP_PKEY* k) {
    return [k](FILE* f) {
      return PEM_write_PrivateKey(f, k, nullptr, nullptr, 0, nullptr, nullptr) == 1;
    };
  };
  if (auto s = WritePem(directory + "/ca.key", 0600, write_key(ca_key.get())); !s.ok()) return s;
  if (auto s = WritePem(files.private_key_file, 0600, write_key(server_key.get())); !s.ok()) {
    return s;
  }
  if (auto s = WritePem(
          files.certificate_file, 0644,
          [&](FILE* f) { return PEM_write_X509(f, leaf) == 1 && PEM_write_X509(f, ca_cert) == 1; });
      !s.ok()) {
    return s;
  }
  if (auto s =
          WritePem(files.ca_file, 0644, [&](FILE* f) { return PEM_write_X509(f, ca_cert) == 1; });
      !s.ok()) {
    return s;
  }
  files.created = true;
  return files;
}

}  // namespace pim::server
