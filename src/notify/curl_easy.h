// RAII for one libcurl easy handle and its header/recipient lists; shared by the channels.
// Private to pim_notify. curl_global_init must have run (pimd's main does it once).
#pragma once

#include <curl/curl.h>

#include <memory>
#include <string>

namespace pim::notify::internal {

struct CurlDeleter {
  void operator()(CURL* h) const { curl_easy_cleanup(h); }
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using CurlHandle = std::unique_ptr<CURL, CurlDeleter>;
using CurlList = std::unique_ptr<curl_slist, CurlDeleter>;

// Appends `value` to `list` (which may be empty); false when libcurl is out of memory.
inline bool Append(CurlList& list, const std::string& value) {
  curl_slist* grown = curl_slist_append(list.get(), value.c_str());
  if (grown == nullptr) return false;
  (void)list.release();
  list.reset(grown);
  return true;
}

}  // namespace pim::notify::internal
