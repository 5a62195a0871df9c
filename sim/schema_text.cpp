// The wording of the schema's messages: how a value, a pointer, a type and a range are shown to the user. The table
// they describe is sim/schema_table.cpp.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "sim/schema.h"
#include "sim/schema_text.h"
#include "sim/units.h"

namespace mrsim {

using nlohmann::json;

namespace {
using T = FieldType;
}  // namespace

// Escapes what would break the one-line message (C0 controls, DEL) and replaces invalid UTF-8 with U+FFFD; valid
// UTF-8 passes unchanged.
std::string shown_text(const std::string& text, size_t max_bytes) {
  size_t cut = text.size();
  if (cut > max_bytes) {
    cut = max_bytes;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  }
  std::string out;
  for (size_t i = 0; i < cut;) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7F) {
      const char* named = c == '\n' ? "\\n" : c == '\t' ? "\\t" : c == '\r' ? "\\r" : nullptr;
      char buffer[8];
      if (!named) std::snprintf(buffer, sizeof buffer, "\\u%04x", c);
      out += named ? named : buffer;
      ++i;
      continue;
    }
    size_t length = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    bool valid = length > 0 && i + length <= cut;
    for (size_t k = 1; valid && k < length; ++k) valid = (static_cast<unsigned char>(text[i + k]) & 0xC0) == 0x80;
    if (!valid) {
      out += "\xEF\xBF\xBD";
      ++i;
      continue;
    }
    out.append(text, i, length);
    i += length;
  }
  if (cut < text.size()) out += "... (" + std::to_string(text.size()) + " bytes)";
  return out;
}

std::string shown_pointer(const std::string& pointer) {
  return pointer.empty() ? "(top level)" : shown_text(pointer, 2 * kMaxShownBytes);
}

std::string shown_string(const std::string& text) {
  if (text.size() <= kMaxShownBytes) return json(text).dump(-1, ' ', false, json::error_handler_t::replace);
  size_t cut = kMaxShownBytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  std::string quoted = json(text.substr(0, cut)).dump(-1, ' ', false, json::error_handler_t::replace);
  quoted.insert(quoted.size() - 1, "...");
  return quoted + " (" + std::to_string(text.size()) + " bytes)";
}

std::string count_of(size_t n, const std::string& singular, const std::string& plural) {
  return std::to_string(n) + " " + (n == 1 ? singular : plural);
}

std::string describe_json(const json& value) {
  if (value.is_object()) return value.empty() ? "{}" : "an object";
  if (value.is_string()) return shown_string(value.get<std::string>());
  // Depth is bounded (kMaxJsonDepth) before anything reaches here, so dump() cannot recurse too deep.
  std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
  if (text.size() <= kMaxShownBytes) return text;
  if (value.is_array()) return "a list of " + count_of(value.size(), "item", "items");
  return shown_text(text);
}

