// A node's local clock (sim/clock.h): offset, drift and steps over the virtual clock, and its inverse.
#include <catch2/catch.hpp>
#include <limits>
#include <stdexcept>

#include "sim/clock.h"

using mrsim::LocalClock;

TEST_CASE("a default clock reads true time", "[unit]") {
  const LocalClock clock;
  for (double t : {-5.0, 0.0, 0.25, 1e6}) {
    CHECK(clock.local_time(t) == t);
    CHECK(clock.true_time_at(t) == t);
  }
}

TEST_CASE("an offset clock reads true time plus the offset", "[unit]") {
  const LocalClock clock(2.5);
  CHECK(clock.local_time(0) == 2.5);
  CHECK(clock.local_time(100) == Approx(102.5));
  CHECK(clock.true_time_at(102.5) == Approx(100));
}

TEST_CASE("a clock drifting 1000 ppm gains one second over 1000 seconds", "[unit]") {
  const LocalClock fast(0, 1000);
  CHECK(fast.local_time(1000) == Approx(1001).margin(1e-9));
  const LocalClock slow(0, -1000);
  CHECK(slow.local_time(1000) == Approx(999).margin(1e-9));
  const LocalClock both(-0.2, 50);  // 50 ppm over a day: +4.32 s
  CHECK(both.local_time(86400) == Approx(86400 + 4.32 - 0.2).margin(1e-9));
}

TEST_CASE("a step shifts local time from its instant on and leaves earlier readings alone", "[unit]") {
  LocalClock clock(1.0, 0);
  clock.step(100, 5.0);
  CHECK(clock.local_time(99.999) == Approx(100.999));
  CHECK(clock.local_time(100) == Approx(106));  // a step at exactly t is already applied at t
  CHECK(clock.local_time(200) == Approx(206));

  SECTION("later steps accumulate, backward steps included") {
    clock.step(300, -10.0);
    CHECK(clock.local_time(50) == Approx(51));
    CHECK(clock.local_time(299) == Approx(305));
    CHECK(clock.local_time(300) == Approx(296));
    CHECK(clock.local_time(400) == Approx(396));
  }
  SECTION("steps added out of order give the same clock as steps added in order") {
    LocalClock in_order(1.0, 20);
    in_order.step(50, 0.5);
    in_order.step(100, 5.0);
    in_order.step(150, -2.0);
    LocalClock out_of_order(1.0, 20);
    out_of_order.step(150, -2.0);
    out_of_order.step(100, 5.0);
    out_of_order.step(50, 0.5);
    for (double t : {0.0, 49.9, 50.0, 75.0, 100.0, 125.0, 150.0, 1000.0}) {
      CHECK(out_of_order.local_time(t) == Approx(in_order.local_time(t)));
    }
  }
  SECTION("two steps at the same instant both apply") {
    clock.step(100, 1.0);
    CHECK(clock.local_time(99) == Approx(100));
    CHECK(clock.local_time(100) == Approx(107));
  }
}

TEST_CASE("true -> local -> true round-trips with offset, drift and steps", "[unit]") {
  LocalClock clock(-3.25, 250);
  clock.step(1000, 0.75);
  clock.step(5000, 2.0);  // forward steps keep local time increasing, so the inverse is exact
  for (double t : {-10.0, 0.0, 1.5, 999.0, 1000.0, 1000.5, 4999.0, 5000.0, 86400.0}) {
    CHECK(clock.true_time_at(clock.local_time(t)) == Approx(t).margin(1e-9));
  }
}

