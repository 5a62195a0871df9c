// Reading scenario JSON text — a file, or the VALUE of a --set — strictly and within bounds, so that no text can
// crash or hang what comes after it:
// - duplicate keys are errors (nlohmann would keep the last one silently, and a copy-pasted block with one edit is
//   exactly the mistake that should not pass);
// - nesting is at most kMaxJsonDepth levels (the parser itself is iterative, but dumping, describing and validating a
//   value recurse, and 100,000 nested arrays overflow the stack);
// - every number fits a double: 1e400 overflows and 1e-400 underflows to 0, both errors rather than an exception
//   with no position or a silent zero; "-0" and "-0.0" read as 0.
// Comments are not allowed.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

namespace mrsim {

// A scenario needs five levels (/faults/0/groups/1/0); 64 leaves room for any value a --set or expect key could
// reasonably hold, and keeps every recursive walk of a document far from the stack's limit.
constexpr size_t kMaxJsonDepth = 64;

// `where` is "line L, column C" for text that is not JSON, else the JSON pointer of the offending value, followed by
// " (line L, column C)" when the parser knows the position. `syntax` is true when the text is not JSON at all (a
// --set VALUE is then taken as a plain string) and false when it is JSON beyond our bounds.
struct JsonTextError : std::runtime_error {
  JsonTextError(std::string where_, std::string expected_, std::string found_, bool syntax_);
  std::string where;
  std::string expected;
  std::string found;
  bool syntax;
};

nlohmann::json parse_scenario_json(const std::string& text);

}  // namespace mrsim
