#include "sim/units.h"

#include <algorithm>
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

// What each kind of quantity is called in messages, and its base unit.
struct Kind {
  const std::vector<Unit>& units;
  const char* expected;  // what a well-formed quantity looks like
  const char* noun;      // "a duration"
  const char* example;   // a valid spelling for the "not negative" message
  const char* base_unit;
};

const Kind kDuration = {kDurationUnits,
                        "a duration with a unit such as \"35ms\" or \"2h\" (units: ns, us, ms, s, m or min, h, d)",
                        "a duration", "such as \"0s\" or \"35ms\"", "s"};
const Kind kSize = {kSizeUnits,
                    "a size with a unit such as \"512B\", \"4KiB\" or \"1MB\" (units: B, KB, MB, GB, TB, KiB, MiB, "
                    "GiB, TiB)",
                    "a size", "such as \"0B\" or \"4KiB\"", "B"};
const Kind kBandwidth = {kBandwidthUnits,
                         "a bandwidth with a unit such as \"1Gbps\" or \"10MBps\" (bits: bps, Kbps, Mbps, Gbps, Tbps; "
                         "bytes: Bps, KBps, MBps, GBps, TBps)",
                         "a bandwidth", "such as \"1Gbps\"", "Bps"};

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// The decimal order of magnitude of digits [. digits] [e [+-] digits]: the exponent of its first nonzero digit
// ("1e-324" -> -324, "123.4" -> 2, "0.05" -> -2). Called only for a number std::from_chars found out of range, to
// tell overflow from underflow, so only its sign matters and a saturated exponent is fine.
long long decimal_order(std::string_view number) {
  size_t e = number.find_first_of("eE");
  long long exponent = 0;
  if (e != std::string_view::npos) {
    size_t j = e + 1;
    bool minus = j < number.size() && number[j] == '-';
    if (j < number.size() && (number[j] == '-' || number[j] == '+')) ++j;
    for (; j < number.size(); ++j) exponent = std::min(exponent * 10 + (number[j] - '0'), 1000000000LL);
    if (minus) exponent = -exponent;
  }
  std::string_view mantissa = number.substr(0, e);
  size_t point = std::min(mantissa.find('.'), mantissa.size());
  for (size_t i = 0; i < mantissa.size(); ++i) {
    if (mantissa[i] == '.' || mantissa[i] == '0') continue;
    long long order = i < point ? static_cast<long long>(point - i) - 1 : -static_cast<long long>(i - point);
    return order + exponent;
  }
  return 0;  // all zeros: never out of range
}

bool has_nonzero_digit(std::string_view number) {
  for (char c : number.substr(0, number.find_first_of("eE")))
    if (c >= '1' && c <= '9') return true;
  return false;
}

std::string overflow_expected(const Kind& kind) {
  return std::string(kind.noun) + " of at most 1.8e308" + kind.base_unit + " (larger numbers overflow a double)";
}

std::string underflow_expected(const Kind& kind) {
  return std::string(kind.noun) + " of 0 or at least 4.9e-324" + kind.base_unit +
         " (smaller nonzero numbers underflow a double to 0)";
}

