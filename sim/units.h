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
// `a duration with a unit such as "35ms" or "2h"`; the caller adds where and what was found.
struct UnitError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

// Units: ns, us (or µs), ms, s, m or min (minutes), h, d. Returns seconds. Rejects negatives, NaN, empty, no unit.
double parse_duration_s(std::string_view text);
// Units: B, KB/kB, MB, GB, TB (powers of 1000), KiB, MiB, GiB, TiB (powers of 1024). Returns bytes.
double parse_size_bytes(std::string_view text);
// Units: bps, Kbps/kbps, Mbps, Gbps, Tbps (bits, divided by 8), Bps, KBps/kBps, MBps, GBps, TBps (bytes).
// Returns bytes per second.
double parse_bandwidth_Bps(std::string_view text);

// The canonical spelling: the largest unit that represents the value exactly with at most three decimals
// ("2h", "1.5s", "35ms", "4KiB", "10Gbps"); parse_*(format_*(v)) == v for every finite v >= 0.
std::string format_duration(double seconds);
std::string format_size(double bytes);
std::string format_bandwidth(double bytes_per_s);

// Shortest decimal text that reads back as the same double (nlohmann's algorithm), e.g. 0.035 -> "0.035".
std::string format_number(double value);

}  // namespace mrsim
