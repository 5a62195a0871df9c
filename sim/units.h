// Quantities with units, as scenario files write them: durations ("35ms", "2h"), sizes ("4KiB") and bandwidths
// ("1Gbps"). Files always carry a unit — a bare "35" is ambiguous between seconds and milliseconds, and that kind of
// slip silently changes an RTO by a factor of 1000 — so a missing unit is an error, not a default.
//
// Parsing and formatting are locale-independent (std::from_chars / our own formatting) so the same text gives the
// same double on every machine, and format(parse(x)) is a stable canonical spelling used in Scenario::canonical_json.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace mrsim {

// A quantity that does not parse. what() says what was expected, e.g.
// `a duration with a unit such as "35ms" or "2h"`; the caller adds where and what was found. `problem` says which
// rule it broke, so that a caller with a range of its own can say that range instead (an overflow is out of range).
struct UnitError : std::invalid_argument {
  enum class Problem {
    Syntax,     // no number, no unit, or a unit not in the table
    Negative,   // below zero ("-0s" is zero, not negative)
    Overflow,   // too large for a double, before or after scaling to the base unit ("1e400s", "1e308d")
    Underflow,  // nonzero as written, but it rounds to zero in a double ("1e-324bps", "1e-320ns")
  };
  UnitError(Problem problem_, const std::string& expected) : std::invalid_argument(expected), problem(problem_) {}
  Problem problem;
};

// Units: ns, us (or µs), ms, s, m or min (minutes), h, d. Returns seconds. Rejects negatives, NaN, empty, no unit,
// and numbers a double cannot hold (overflow and underflow are told apart). "-0s" is zero.
double parse_duration_s(std::string_view text);
// Units: B, KB/kB, MB, GB, TB (powers of 1000), KiB, MiB, GiB, TiB (powers of 1024). Returns bytes.
double parse_size_bytes(std::string_view text);
// Units: bps, Kbps/kbps, Mbps, Gbps, Tbps (bits, divided by 8), Bps, KBps/kBps, MBps, GBps, TBps (bytes).
// Returns bytes per second.
double parse_bandwidth_Bps(std::string_view text);

// The canonical spelling: the largest unit that represents the value exactly with at most three decimals
// ("2h", "1.5s", "35ms", "4KiB", "10Gbps"); parse_*(format_*(v)) == v for every finite v >= 0, up to the largest
// double (never "inf" or "null"). A negative zero is written as zero. Throws std::invalid_argument for a negative
// or non-finite value: no parsed quantity is one.
std::string format_duration(double seconds);
std::string format_size(double bytes);
std::string format_bandwidth(double bytes_per_s);

// Shortest decimal text that reads back as the same double (nlohmann's algorithm), e.g. 0.035 -> "0.035".
std::string format_number(double value);

// A regular expression (ECMA-262, for JSON Schema's "pattern") matching the spellings the parsers accept, signed
// when `signed_values`: a number, optional spaces, one of the kind's units.
std::string duration_pattern(bool signed_values);
std::string size_pattern();
std::string bandwidth_pattern();

}  // namespace mrsim
