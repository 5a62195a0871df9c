// Loading a scenario: read the file, parse JSON, apply --set overrides and --seed, validate against the schema table
// (sim/schema.cpp), fill defaults, and build the typed Scenario with its canonical JSON and hash.
//
// Every user mistake becomes one InputError whose what() is the whole one-line message:
//   <file>: <json pointer>: expected <what>, found <what was there>
// The loader never prints and never exits; the CLI prints the message and exits with code 2.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/scenario.h"

namespace mrsim {

struct InputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// `sets` are the --set arguments ("PATH=VALUE"), applied in order; `seed_override` is --seed.
Scenario load_scenario_file(const std::string& path, const std::vector<std::string>& sets,
                            std::optional<uint64_t> seed_override);
// As above, for text already in memory; `origin` stands for the file name in messages and gives the default name.
Scenario load_scenario_text(const std::string& text, const std::string& origin, const std::vector<std::string>& sets,
                            std::optional<uint64_t> seed_override);

// The file's JSON with the --set overrides applied, neither validated nor filled with defaults (load_scenario_file
// does both): what `mrsim shrink` edits and writes back. Throws InputError for an unreadable file, bad JSON or a bad
// --set path, as load_scenario_file does.
nlohmann::json scenario_document(const std::string& path, const std::vector<std::string>& sets);

// The text of docs/scenarios.md, generated from the schema table.
std::string scenario_reference_markdown();

}  // namespace mrsim
