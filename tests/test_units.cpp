// Unit parsing and canonical formatting (sim/units.h): what scenario files may write, and what they may not.
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "sim/units.h"

using namespace mrsim;

TEST_CASE("durations parse with every unit", "[unit]") {
  auto [text, seconds] = GENERATE(table<std::string, double>({
      {"35ms", 0.035},
      {"2h", 7200},
      {"5m", 300},
      {"5min", 300},
      {"1.5s", 1.5},
      {"100us", 1e-4},
      {"100µs", 1e-4},
      {"1d", 86400},
      {"250ns", 2.5e-7},
      {"0s", 0},
      {"0.5ms", 0.0005},
      {"1e3ms", 1},
      {"10 s", 10},
  }));
  CAPTURE(text);
  CHECK(parse_duration_s(text) == seconds);
}

TEST_CASE("sizes parse in decimal and binary units", "[unit]") {
  auto [text, bytes] = GENERATE(table<std::string, double>({
      {"512B", 512},
      {"4KiB", 4096},
      {"1MB", 1e6},
      {"1MiB", 1048576},
      {"2KB", 2000},
      {"2kB", 2000},
      {"1GiB", 1073741824},
      {"1.5KiB", 1536},
  }));
  CAPTURE(text);
  CHECK(parse_size_bytes(text) == bytes);
}

TEST_CASE("bandwidths in bits per second are divided by 8", "[unit]") {
  auto [text, bytes_per_s] = GENERATE(table<std::string, double>({
      {"1Gbps", 1.25e8},
      {"100Mbps", 1.25e7},
      {"10MBps", 1e7},
      {"8bps", 1},
      {"1Bps", 1},
      {"10Gbps", 1.25e9},
      {"1kbps", 125},
  }));
  CAPTURE(text);
  CHECK(parse_bandwidth_Bps(text) == bytes_per_s);
}

TEST_CASE("quantities without a valid unit are rejected with what was expected", "[unit]") {
  auto [text, kind, expected] = GENERATE(table<std::string, char, std::string>({
      {"35", 'd', "a duration with a unit such as \"35ms\" or \"2h\""},
      {"", 'd', "a duration with a unit"},
      {"-5ms", 'd', "that is not negative"},
      {"nan", 'd', "a duration with a unit"},
      {"NaNs", 'd', "a duration with a unit"},
      {"inf s", 'd', "a duration with a unit"},
      {"5 hours", 'd', "a duration with a unit"},
      {"ms", 'd', "a duration with a unit"},
      {"1.s", 'd', "a duration with a unit"},
      {"4096", 's', "a size with a unit"},
      {"4kib", 's', "a size with a unit"},
      {"-1B", 's', "that is not negative"},
      {"1000", 'b', "a bandwidth with a unit"},
      {"1Gb", 'b', "a bandwidth with a unit"},
      {"-1Gbps", 'b', "that is not negative"},
  }));
  CAPTURE(text);
  auto parse = [&, text = text, kind = kind] {
    if (kind == 'd') return parse_duration_s(text);
    if (kind == 's') return parse_size_bytes(text);
    return parse_bandwidth_Bps(text);
  };
  CHECK_THROWS_AS(parse(), UnitError);
  CHECK_THROWS_WITH(parse(), Catch::Contains(expected));
}

TEST_CASE("formatting picks the largest exact unit and reads back to the same value", "[unit]") {
  CHECK(format_duration(7200) == "2h");
  CHECK(format_duration(5400) == "1.5h");
  CHECK(format_duration(0.035) == "35ms");
  CHECK(format_duration(0.5) == "500ms");
  CHECK(format_duration(60) == "1m");
  CHECK(format_duration(0) == "0s");
  CHECK(format_duration(1e-4) == "100us");
  CHECK(format_size(4096) == "4KiB");
  CHECK(format_size(1e6) == "1MB");
  CHECK(format_size(256) == "256B");
  CHECK(format_bandwidth(1.25e9) == "10Gbps");
  CHECK(format_bandwidth(1e7) == "80Mbps");
  CHECK(format_bandwidth(3) == "24bps");
  CHECK(format_number(7200.0) == "7200");
  CHECK(format_number(0.035) == "0.035");

  double awkward = GENERATE(0.1 + 0.2, 1.0 / 3.0, 123456.789, 1e-10, 2.5e-7, 86400.5, 1e15);
  CAPTURE(awkward);
  CHECK(parse_duration_s(format_duration(awkward)) == awkward);
  CHECK(parse_bandwidth_Bps(format_bandwidth(awkward)) == awkward);
}

