// libFuzzer target: the scenario loader and validator (load_scenario_text), on arbitrary bytes, with and without
// --set overrides taken from the input. An InputError is the correct answer to bad input; any other exception, a
// crash, a sanitizer report, a leak, a time-out (-timeout) or running out of memory (-rss_limit_mb) is a finding.
//
// Input: the scenario text, optionally followed by overrides, each introduced by "\n--set " (at most four are used):
//   {"regions": [...], ...}
//   --set routing.ttl=300s
//   --set /clients/0/count=5
// so a finding replays with the CLI too: put the text before the first "\n--set " in a file F and run
// `mrsim validate F --set routing.ttl=300s --set /clients/0/count=5` (docs/hardening.md).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/scenario_loader.h"

namespace {

constexpr size_t kMaxSets = 4;
constexpr const char* kSetMarker = "\n--set ";

void load(const std::string& text, const std::vector<std::string>& sets) {
  try {
    mrsim::load_scenario_text(text, "<fuzz>", sets, std::nullopt);
  } catch (const mrsim::InputError&) {
    // the loader's one correct way to refuse
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  const std::string marker = kSetMarker;
  size_t at = input.find(marker);
  const std::string text = input.substr(0, at);
  std::vector<std::string> sets;
  while (at != std::string::npos && sets.size() < kMaxSets) {
    const size_t begin = at + marker.size();
    at = input.find(marker, begin);
    sets.push_back(input.substr(begin, at == std::string::npos ? std::string::npos : at - begin));
  }
  if (at == std::string::npos && !sets.empty() && !sets.back().empty() && sets.back().back() == '\n')
    sets.back().pop_back();  // the file's final newline is not part of the last override
  load(text, {});
  if (!sets.empty()) load(text, sets);
  return 0;
}
