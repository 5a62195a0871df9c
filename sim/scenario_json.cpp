#include "sim/scenario_json.h"

#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "sim/schema.h"

namespace mrsim {

using nlohmann::json;

JsonTextError::JsonTextError(std::string where_, std::string expected_, std::string found_, bool syntax_)
    : std::runtime_error(where_ + ": expected " + expected_ + ", found " + found_),
      where(std::move(where_)),
      expected(std::move(expected_)),
      found(std::move(found_)),
      syntax(syntax_) {}

namespace {

std::string escape_token(const std::string& key) {
  std::string out;
  for (char c : key) out += c == '~' ? "~0" : c == '/' ? "~1" : std::string(1, c);
  return out;
}

std::string line_and_column(const std::string& text, size_t offset) {
  offset = std::min(offset, text.size());
  size_t line = 1, line_start = 0;
  for (size_t i = 0; i < offset; ++i)
    if (text[i] == '\n') ++line, line_start = i + 1;
  return "line " + std::to_string(line) + ", column " + std::to_string(offset - line_start + 1);
}

// Offset of the first '[' or '{' that opens level `depth` (the top-level value is level 1), outside strings. Called
// only after the parser accepted everything before that bracket, so the text up to it is well-formed JSON.
size_t offset_of_level(const std::string& text, size_t depth) {
  size_t level = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++level == depth) return i;
    } else if (c == ']' || c == '}') {
      --level;
    }
  }
  return text.size();
}

bool has_nonzero_digit(const std::string& number) {
  for (char c : number.substr(0, number.find_first_of("eE")))
    if (c >= '1' && c <= '9') return true;
  return false;
}

const char* const kOverflowExpected = "a number a double can hold (magnitude at most 1.8e308)";
const char* const kUnderflowExpected =
    "a number a double can hold (0, or magnitude at least 4.9e-324; smaller ones underflow to 0)";

// nlohmann's SAX interface, building the document as its own DOM parser does, plus our checks. It keeps the path to
// the value being read, so that an error can name its JSON pointer.
class BoundedDocument {
 public:
  explicit BoundedDocument(const std::string& text) : text_(text) {}

  bool null() { return put(json(nullptr)); }
  bool boolean(bool value) { return put(json(value)); }
  // nlohmann reads a number as signed only when it has a '-' sign, so a signed 0 is "-0": it is 0.
  bool number_integer(json::number_integer_t value) {
    return value == 0 ? put(json(json::number_unsigned_t{0})) : put(json(value));
  }
  bool number_unsigned(json::number_unsigned_t value) { return put(json(value)); }
  bool number_float(json::number_float_t value, const json::string_t& literal) {
    if (value == 0 && has_nonzero_digit(literal)) {
      // At the top level the number starts at the first non-blank character; inside a container only the pointer
      // is known (nlohmann gives no position with a value).
      size_t start = text_.find_first_not_of(" \t\n\r");
      return fail(current_pointer(), kUnderflowExpected, literal, frames_.empty() ? start + literal.size() : kInside);
    }
    return put(json(value == 0 ? 0.0 : value));  // -0.0 is 0
  }
  bool string(json::string_t& value) { return put(json(std::move(value))); }
  bool binary(json::binary_t& value) { return put(json(std::move(value))); }  // not produced by JSON text

  bool start_object(std::size_t) { return open(json::object(), true); }
  bool start_array(std::size_t) { return open(json::array(), false); }
  bool end_object() { return close(); }
  bool end_array() { return close(); }
  bool key(json::string_t& key) {
    Frame& frame = frames_.back();
    if (!frame.keys.insert(key).second && !duplicate_) duplicate_ = {current_pointer_with(escape_token(key)), key};
    frame.token = escape_token(key);
    frame.key = key;
    return true;
  }