namespace schema_text {

std::vector<const FieldSpec*> children_of(const std::string& pattern) {
  std::vector<const FieldSpec*> out;
  for (const FieldSpec& row : scenario_schema()) {
    std::string path = row.path;
    if (path.size() > pattern.size() + 1 && path.compare(0, pattern.size(), pattern) == 0 &&
        path[pattern.size()] == '/' && path.find('/', pattern.size() + 1) == std::string::npos)
      out.push_back(&row);
  }
  return out;
}

std::string format_in_unit(FieldType type, double v) {
  if (v < 0) return "-" + format_in_unit(type, -v);
  switch (type) {
    case T::Duration:
      return format_duration(v);
    case T::Size:
      return format_size(v);
    case T::Bandwidth:
      return format_bandwidth(v);
    default:
      return format_number(v);
  }
}

std::string range_text(const FieldSpec& row) {
  bool lo = std::isfinite(row.min), hi = std::isfinite(row.max);
  bool is_list = row.type == T::ObjectList || row.type == T::RegionList || row.type == T::RegionGroups ||
                 row.type == T::NameList;
  if (row.type == T::String || row.type == T::Enum || row.type == T::Object || row.type == T::RegionName ||
      row.type == T::RegionPair || row.type == T::KeyRange || row.type == T::ReplicationModes ||
      row.type == T::Expectations || row.type == T::RegionMap || row.type == T::RegionWeights ||
      row.type == T::Seed || row.type == T::Boolean || row.type == T::Distribution)
    return "";
  if (is_list && row.min == 0 && !hi) return "";
  std::string a = lo ? format_in_unit(row.type, row.min) : "", b = hi ? format_in_unit(row.type, row.max) : "";
  std::string text;
  if (lo && hi)
    text = row.min_exclusive ? "> " + a + " and <= " + b : "from " + a + " to " + b;
  else if (lo)
    text = (row.min_exclusive ? "> " : ">= ") + a;
  else if (hi)
    text = "<= " + b;
  // The count that ends the text decides the noun: "from 0 to 1 item" reads wrong, but so does "<= 1 items".
  double last = hi ? row.max : row.min;
  return is_list ? text + (last == 1 ? " item" : " items") : text;
}

std::string type_noun(const FieldSpec& row) {
  switch (row.type) {
    case T::Object:
      return "an object";
    case T::ObjectList:
      return "a list of objects";
    case T::String:
      return "a string";
    case T::Enum:
      return "one of " + quoted_list(split_choices(row.choices), 16);  // every choice: the user needs them all
    case T::Integer:
      return "a whole number";
    case T::Seed:
      return "an unsigned 64-bit integer";
    case T::Number:
      return "a number";
    case T::Probability:
      return "a probability";
    case T::Duration:
      return "a duration";
    case T::Size:
      return "a size";
    case T::Bandwidth:
      return "a bandwidth";
    case T::RegionName:
      return "a region name";
    case T::RegionList:
      return "a list of region names";
    case T::RegionPair:
      return "a pair of region names";
    case T::KeyRange:
      return "a key range [first, last]";
    case T::RegionGroups:
      return "a list of lists of region names";
    case T::ReplicationModes:
      return "an object mapping replica regions to replication modes";
    case T::Expectations:
      return "an object mapping metrics to conditions such as \"<= 300\"";
    case T::RegionMap:
      return "an object mapping region names to region names";
    case T::RegionWeights:
      return "an object mapping region names to weights";
    case T::Boolean:
      return "true or false";
    case T::Distribution:
      return "a delay distribution";
    case T::NameList:
      return "a list of names";
  }
  return "a value";
}

std::string escape_token(const std::string& key) {
  std::string out;
  for (char c : key) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

std::string child(const std::string& pointer, const std::string& key) {
  return pointer + "/" + escape_token(key);
}
std::string child(const std::string& pointer, size_t index) {
  return pointer + "/" + std::to_string(index);
}

std::string last_token(const std::string& path) {
  return path.substr(path.rfind('/') + 1);
}

std::string join(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) out += (i ? sep : "") + items[i];
  return out;
}

std::vector<std::string> split_choices(const char* choices) {
  std::vector<std::string> out;
  std::stringstream in(choices);
  std::string item;
  while (std::getline(in, item, '|')) out.push_back(item);
  return out;
}

std::string quoted_list(const std::vector<std::string>& items, size_t max_items) {
  std::vector<std::string> q;
  for (size_t i = 0; i < items.size() && i < max_items; ++i) q.push_back(shown_string(items[i]));
  std::string out = join(q, ", ");
  if (items.size() > max_items) out += " and " + std::to_string(items.size() - max_items) + " more";
  return out;
}

namespace {

// Levenshtein distance, but only when it can be below `limit`: the length difference is a lower bound, and a key of
// 100 KB is not worth a quadratic table.
size_t edit_distance(const std::string& a, const std::string& b, size_t limit) {
  if ((a.size() > b.size() ? a.size() - b.size() : b.size() - a.size()) >= limit) return limit;
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

}  // namespace

void fail_foreign(const nlohmann::json& obj, const std::string& pointer, const std::string& key,
                  const std::string& why) {
  throw SchemaError(child(pointer, key), "no \"" + key + "\" " + why, describe_json(obj[key]));
}

std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  size_t best_distance = 3;
  for (const auto& c : candidates) {
    size_t d = edit_distance(word, c, best_distance);
    if (d < best_distance) best_distance = d, best = c;
  }
  return best.empty() ? "" : " (did you mean " + shown_string(best) + "?)";
}

}  // namespace schema_text

}  // namespace mrsim
