// Settings shared by the API surfaces.
#pragma once

#include <cstdint>
#include <string>

namespace pim::api {

struct ApiOptions {
  std::string tenant_id = "00000000-0000-4000-8000-000000000000";
  int64_t page_size = 100;  // default and maximum items per page
};

}  // namespace pim::api
