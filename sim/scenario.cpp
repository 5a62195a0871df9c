#include "sim/scenario.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "sim/expect.h"
#include "sim/faults_random.h"
#include "sim/scenario_build.h"
#include "sim/scenario_json.h"
#include "sim/scenario_loader.h"
#include "sim/schema.h"
#include "sim/units.h"

namespace mrsim {

using nlohmann::json;

const char* to_string(SessionStrategy strategy) {
  switch (strategy) {
    case SessionStrategy::None: return "none";
    case SessionStrategy::Sticky: return "sticky";
    case SessionStrategy::ReadOwnWritesWindow: return "read-own-writes-window";
    case SessionStrategy::MinVersion: return "min-version";
    case SessionStrategy::PrimaryReads: return "primary-reads";
  }
  return "unknown";
}

int Scenario::region_index(const std::string& region) const {
  for (size_t i = 0; i < regions.size(); ++i)
    if (regions[i].name == region) return static_cast<int>(i);
  return -1;
}

namespace {

// Bound on what we read: scenario files are hand-written; a multi-megabyte one is a wrong path, not a scenario.
constexpr size_t kMaxScenarioBytes = 16 * 1024 * 1024;

// The one line the CLI prints. Every part that echoes user text has been cut already (shown_text and friends); the
// whole is escaped once more so that nothing, the file name included, can break it over two lines.
std::string message(const std::string& origin, const std::string& where, const std::string& expected,
                    const std::string& found) {
  return shown_text(origin + ": " + where + ": expected " + expected + ", found " + found, std::string::npos);
}

std::string escape_token(const std::string& key) {
  std::string out;
  for (char c : key) out += c == '~' ? "~0" : c == '/' ? "~1" : std::string(1, c);
  return out;
}

std::string read_file(const std::string& path) {
  const std::string shown = shown_text(path, std::string::npos);  // a file name may hold a newline, too
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw InputError(shown + ": cannot open: is a directory");
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (!file) throw InputError(shown + ": cannot open: " + std::strerror(errno));
  std::string text;
  char buffer[65536];
  size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, file)) > 0) {
    text.append(buffer, n);
    if (text.size() > kMaxScenarioBytes) {
      std::fclose(file);
      throw InputError(shown + ": cannot read: larger than 16 MiB, which no scenario is");
    }
  }
  bool failed = std::ferror(file);
  int error = errno;
  std::fclose(file);
  if (failed) throw InputError(shown + ": cannot read: " + std::strerror(error));
  return text;
}

json parse_json(const std::string& text, const std::string& origin) {
  try {
    return parse_scenario_json(text);
  } catch (const JsonTextError& e) {
    throw InputError(message(origin, e.where, e.expected, e.found));
  }
}

struct AppliedSet {
  std::string pointer;
  std::string argument;
};

