#include "pim/server/json_log.h"

#include <cstdio>

#include "absl/synchronization/mutex.h"
#include "boost/json/serialize.hpp"
#include "pim/domain/iso8601.h"
#include "pim/engine/clock.h"

namespace pim::server {

void LogJson(LogLevel level, std::string_view event, const boost::json::object& fields) {
  static absl::Mutex mu(absl::kConstInit);
  static const SystemClock clock;
  boost::json::object line;
  line["time"] = FormatDateTime(clock.Now());
  line["level"] = level == LogLevel::kInfo      ? "info"
                  : level == LogLevel::kWarning ? "warning"
                                                : "error";
  line["event"] = event;
  for (const auto& [key, value] : fields) line[key] = value;
  const std::string text = boost::json::serialize(line) + "\n";
  absl::MutexLock lock(&mu);
  std::fwrite(text.data(), 1, text.size(), stderr);
  std::fflush(stderr);
}

}  // namespace pim::server