double parse_quantity(std::string_view text, const Kind& kind) {
  using Problem = UnitError::Problem;
  // A sign is read only to say what is wrong with it: quantities are never negative, and "-0s" is plain zero.
  bool minus = !text.empty() && text[0] == '-';
  std::string_view body = text.substr(minus ? 1 : 0);
  // The number: digits [. digits] [e [+-] digits]. Scanned by hand so that "1e3ms" works while "e" never eats a unit.
  size_t i = 0;
  while (i < body.size() && is_digit(body[i])) ++i;
  if (i == 0) throw UnitError(Problem::Syntax, kind.expected);
  if (i < body.size() && body[i] == '.') {
    ++i;
    size_t frac_start = i;
    while (i < body.size() && is_digit(body[i])) ++i;
    if (i == frac_start) throw UnitError(Problem::Syntax, kind.expected);
  }
  if (i < body.size() && (body[i] == 'e' || body[i] == 'E')) {
    size_t j = i + 1;
    if (j < body.size() && (body[j] == '+' || body[j] == '-')) ++j;
    if (j < body.size() && is_digit(body[j])) {
      while (j < body.size() && is_digit(body[j])) ++j;
      i = j;
    }
  }
  std::string_view digits = body.substr(0, i);
  bool nonzero = has_nonzero_digit(digits);
  if (minus && nonzero)
    throw UnitError(Problem::Negative, std::string(kind.noun) + " that is not negative, " + kind.example);
  double number = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), number, std::chars_format::general);
  if (ec == std::errc::result_out_of_range) {
    if (decimal_order(digits) < 0) throw UnitError(Problem::Underflow, underflow_expected(kind));
    throw UnitError(Problem::Overflow, overflow_expected(kind));
  }
  if (ec != std::errc() || end != digits.data() + digits.size()) throw UnitError(Problem::Syntax, kind.expected);
  size_t unit_start = i;
  while (unit_start < body.size() && body[unit_start] == ' ') ++unit_start;
  std::string_view suffix = body.substr(unit_start);
  for (const Unit& unit : kind.units) {
    if (suffix != unit.suffix) continue;
    double value = number * unit.num / unit.den;
    if (!std::isfinite(value)) throw UnitError(Problem::Overflow, overflow_expected(kind));
    if (value == 0 && nonzero) throw UnitError(Problem::Underflow, underflow_expected(kind));
    return value;
  }
  throw UnitError(Problem::Syntax, kind.expected);
}

std::string format_quantity(double value, const Kind& kind) {
  if (!(value >= 0) || !std::isfinite(value))
    throw std::invalid_argument("format: " + std::string(kind.noun) + " must be finite and not negative");
  if (value == 0) return std::string("0") + kind.base_unit;  // also -0
  for (const Unit& unit : kind.units) {
    if (!unit.canonical) continue;
    double q = value * unit.den / unit.num;
    if (!(q >= 1) || !std::isfinite(q)) continue;
    // Three decimals at most; beyond 2^53 / 1000 every double is whole anyway, and q * 1000 could overflow.
    double rounded = q < 1e15 ? std::round(q * 1000) / 1000 : q;
    std::string text = format_number(rounded) + unit.suffix;
    try {
      if (parse_quantity(text, kind) == value) return text;
    } catch (const UnitError&) {
      // e.g. 1.79e308s written in days reads back as an overflow: try the next unit
    }
  }
  // Round-trips by construction: the shortest repr reads back exactly and the base unit has factor 1.
  return format_number(value) + kind.base_unit;
}

}  // namespace

std::string format_number(double value) {
  std::string text = nlohmann::json(value).dump();
  // nlohmann writes whole floats as "7200.0"; the ".0" adds nothing for a reader.
  if (text.size() > 2 && text.compare(text.size() - 2, 2, ".0") == 0) text.resize(text.size() - 2);
  return text;
}

double parse_duration_s(std::string_view text) {
  return parse_quantity(text, kDuration);
}
double parse_size_bytes(std::string_view text) {
  return parse_quantity(text, kSize);
}
double parse_bandwidth_Bps(std::string_view text) {
  return parse_quantity(text, kBandwidth);
}

std::string format_duration(double seconds) {
  return format_quantity(seconds, kDuration);
}
std::string format_size(double bytes) {
  return format_quantity(bytes, kSize);
}
std::string format_bandwidth(double bytes_per_s) {
  return format_quantity(bytes_per_s, kBandwidth);
}

namespace {
std::string unit_pattern(const std::vector<Unit>& units, bool signed_values) {
  std::string alternatives;
  for (const Unit& u : units) {
    std::string escaped;
    for (char c : std::string(u.suffix)) escaped += (c == '.' ? std::string("\\.") : std::string(1, c));
    alternatives += (alternatives.empty() ? "" : "|") + escaped;
  }
  return std::string("^") + (signed_values ? "-?" : "") + "[0-9]*\\.?[0-9]+([eE][-+]?[0-9]+)? *(" + alternatives + ")$";
}
}  // namespace

std::string duration_pattern(bool signed_values) { return unit_pattern(kDurationUnits, signed_values); }
std::string size_pattern() { return unit_pattern(kSizeUnits, false); }
std::string bandwidth_pattern() { return unit_pattern(kBandwidthUnits, false); }

}  // namespace mrsim
