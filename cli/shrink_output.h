// Internal to mrsim shrink (cli/shrink.cpp): the shrunk scenario written as people write scenarios, keys in the
// original file's order and short values on one line (cli/shrink_output.cpp).
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

namespace mrsim::shrink_output {

// `text` cut to at most `max` bytes at a UTF-8 character boundary, "..." marking a cut.
std::string cut(const std::string& text, size_t max);
// `name` with `suffix`, cut to the schema's 200 characters.
std::string suffixed(const std::string& name, const std::string& suffix);
// `value` with every object's keys in the order `original` has them at the same place.
nlohmann::ordered_json like(const nlohmann::json& value, const nlohmann::ordered_json* original, bool top = false);
// JSON on one line as people write it: a space after ':' and ','.
std::string one_line(const nlohmann::ordered_json& v);
// JSON as people write scenarios: a value whose one-line form fits in 100 columns stays on one line.
void write_json(std::ostream& out, const nlohmann::ordered_json& v, size_t indent);
// The scenario file as written, keys in its order; null when it cannot be read again.
nlohmann::ordered_json read_original(const std::string& path);
// <scenario's stem>.shrunk.json, in the current directory.
std::string default_out(const std::string& scenario);

}  // namespace mrsim::shrink_output
