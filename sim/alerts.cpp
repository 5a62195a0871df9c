// Alert rules: parsing and Prometheus' "for"; see alerts.h and docs/metrics.md ("Alerts").
#include "sim/alerts.h"

#include <cctype>
#include <charconv>
#include <cmath>

namespace mrsim {

bool AlertRule::holds(double v) const {
  if (op == "<") return v < value;
  if (op == "<=") return v <= value;
  if (op == "==") return v == value;
  if (op == "!=") return v != value;
  if (op == ">=") return v >= value;
  if (op == ">") return v > value;
  return false;
}

bool AlertState::observe(double t, bool condition) {
  if (!condition) {
    pending_since_.reset();
    firing_since_.reset();
    return false;
  }
  if (!pending_since_) pending_since_ = t;
  // Evaluation times are multiples of the sample interval, computed in floating point (3 * 0.1 is a hair above
  // 0.3): a nanosecond of slack keeps "for" an exact multiple of the interval from firing one evaluation late.
  if (!firing_since_ && t + 1e-9 >= *pending_since_ + for_s_) firing_since_ = t;
  return firing_since_.has_value();
}

bool alert_series_label(const std::string& series, std::string& label_key) {
  static const char* const kSeries[][2] = {{"replication_lag_s", "node"}, {"primaries", ""},
                                           {"region_success_ratio", "region"}, {"node_healthy", "node"},
                                           {"stale_reads", ""}, {"clock_offset_s", "clock"}};
  for (const auto& s : kSeries) {
    if (series == s[0]) {
      label_key = s[1];
      return true;
    }
  }
  return false;
}

namespace {

bool name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

}  // namespace

std::optional<std::string> parse_alert_expr(const std::string& text, AlertRule& rule) {
  const std::string shape = "SERIES [{LABEL=\"VALUE\"}] OP NUMBER, such as replication_lag_s > 30";
  size_t i = 0;
  auto skip_blanks = [&] {
    while (i < text.size() && text[i] == ' ') ++i;
  };
  skip_blanks();
  size_t start = i;
  while (i < text.size() && name_char(text[i])) ++i;
  rule.series = text.substr(start, i - start);
  if (rule.series.empty()) return shape;
  std::string label_key;
  if (!alert_series_label(rule.series, label_key))
    return "a series, one of replication_lag_s, primaries, region_success_ratio, node_healthy, stale_reads, "
           "clock_offset_s";
  rule.label_key.clear();
  rule.label_value.clear();
  if (i < text.size() && text[i] == '{') {
    if (label_key.empty()) return "no label on " + rule.series + " (a single series)";
    size_t close = text.find('}', i);
    if (close == std::string::npos) return shape;
    std::string inside = text.substr(i + 1, close - i - 1);
    size_t eq = inside.find('=');
    if (eq == std::string::npos || inside.size() < eq + 3 || inside[eq + 1] != '"' || inside.back() != '"')
      return "a label written {" + label_key + "=\"VALUE\"}";
    rule.label_key = inside.substr(0, eq);
    rule.label_value = inside.substr(eq + 2, inside.size() - eq - 3);
    if (rule.label_key != label_key) return "the label " + label_key + " on " + rule.series;
    if (rule.label_value.empty() || rule.label_value.find('"') != std::string::npos)
      return "a label written {" + label_key + "=\"VALUE\"}";
    i = close + 1;
  }
  skip_blanks();
  rule.op.clear();
  for (const char* op : {"<=", ">=", "==", "!=", "<", ">"}) {  // two-character ops first: "<=" is not "<"
    if (text.compare(i, std::char_traits<char>::length(op), op) == 0) {
      rule.op = op;
      break;
    }
  }
  if (rule.op.empty()) return "an operator, one of < <= == != >= >, after " + rule.series;
  i += rule.op.size();
  skip_blanks();
  size_t end = text.find_last_not_of(' ');
  if (end == std::string::npos || end < i) return "a number after " + rule.op;
  const char* first = text.data() + i;
  const char* last = text.data() + end + 1;
  auto result = std::from_chars(first, last, rule.value);
  if (result.ec != std::errc() || result.ptr != last || !std::isfinite(rule.value))
    return "a number after " + rule.op;
  rule.text = text;
  return std::nullopt;
}

}  // namespace mrsim
