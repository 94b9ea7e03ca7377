#include "pim/server/json_log.h"

#include <unistd.h>

#include <array>
#include <cerrno>
#include <climits>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "boost/json/serializer.hpp"
#include "pim/domain/iso8601.h"
#include "pim/engine/clock.h"

namespace pim::server {
namespace {

// One write(2) per line. POSIX guarantees that a pipe never interleaves writes of at most
// PIPE_BUF bytes, and Linux does not split such writes to files or stream sockets either, so
// ordinary lines take no lock; longer ones are serialised among themselves.
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
  // Written straight into the line: keys and values are serialised in place, so a typical line
  // allocates only its text.
  std::string text = absl::StrCat(R"({"time":")", FormatDateTime(clock.Now()), R"(","level":")",
                                  level == LogLevel::kInfo      ? "info"
                                  : level == LogLevel::kWarning ? "warning"
                                                                : "error",
                                  R"(","event":)");
  text.reserve(256);
  std::array<char, 256> chunk;
  auto append = [&](boost::json::serializer& out) {
    while (!out.done()) {
      const std::string_view part = out.read(chunk.data(), chunk.size());
      text.append(part.data(), part.size());
    }
  };
  boost::json::serializer out;
  out.reset(boost::json::string_view(event.data(), event.size()));
  append(out);
  for (const auto& [key, value] : fields) {
    if (key == "time" || key == "level" || key == "event") continue;  // never shadowed
    text += ',';
    out.reset(key);
    append(out);
    text += ':';
    out.reset(&value);
    append(out);
  }
  text += "}\n";
  WriteLine(text);
}

}  // namespace pim::server
