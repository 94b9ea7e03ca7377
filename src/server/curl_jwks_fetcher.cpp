#include "pim/server/curl_jwks_fetcher.h"

#include <curl/curl.h>

#include <memory>
#include <string_view>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace pim::server {
namespace {

// Cache-Control values beyond this are ignored (the header callback sees every header line).
constexpr size_t kMaxCacheControlBytes = 4096;

// What the callbacks collect during one transfer.
struct Transfer {
  size_t max_body_bytes = 0;
  std::string body;
  bool too_large = false;
  std::string cache_control;  // of the last answer (a redirect starts a new one)
};

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const size_t n = size * count;
  if (n > transfer->max_body_bytes - transfer->body.size()) {
    transfer->too_large = true;
    return 0;  // makes libcurl stop with CURLE_WRITE_ERROR
  }
  transfer->body.append(data, n);
  return n;
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const size_t n = size * count;
  const absl::string_view line(data, n);
  constexpr absl::string_view kName = "cache-control:";
  if (absl::StartsWith(line, "HTTP/")) {
    transfer->cache_control.clear();
  } else if (absl::StartsWithIgnoreCase(line, kName)) {
    const absl::string_view value = absl::StripAsciiWhitespace(line.substr(kName.size()));
    if (transfer->cache_control.size() + value.size() < kMaxCacheControlBytes) {
      if (!transfer->cache_control.empty()) transfer->cache_control += ", ";
      absl::StrAppend(&transfer->cache_control, value);
    }
  }
  return n;
}

struct CurlDeleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

}  // namespace

CurlLibrary::CurlLibrary() { ok_ = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK; }

CurlLibrary::~CurlLibrary() {
  if (ok_) curl_global_cleanup();
}

CurlJwksFetcher::CurlJwksFetcher(CurlJwksFetcherOptions options) : options_(std::move(options)) {}

absl::StatusOr<accounts::FetchedDocument> CurlJwksFetcher::Fetch(const std::string& url) {
  if (absl::Status valid = accounts::ValidateJwksUri(url); !valid.ok()) return valid;
  const std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (curl == nullptr) return absl::UnavailableError("cannot fetch a JWKS: libcurl did not start");
  CURL* const h = curl.get();
  const bool https = absl::StartsWithIgnoreCase(url, "https://");
  Transfer transfer;
  transfer.max_body_bytes = options_.max_body_bytes;
  char error[CURL_ERROR_SIZE] = {};
  std::unique_ptr<curl_slist, SlistDeleter> headers(
      curl_slist_append(nullptr, "Accept: application/jwk-set+json, application/json"));

  // Every option is set explicitly, the secure defaults included, so the policy reads here.
  bool set = curl_easy_setopt(h, CURLOPT_URL, url.c_str()) == CURLE_OK;
  // http:// passed ValidateJwksUri only for a loopback host; a redirect must go to https://.
  set &= curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, https ? "https" : "http,https") == CURLE_OK;
  set &= curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "https") == CURLE_OK;
  set &= curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L) == CURLE_OK;
  set &=
      curl_easy_setopt(h, CURLOPT_MAXREDIRS, static_cast<long>(options_.max_redirects)) == CURLE_OK;
  set &= curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L) == CURLE_OK;
  set &= curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L) == CURLE_OK;
  set &= curl_easy_setopt(h, CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2)) ==
         CURLE_OK;
  if (!options_.ca_file.empty()) {
    // The issuer's CA file alone: without clearing CAPATH, the system's CA directory would
    // still be trusted next to it.
    set &= curl_easy_setopt(h, CURLOPT_CAINFO, options_.ca_file.c_str()) == CURLE_OK;
    set &= curl_easy_setopt(h, CURLOPT_CAPATH, nullptr) == CURLE_OK;
  }
  set &= curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                          static_cast<long>(absl::ToInt64Milliseconds(options_.connect_timeout))) ==
         CURLE_OK;
  set &= curl_easy_setopt(h, CURLOPT_TIMEOUT_MS,
                          static_cast<long>(absl::ToInt64Milliseconds(options_.total_timeout))) ==
         CURLE_OK;
  set &= curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE,
                          static_cast<curl_off_t>(options_.max_body_bytes)) == CURLE_OK;
  set &= curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L) == CURLE_OK;  // threads: no SIGALRM
  set &= curl_easy_setopt(h, CURLOPT_HTTPGET, 1L) == CURLE_OK;
  set &= curl_easy_setopt(h, CURLOPT_USERAGENT, "pimd") == CURLE_OK;
  set &= curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get()) == CURLE_OK;
  set &= curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error) == CURLE_OK;
  set &= curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &OnBody) == CURLE_OK;
  set &= curl_easy_setopt(h, CURLOPT_WRITEDATA, &transfer) == CURLE_OK;
  set &= curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &OnHeader) == CURLE_OK;
  set &= curl_easy_setopt(h, CURLOPT_HEADERDATA, &transfer) == CURLE_OK;
  if (!set) return absl::UnavailableError("cannot fetch a JWKS: libcurl refused an option");

  const CURLcode rc = curl_easy_perform(h);
  if (transfer.too_large || rc == CURLE_FILESIZE_EXCEEDED) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "the JWKS document at ", url, " is larger than ", options_.max_body_bytes, " bytes"));
  }
  if (rc != CURLE_OK) {
    std::string why = error[0] != '\0' ? std::string(error) : std::string(curl_easy_strerror(rc));
    // The URL itself passed ValidateJwksUri, so a refused protocol is a redirect's.
    if (rc == CURLE_UNSUPPORTED_PROTOCOL) why = "it redirects to a URL that is not https://";
    return absl::UnavailableError(absl::StrCat("cannot fetch ", url, ": ", why));
  }
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  if (status != 200) {
    return absl::UnavailableError(
        absl::StrCat("cannot fetch ", url, ": it answered HTTP ", status));
  }
  return accounts::FetchedDocument{std::move(transfer.body),
                                   accounts::CacheControlMaxAge(transfer.cache_control)};
}

}  // namespace pim::server
