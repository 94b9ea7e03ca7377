#include <string>
#include <string_view>
#include <vector>

#include "odata_text.h"
#include "pim/api/odata/query.h"

namespace pim::api::odata {

boost::json::object Project(const boost::json::object& entity,
                            const std::vector<std::string>& select) {
  if (select.empty()) return entity;
  boost::json::object out;
  for (const auto& member : entity) {
    const std::string_view key(member.key().data(), member.key().size());
    // "@odata.type" and friends always; "group@odata.context" with its property.
    const std::size_t at = key.find('@');
    bool keep = key.starts_with("@odata.");
    const std::string_view property = key.substr(0, at);
    for (const std::string& wanted : select) {
      keep = keep || internal::EqualsIgnoreCase(property, wanted);
    }
    if (keep) out.emplace(member.key(), member.value());
  }
  return out;
}

}  // namespace pim::api::odata
