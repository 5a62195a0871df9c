#include "sim/units.h"

#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>
#include <vector>

namespace mrsim {
namespace {

// value = number * num / den. Dividing by `den` (rather than multiplying by 1/den) keeps "35ms" equal to the double
// closest to 0.035, the same double the literal 0.035 gives.
struct Unit {
  const char* suffix;
  double num;
  double den;
  bool canonical;  // used when formatting; aliases like "min" or "kB" parse but are never written
};

// Each table is ordered largest unit first, which is the order formatting prefers.
const std::vector<Unit> kDurationUnits = {
    {"d", 86400, 1, true}, {"h", 3600, 1, true}, {"m", 60, 1, true},           {"min", 60, 1, false}, {"s", 1, 1, true},
    {"ms", 1, 1e3, true},  {"us", 1, 1e6, true}, {"\xC2\xB5s", 1, 1e6, false}, {"ns", 1, 1e9, true},
};
const std::vector<Unit> kSizeUnits = {
    {"TiB", 1099511627776.0, 1, true},
    {"TB", 1e12, 1, true},
    {"GiB", 1073741824.0, 1, true},
    {"GB", 1e9, 1, true},
    {"MiB", 1048576, 1, true},
    {"MB", 1e6, 1, true},
    {"KiB", 1024, 1, true},
    {"KB", 1e3, 1, true},
    {"kB", 1e3, 1, false},
    {"B", 1, 1, true},
};
const std::vector<Unit> kBandwidthUnits = {
    {"Tbps", 1e12, 8, true}, {"TBps", 1e12, 1, false}, {"Gbps", 1e9, 8, true}, {"GBps", 1e9, 1, false},
    {"Mbps", 1e6, 8, true},  {"MBps", 1e6, 1, false},  {"Kbps", 1e3, 8, true}, {"kbps", 1e3, 8, false},
    {"KBps", 1e3, 1, false}, {"kBps", 1e3, 1, false},  {"bps", 1, 8, true},    {"Bps", 1, 1, true},
};

const char* const kDurationExpected =
    "a duration with a unit such as \"35ms\" or \"2h\" (units: ns, us, ms, s, m or min, h, d)";
const char* const kSizeExpected =
    "a size with a unit such as \"512B\", \"4KiB\" or \"1MB\" (units: B, KB, MB, GB, TB, KiB, MiB, GiB, TiB)";
const char* const kDurationNegative = "a duration that is not negative, such as \"0s\" or \"35ms\"";
const char* const kSizeNegative = "a size that is not negative, such as \"0B\" or \"4KiB\"";
const char* const kBandwidthNegative = "a bandwidth that is not negative, such as \"1Gbps\"";
const char* const kBandwidthExpected =
    "a bandwidth with a unit such as \"1Gbps\" or \"10MBps\" (bits: bps, Kbps, Mbps, Gbps, Tbps; "
    "bytes: Bps, KBps, MBps, GBps, TBps)";

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

double parse_quantity(std::string_view text, const std::vector<Unit>& units, const char* expected,
                      const char* negative) {
  if (!text.empty() && text[0] == '-') throw UnitError(negative);
  // The number: digits [. digits] [e [+-] digits]. Scanned by hand so that "1e3ms" works while "e" never eats a unit.
  size_t i = 0;
  while (i < text.size() && is_digit(text[i])) ++i;
  if (i == 0) throw UnitError(expected);
  if (i < text.size() && text[i] == '.') {
    ++i;
    size_t frac_start = i;
    while (i < text.size() && is_digit(text[i])) ++i;
    if (i == frac_start) throw UnitError(expected);
  }
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    size_t j = i + 1;
    if (j < text.size() && (text[j] == '+' || text[j] == '-')) ++j;
    if (j < text.size() && is_digit(text[j])) {
      while (j < text.size() && is_digit(text[j])) ++j;
      i = j;
    }
  }
  double number = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + i, number, std::chars_format::general);
  if (ec != std::errc() || end != text.data() + i) throw UnitError(expected);
  size_t unit_start = i;
  while (unit_start < text.size() && text[unit_start] == ' ') ++unit_start;
  std::string_view suffix = text.substr(unit_start);
  for (const Unit& unit : units) {
    if (suffix != unit.suffix) continue;
    double value = number * unit.num / unit.den;
    if (!std::isfinite(value)) throw UnitError(std::string(expected) + ", of finite size");
    return value;
  }
  throw UnitError(expected);
}

std::string format_quantity(double value, const std::vector<Unit>& units, const char* base_unit,
                            double (*parse)(std::string_view)) {
  if (value == 0) return std::string("0") + base_unit;
  for (const Unit& unit : units) {
    if (!unit.canonical) continue;
    double q = value * unit.den / unit.num;
    if (q < 1) continue;
    double rounded = std::round(q * 1000) / 1000;
    std::string text = format_number(rounded) + unit.suffix;
    if (parse(text) == value) return text;
  }
  // Round-trips by construction: the shortest repr reads back exactly and the base unit has factor 1.
  return format_number(value) + base_unit;
}

}  // namespace

std::string format_number(double value) {
  std::string text = nlohmann::json(value).dump();
  // nlohmann writes whole floats as "7200.0"; the ".0" adds nothing for a reader.
  if (text.size() > 2 && text.compare(text.size() - 2, 2, ".0") == 0) text.resize(text.size() - 2);
  return text;
}

double parse_duration_s(std::string_view text) {
  return parse_quantity(text, kDurationUnits, kDurationExpected, kDurationNegative);
}
double parse_size_bytes(std::string_view text) {
  return parse_quantity(text, kSizeUnits, kSizeExpected, kSizeNegative);
}
double parse_bandwidth_Bps(std::string_view text) {
  return parse_quantity(text, kBandwidthUnits, kBandwidthExpected, kBandwidthNegative);
}

std::string format_duration(double seconds) {
  return format_quantity(seconds, kDurationUnits, "s", parse_duration_s);
}
std::string format_size(double bytes) {
  return format_quantity(bytes, kSizeUnits, "B", parse_size_bytes);
}
std::string format_bandwidth(double bytes_per_s) {
  return format_quantity(bytes_per_s, kBandwidthUnits, "Bps", parse_bandwidth_Bps);
}

}  // namespace mrsim