TEST_CASE("numbers a double cannot hold are an overflow or an underflow, not a missing unit", "[unit]") {
  using Problem = UnitError::Problem;
  auto [text, kind, problem, expected] = GENERATE(table<std::string, char, Problem, std::string>({
      {"1e999s", 'd', Problem::Overflow, "a duration of at most 1.8e308s (larger numbers overflow a double)"},
      {"1e400s", 'd', Problem::Overflow, "a duration of at most 1.8e308s"},
      {"1e308d", 'd', Problem::Overflow, "a duration of at most 1.8e308s"},  // finite as written, not in seconds
      {"1.7976931348623159e308B", 's', Problem::Overflow, "a size of at most 1.8e308B"},
      {"1e-324bps", 'b', Problem::Underflow,
       "a bandwidth of 0 or at least 4.9e-324Bps (smaller nonzero numbers "
       "underflow a double to 0)"},
      {"0.0000000001e-320s", 'd', Problem::Underflow, "underflow a double to 0"},
      {"1e-320ns", 'd', Problem::Underflow, "underflow a double to 0"},  // representable as written, not in seconds
      {"1e-400B", 's', Problem::Underflow, "a size of 0 or at least 4.9e-324B"},
      {"-1e400s", 'd', Problem::Negative, "a duration that is not negative"},
      {"-1e-400s", 'd', Problem::Negative, "a duration that is not negative"},
      {"35", 'd', Problem::Syntax, "a duration with a unit"},
  }));
  CAPTURE(text);
  try {
    if (kind == 'd') parse_duration_s(text);
    if (kind == 's') parse_size_bytes(text);
    if (kind == 'b') parse_bandwidth_Bps(text);
    FAIL("parsed without error");
  } catch (const UnitError& e) {
    CHECK(e.problem == problem);
    CHECK_THAT(std::string(e.what()), Catch::Contains(expected));
  }
}

TEST_CASE("a negative zero is zero, in every unit", "[unit]") {
  std::string text = GENERATE("-0s", "-0.0ms", "-0e5h", "-0.000ns");
  CAPTURE(text);
  double v = parse_duration_s(text);
  CHECK(v == 0);
  CHECK_FALSE(std::signbit(v));
  CHECK(parse_size_bytes("-0B") == 0);
  CHECK(parse_bandwidth_Bps("-0Gbps") == 0);
  CHECK(format_duration(-0.0) == "0s");
}

TEST_CASE("formatting the largest doubles never writes inf or null, and reads back", "[unit]") {
  double v = GENERATE(std::numeric_limits<double>::max(), 1.7976931348623157e308, 1e308, 1e300, 86400e300,
                      1.1574074074074075e+295 * 86400, std::numeric_limits<double>::denorm_min(), 4.9e-324, 1e-310);
  CAPTURE(v);
  for (const std::string& text : {format_duration(v), format_size(v), format_bandwidth(v)}) {
    CAPTURE(text);
    CHECK(text.find("inf") == std::string::npos);
    CHECK(text.find("null") == std::string::npos);
  }
  CHECK(parse_duration_s(format_duration(v)) == v);
  CHECK(parse_size_bytes(format_size(v)) == v);
  CHECK(parse_bandwidth_Bps(format_bandwidth(v)) == v);
}

TEST_CASE("formatting refuses what no parsed quantity is: negative, infinite or NaN", "[unit]") {
  double v = GENERATE(-1.0, -1e-300, std::numeric_limits<double>::infinity(), std::numeric_limits<double>::quiet_NaN());
  CAPTURE(v);
  CHECK_THROWS_AS(format_duration(v), std::invalid_argument);
  CHECK_THROWS_AS(format_size(v), std::invalid_argument);
  CHECK_THROWS_AS(format_bandwidth(v), std::invalid_argument);
}
