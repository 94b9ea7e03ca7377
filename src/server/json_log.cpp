#include "pim/server/json_log.h"

#include <unistd.h>

#include <array>
#include <cerrno>
#include <climits>
#include <optional>
#include <string>

#include "absl/synchronization/mutex.h"
#include "boost/json/monotonic_resource.hpp"
#include "boost/json/serialize.hpp"
#include "pim/domain/iso8601.h"
#include "pim/engine/clock.h"

namespace pim::server {
namespace {

// One write(2) per line. A write of at most PIPE_BUF bytes is never interleaved with another
// (pipes guarantee it; files and sockets do not split such writes either), so ordinary lines
// take no lock; longer ones are serialised among themselves.
void WriteLine(std::string_view text) {
  static absl::Mutex long_lines(absl::kConstInit);
  std::optional<absl::MutexLock> lock;
  if (text.size() > PIPE_BUF) lock.emplace(&long_lines);
  while (!text.empty()) {
    const ssize_t written = ::write(STDERR_FILENO, text.data(), text.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return;  // nowhere left to report it
    }
    text.remove_prefix(static_cast<std::size_t>(written));
  }
}

}  // namespace

void LogJson(LogLevel level, std::string_view event, const boost::json::object& fields) {
  static const SystemClock clock;
  // The line is assembled in a stack arena: a typical line allocates only its text.
  std::array<unsigned char, 2048> arena;
  boost::json::monotonic_resource memory(arena.data(), arena.size());
  boost::json::object line(&memory);
  line.reserve(3 + fields.size());
  line["time"] = FormatDateTime(clock.Now());
  line["level"] = level == LogLevel::kInfo      ? "info"
                  : level == LogLevel::kWarning ? "warning"
                                                : "error";
  line["event"] = event;
  for (const auto& [key, value] : fields) line[key] = value;
  std::string text = boost::json::serialize(line);
  text += '\n';
  WriteLine(text);
}

}  // namespace pim::server