TEST_CASE("true_time_at gives the earliest true time the clock reads at least a local time", "[unit]") {
  LocalClock clock;
  SECTION("a local time skipped by a forward step is reached at the step") {
    clock.step(100, 10.0);  // local jumps from 100 to 110 at true 100
    CHECK(clock.true_time_at(105) == 100);
    CHECK(clock.true_time_at(110) == 100);
    CHECK(clock.true_time_at(115) == Approx(105));
  }
  SECTION("a local time repeated by a backward step maps to its first occurrence") {
    clock.step(100, -10.0);  // local runs to 100, falls back to 90, reads 95 again at true 105
    CHECK(clock.true_time_at(95) == Approx(95));
    CHECK(clock.true_time_at(99.5) == Approx(99.5));
    CHECK(clock.true_time_at(100) == Approx(110));  // local 100 is first reached after the step
    CHECK(clock.true_time_at(120) == Approx(130));
  }
}

TEST_CASE("a clock that would stop or run backwards is rejected", "[unit]") {
  CHECK_THROWS_AS(LocalClock(0, -1e6), std::invalid_argument);
  CHECK_THROWS_AS(LocalClock(0, -2e6), std::invalid_argument);
  LocalClock clock;
  CHECK_THROWS_AS(clock.step(std::numeric_limits<double>::infinity(), 1), std::invalid_argument);
}

TEST_CASE("a drift change bends the clock from its instant on, continuously", "[unit]") {
  LocalClock clock(1.0, 0);
  clock.set_drift(100, 1000);  // 1 ms per second faster from t = 100
  CHECK(clock.local_time(100) == Approx(101));
  CHECK(clock.local_time(200) == Approx(201.1));
  CHECK(clock.true_time_at(201.1) == Approx(200));
  clock.set_drift(50, -1000);  // added out of order: replayed in time order
  CHECK(clock.local_time(100) == Approx(100.95));
  CHECK(clock.local_time(200) == Approx(201.05));
  CHECK_THROWS_AS(clock.set_drift(10, -1e6), std::invalid_argument);
}

TEST_CASE("NTP discipline steps an offset beyond its threshold and slews one within it", "[unit]") {
  const mrsim::NtpDiscipline ntp{64, 0.128, 500};
  SECTION("a 2 s step is stepped back at the next poll") {
    const LocalClock clock = mrsim::disciplined_clock(0, 0, {{100, -2.0, 0}}, ntp, 3600);
    CHECK(clock.offset_at(110) == Approx(-2.0));
    CHECK(clock.offset_at(128) == Approx(0).margin(1e-9));  // polls at 64, 128, ...
  }
  SECTION("a 50 ms offset is slewed away over one poll, at most 500 ppm") {
    const LocalClock clock = mrsim::disciplined_clock(0.05, 0, {}, ntp, 3600);
    CHECK(clock.offset_at(64) == Approx(0.05));
    // -0.05 / 64 s = -781 ppm, capped at -500 ppm: 32 ms removed by the next poll, the rest in the one after.
    CHECK(clock.offset_at(128) == Approx(0.05 - 64 * 500e-6));
    CHECK(clock.offset_at(192) == Approx(0).margin(1e-9));
  }
  SECTION("a drifting clock keeps a residual of about drift x poll") {
    const LocalClock clock = mrsim::disciplined_clock(0, 100, {}, ntp, 7200);
    CHECK(std::abs(clock.offset_at(7000)) <= 100e-6 * 64 * 1.01);
    const LocalClock free_running = mrsim::disciplined_clock(0, 100, {}, std::nullopt, 7200);
    CHECK(free_running.offset_at(7000) == Approx(0.7));
  }
}

TEST_CASE("clock faults: a step and its return, a drift and its end", "[unit]") {
  const LocalClock clock = mrsim::disciplined_clock(0, 0, {{100, 5.0, 0}, {200, -5.0, 0}, {300, 0, 1000}, {400, 0, -1000}},
                                                    std::nullopt, 1000);
  CHECK(clock.offset_at(150) == Approx(5));
  CHECK(clock.offset_at(250) == Approx(0));
  CHECK(clock.offset_at(400) == Approx(0.1));
  CHECK(clock.offset_at(900) == Approx(0.1));
  CHECK_THROWS_AS(mrsim::disciplined_clock(0, -500000, {{10, 0, -600000}}, std::nullopt, 100), std::invalid_argument);
}
