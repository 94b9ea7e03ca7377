// Helpers shared by the fuzz targets that drive a whole service: inputs made of lines, and a
// world (engine, store, services) rebuilt every so many inputs so that what earlier inputs
// created stays bounded.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "pim/api/http.h"

namespace pim::fuzz {

// The text of `rest` up to its first '\n' (all of it when there is none); `rest` moves past it.
inline std::string_view NextLine(std::string_view& rest) {
  const std::size_t newline = rest.find('\n');
  const std::string_view line = rest.substr(0, newline);
  rest = newline == std::string_view::npos ? std::string_view() : rest.substr(newline + 1);
  return line;
}

// A request whose method and target are the first two lines of `rest`; `rest` moves past them
// (what follows is each target's own: header lines, the body).
inline pim::api::HttpRequest RequestFromLines(std::string_view& rest) {
  pim::api::HttpRequest request;
  request.method = std::string(NextLine(rest));
  request.target = std::string(NextLine(rest));
  return request;
}

// The process's World, built anew on the first call and after every `rounds` calls.
template <typename World>
World& WorldRebuiltEvery(int rounds) {
  static std::unique_ptr<World> world;
  static int used = 0;
  if (world == nullptr || ++used >= rounds) {
    world.reset();
    world = std::make_unique<World>();
    used = 0;
  }
  return *world;
}

}  // namespace pim::fuzz
