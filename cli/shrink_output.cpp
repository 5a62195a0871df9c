// mrsim shrink: the shrunk scenario written as people write scenarios (cli/shrink_output.h).
#include "cli/shrink_output.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/read_text.h"

namespace mrsim::shrink_output {

// `text` cut to at most `max` bytes at a UTF-8 character boundary, "..." marking a cut: the schema bounds a name
// to 200 characters and a description to 4000.
std::string cut(const std::string& text, size_t max) {
  if (text.size() <= max) return text;
  size_t n = max - 3;
  while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
  return text.substr(0, n) + "...";
}

std::string suffixed(const std::string& name, const std::string& suffix) {
  return cut(name, 200 - suffix.size()) + suffix;
}

// The written scenario reads like the file it came from: every object's keys in the order the original has them
// at the same place (name and description first; an array's element follows the original's element at its index,
// or its first), the keys the original lacks after them.
nlohmann::ordered_json like(const nlohmann::json& value, const nlohmann::ordered_json* original, bool top) {
  if (value.is_object()) {
    nlohmann::ordered_json out = nlohmann::ordered_json::object();
    auto add = [&](const std::string& key) {
      if (!value.contains(key) || out.contains(key)) return;
      const nlohmann::ordered_json* child =
          original && original->is_object() && original->contains(key) ? &(*original)[key] : nullptr;
      out[key] = like(value[key], child);
    };
    if (top) {
      add("name");
      add("description");
    }
    if (original && original->is_object())
      for (auto it = original->begin(); it != original->end(); ++it) add(it.key());
    for (auto it = value.begin(); it != value.end(); ++it) add(it.key());
    return out;
  }
  if (value.is_array()) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (size_t i = 0; i < value.size(); ++i) {
      // The original's first element with every key this one has (a fault of the same kind), else the one at i.
      const nlohmann::ordered_json* child = nullptr;
      if (original && original->is_array() && !original->empty()) {
        for (const auto& candidate : *original) {
          bool all = candidate.is_object() && value[i].is_object();
          for (auto it = value[i].begin(); all && it != value[i].end(); ++it) all = candidate.contains(it.key());
          if (all) {
            child = &candidate;
            break;
          }
        }
        if (!child) child = &(*original)[std::min(i, original->size() - 1)];
      }
      out.push_back(like(value[i], child));
    }
    return out;
  }
  return nlohmann::ordered_json(value);
}

// JSON on one line as people write it: a space after ':' and ','.
std::string one_line(const nlohmann::ordered_json& v) {
  const auto replace = nlohmann::ordered_json::error_handler_t::replace;
  if (!v.is_structured()) return v.dump(-1, ' ', false, replace);
  std::string s = v.is_object() ? "{" : "[";
  size_t k = 0;
  for (auto it = v.begin(); it != v.end(); ++it, ++k) {
    if (k) s += ", ";
    if (v.is_object()) s += nlohmann::ordered_json(it.key()).dump(-1, ' ', false, replace) + ": ";
    s += one_line(it.value());
  }
  return s + (v.is_object() ? "}" : "]");
}

// JSON as people write scenarios: a value whose one-line form fits in 100 columns stays on one line.
void write_json(std::ostream& out, const nlohmann::ordered_json& v, size_t indent) {
  const std::string line = one_line(v);
  if (!v.is_structured() || v.empty() || indent + line.size() <= 100) {
    out << line;
    return;
  }
  const std::string pad(indent + 2, ' ');
  out << (v.is_object() ? "{\n" : "[\n");
  size_t k = 0;
  for (auto it = v.begin(); it != v.end(); ++it, ++k) {
    out << pad;
    if (v.is_object()) out << one_line(it.key()) << ": ";
    write_json(out, it.value(), indent + 2);
    out << (k + 1 < v.size() ? ",\n" : "\n");
  }
  out << std::string(indent, ' ') << (v.is_object() ? "}" : "]");
}

nlohmann::ordered_json read_original(const std::string& path) {
  try {
    return nlohmann::ordered_json::parse(read_text_or_empty(path));
  } catch (const std::exception&) {
    return nlohmann::ordered_json();  // the loader has read it already; if it cannot be read again, keys stay sorted
  }
}

std::string default_out(const std::string& scenario) {
  return std::filesystem::path(scenario).stem().string() + ".shrunk.json";
}

}  // namespace mrsim::shrink_output