// Splits "a.b.0" or "/a/b/0" into tokens.
std::vector<std::string> path_tokens(const std::string& path) {
  std::vector<std::string> tokens;
  if (path.empty()) return tokens;
  bool is_pointer = path[0] == '/';
  char sep = is_pointer ? '/' : '.';
  size_t start = is_pointer ? 1 : 0;
  while (true) {
    size_t end = path.find(sep, start);
    std::string token = path.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (is_pointer) {
      std::string unescaped;
      for (size_t i = 0; i < token.size(); ++i) {
        if (token[i] == '~' && i + 1 < token.size() && (token[i + 1] == '0' || token[i + 1] == '1')) {
          unescaped += token[i + 1] == '0' ? '~' : '/';
          ++i;
        } else {
          unescaped += token[i];
        }
      }
      token = unescaped;
    }
    tokens.push_back(token);
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return tokens;
}

bool parse_index(const std::string& token, size_t& index) {
  if (token.empty() || token.size() > 9) return false;
  for (char c : token)
    if (c < '0' || c > '9') return false;
  if (token.size() > 1 && token[0] == '0') return false;  // "01" is not an index in a JSON pointer
  index = std::stoul(token);
  return true;
}

bool is_array_type(FieldType t) {
  return t == FieldType::ObjectList || t == FieldType::RegionList || t == FieldType::RegionPair ||
         t == FieldType::KeyRange || t == FieldType::RegionGroups || t == FieldType::NameList;
}

// Applies one --set to the raw document. The path must name something the schema knows; the value itself is checked
// by the validation that follows, like any value in the file. Returns the pointer it set.
std::string apply_set(json& root, const std::string& argument, const std::string& origin) {
  auto fail = [&](const std::string& expected, const std::string& found) -> InputError {
    return InputError(message(origin, "--set " + shown_text(argument), expected, found));
  };
  size_t eq = argument.find('=');
  if (eq == std::string::npos) throw fail("PATH=VALUE", "no \"=\"");
  std::string path = argument.substr(0, eq), text = argument.substr(eq + 1);
  std::vector<std::string> tokens = path_tokens(path);
  if (tokens.empty() || (tokens.size() == 1 && tokens[0].empty()))
    throw fail("a field path such as routing.ttl or /routing/ttl before \"=\"", "an empty path");
  json value;
  try {
    value = parse_scenario_json(text);
  } catch (const JsonTextError& e) {
    // "300s" is not JSON; take it as the string it obviously is. JSON beyond our bounds (1e400, deep nesting) is
    // meant as JSON, so it is an error here rather than a string that fails later for a reason nobody wrote.
    if (!e.syntax) {
      bool top = e.where == "(top level)" || e.where.rfind("line ", 0) == 0;
      throw fail(e.expected + (top ? "" : " (in VALUE at " + e.where + ")"), e.found);
    }
    value = text;
  }

  if (!root.is_object()) throw fail("a scenario file holding a JSON object", describe_json(root));
  // Where we are: the schema row of the current node (nullptr = the root or a list element, both plain objects),
  // and whether that node is an object with schema keys, a list of such objects, a free-form map, or inside a value.
  enum class Kind { Object, List, Map, Value } kind = Kind::Object;
  std::string pattern, pointer;
  json* node = &root;
  for (size_t i = 0; i < tokens.size(); ++i) {
    const std::string& token = tokens[i];
    bool last = i + 1 == tokens.size();
    if (token.empty()) throw fail("no empty component in the path", shown_string(path));
    std::string at = pointer + "/" + escape_token(token);
    if (kind == Kind::Object || kind == Kind::Map) {
      if (!node->is_object())
        throw InputError(message(origin, shown_pointer(pointer),
                                 "an object (to apply --set " + shown_text(argument) + ")", describe_json(*node)));
      if (kind == Kind::Map) {
        if (!last)
          throw fail("nothing after " + shown_pointer(at) + " (its value is a single condition or mode)", "more path");
        (*node)[token] = value;
        return at;
      }
      const FieldSpec* row = schema_row_for(pattern + "/" + token);
      if (!row) throw fail(known_keys_expectation(pattern, token), "unknown key " + shown_string(token));
      pattern += "/" + token;
      pointer = at;
      if (last) {
        (*node)[token] = value;
        return pointer;
      }
      const bool map = row->type == FieldType::ReplicationModes || row->type == FieldType::Expectations ||
                       row->type == FieldType::RegionMap || row->type == FieldType::RegionWeights;
      bool container = row->type == FieldType::Object || map || is_array_type(row->type);
      if (!container) throw fail("nothing after " + pointer + " (a single value)", shown_string(tokens[i + 1]));
      if (!node->contains(token)) (*node)[token] = is_array_type(row->type) ? json::array() : json::object();
      node = &(*node)[token];
      kind = row->type == FieldType::Object                                                     ? Kind::Object
             : row->type == FieldType::ObjectList                                               ? Kind::List
             : map                                                                              ? Kind::Map
                                                                                                : Kind::Value;
      continue;
    }
    // List or Value: the token indexes an existing element.
    if (!node->is_array())
      throw InputError(message(origin, shown_pointer(pointer), "a list (to apply --set " + shown_text(argument) + ")",
                               describe_json(*node)));
    size_t index = 0;
    if (!parse_index(token, index)) throw fail("an index into the list " + pointer, shown_string(token));
    if (index >= node->size())
      throw fail("an index below " + std::to_string(node->size()) + " (" + pointer + " has " +
                     count_of(node->size(), "item", "items") + ")",
                 "index " + token);
    pointer = at;
    if (last) {
      (*node)[index] = value;
      return pointer;
    }
    node = &(*node)[index];
    if (kind == Kind::List) {
      pattern += "/*";
      kind = Kind::Object;
    }
  }
  return pointer;  // not reached: the loop returns at the last token
}

std::string fnv1a64_hex(const std::string& text) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  char out[17];
  std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(h));
  return out;
}

std::vector<std::string> alias_names() {
  std::vector<std::string> names;
  for (const ExpectationAlias& a : expectation_aliases()) names.push_back(a.name);
  return names;
}

}  // namespace

Scenario load_scenario_text(const std::string& text, const std::string& origin, const std::vector<std::string>& sets,
                            std::optional<uint64_t> seed_override) {
  json document = parse_json(text, origin);
  std::vector<AppliedSet> applied;
  for (const std::string& argument : sets) applied.push_back({apply_set(document, argument, origin), argument});
  if (seed_override && document.is_object()) document["seed"] = *seed_override;

  std::string stem = std::filesystem::path(origin).stem().string();
  try {
    validate_scenario_json(document, stem, alias_names());
  } catch (const SchemaError& e) {
    // A bad value that came from the command line is reported where it landed, and says which --set put it there.
    std::string from;
    for (const AppliedSet& set : applied) {
      const std::string& p = set.pointer;
      if (e.pointer == p || e.pointer.rfind(p + "/", 0) == 0) from = " (from --set " + shown_text(set.argument) + ")";
    }
    throw InputError(message(origin, shown_pointer(e.pointer), e.expected, e.found) + from);
  }
  Scenario scenario = build_scenario(document);
  scenario.source_path = origin;
  // Random faults become plain faults after the file's own, so that a plain fault's index never moves.
  try {
    for (FaultConfig& f : expand_random_faults(scenario)) scenario.faults.push_back(std::move(f));
  } catch (const SchemaError& e) {
    throw InputError(message(origin, shown_pointer(e.pointer), e.expected, e.found));
  }
  // nlohmann::json keeps keys sorted, so this text is canonical. Invalid UTF-8 can only reach here through a --set
  // of a free-text field (name, description); replacing it beats failing after validation passed.
  scenario.canonical_json = document.dump(-1, ' ', false, json::error_handler_t::replace);
  scenario.hash = fnv1a64_hex(scenario.canonical_json);
  return scenario;
}

Scenario load_scenario_file(const std::string& path, const std::vector<std::string>& sets,
                            std::optional<uint64_t> seed_override) {
  return load_scenario_text(read_file(path), path, sets, seed_override);
}

nlohmann::json scenario_document(const std::string& path, const std::vector<std::string>& sets) {
  json document = parse_json(read_file(path), path);
  for (const std::string& argument : sets) apply_set(document, argument, path);
  return document;
}

std::string scenario_reference_markdown() {
  std::vector<std::pair<std::string, std::string>> aliases;
  for (const ExpectationAlias& a : expectation_aliases()) aliases.emplace_back(a.name, a.meaning);
  return schema_reference_markdown(aliases);
}

}  // namespace mrsim
