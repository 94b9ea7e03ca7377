// Structured logs: one JSON object per line on stderr, with a time, a level and an event name.
// Callers never pass secrets (tokens, passwords, keys) as fields. Thread-safe.
#pragma once

#include <string_view>

#include "boost/json/object.hpp"

namespace pim::server {

enum class LogLevel { kInfo, kWarning, kError };

// Writes {"time":..., "level":..., "event": event, ...fields} as one line; a field named time,
// level or event is left out rather than repeat those keys.
void LogJson(LogLevel level, std::string_view event, const boost::json::object& fields = {});

}  // namespace pim::server
