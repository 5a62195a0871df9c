// A whole file's bytes, or "" if it cannot be read: for files mrsim wrote itself (a sweep's records, a child's
// report, a shrink's scenario it has already loaded). Scenario files go through sim/scenario.h's loader, which
// reports a file it cannot read as bad input.
#pragma once

#include <fstream>
#include <sstream>
#include <string>

namespace mrsim {

inline std::string read_text_or_empty(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace mrsim