  bool parse_error(std::size_t position, const std::string& last_token, const json::exception& e) {
    if (e.id == 406) {  // out_of_range: "number overflow parsing '1e400'"; position is just past the number
      size_t start = position >= last_token.size() ? position - last_token.size() : 0;
      return fail(current_pointer(), kOverflowExpected, last_token, position, start);
    }
    // nlohmann's text reads "... parse error at line L, column C: syntax error while parsing X - unexpected 'c';
    // expected Y"; keep the part after " - " and split it into our expected/found shape.
    size_t end = position > 0 ? position - 1 : 0;
    std::string detail = e.what();
    size_t dash = detail.find(" - ");
    detail = dash == std::string::npos ? "invalid JSON" : detail.substr(dash + 3);
    std::string expected = "valid JSON", found = detail;
    size_t split = detail.find("; expected ");
    if (split != std::string::npos) {
      expected = detail.substr(split + 11);
      found = detail.substr(0, split);
      if (found.rfind("unexpected ", 0) == 0) found = found.substr(11);
    }
    error_ = JsonTextError(line_and_column(text_, end), expected, shown_text(found), true);
    return false;
  }

  json take() {
    if (error_) throw *error_;
    if (duplicate_)
      throw JsonTextError(shown_pointer(duplicate_->first), "each key once per object",
                          shown_string(duplicate_->second) + " a second time", false);
    return std::move(root_);
  }

 private:
  struct Frame {
    json* container;
    bool is_object;
    std::set<std::string> keys;
    std::string key;    // objects: the key of the value being read
    std::string token;  // its pointer token: the escaped key, or the array index
    size_t index = 0;
  };

  std::string current_pointer_with(const std::string& last) const {
    std::string p;
    for (size_t i = 0; i + 1 < frames_.size(); ++i) p += "/" + frames_[i].token;
    return p + "/" + last;
  }
  std::string current_pointer() const {
    if (frames_.empty()) return "";
    return current_pointer_with(frames_.back().token);
  }

  static constexpr size_t kInside = std::string::npos;

  // A value beyond our bounds. `end` is the offset just past it when known: a lone top-level number followed by more
  // text ("1e400s", "1e-324bps") is not JSON at all, and a --set takes such a VALUE as the string it is. `at` is
  // the offset to name as line and column, when known.
  bool fail(const std::string& pointer, const std::string& expected, const std::string& found, size_t end = kInside,
            size_t at = kInside) {
    bool not_json = frames_.empty() && end != kInside && end <= text_.size() &&
                    text_.find_first_not_of(" \t\n\r", end) != std::string::npos;
    std::string where = shown_pointer(pointer);
    if (at != kInside)
      where = pointer.empty() ? line_and_column(text_, at) : where + " (" + line_and_column(text_, at) + ")";
    error_ = JsonTextError(where, expected, shown_text(found), not_json);
    return false;
  }

  // Places a value where the parser is, and returns where it went.
  json* place(json&& value) {
    if (frames_.empty()) {
      root_ = std::move(value);
      return &root_;
    }
    Frame& frame = frames_.back();
    if (frame.is_object) return &((*frame.container)[frame.key] = std::move(value));
    frame.container->push_back(std::move(value));
    frame.token = std::to_string(++frame.index);
    return &frame.container->back();
  }

  bool put(json&& value) {
    place(std::move(value));
    return true;
  }

  bool open(json&& container, bool is_object) {
    if (frames_.size() >= kMaxJsonDepth) {
      return fail(current_pointer(), "at most " + std::to_string(kMaxJsonDepth) + " levels of nested lists and objects",
                  "a list or object at level " + std::to_string(kMaxJsonDepth + 1), kInside,
                  offset_of_level(text_, kMaxJsonDepth + 1));
    }
    // An array's index advances when its element is placed; the element's own children see the index it had.
    std::string index_token = frames_.empty() || frames_.back().is_object ? "" : frames_.back().token;
    json* placed = place(std::move(container));
    if (!index_token.empty()) frames_.back().token = index_token;
    frames_.push_back({placed, is_object, {}, "", is_object ? "" : "0", 0});
    return true;
  }

  bool close() {
    frames_.pop_back();
    if (!frames_.empty() && !frames_.back().is_object) frames_.back().token = std::to_string(frames_.back().index);
    return true;
  }

  const std::string& text_;
  json root_;
  std::vector<Frame> frames_;
  std::optional<JsonTextError> error_;
  std::optional<std::pair<std::string, std::string>> duplicate_;  // pointer, key
};

}  // namespace

json parse_scenario_json(const std::string& text) {
  BoundedDocument document(text);
  json::sax_parse(text, &document, json::input_format_t::json, /*strict=*/true, /*ignore_comments=*/false);
  return document.take();
}

}  // namespace mrsim
