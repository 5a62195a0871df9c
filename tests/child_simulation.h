// Runs one simulation of a scenario text in a forked child (SimGrid allows one engine per process) and brings back
// its report and whatever the test extracts from the history, as JSON. Shared by the known-answer tests.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sim/checkers.h"
#include "sim/report.h"
#include "sim/scenario_loader.h"
#include "sim/world.h"

namespace mrsim_test {

using mrsim::History;
using mrsim::Scenario;
using nlohmann::json;
using namespace mrsim;

using Extract = std::function<json(const Scenario&, const History&)>;

// Simulates `base` with `sets` in a child process; returns {"report": ..., "extra": extract(...)} or fails the test.
inline json simulate_in_child(const char* base, const std::vector<std::string>& sets, const Extract& extract = {}) {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    ::close(fds[0]);
    json out;
    try {
      const Scenario s = load_scenario_text(base, "<known-answer>", sets, std::nullopt);
      const History h = simulate(s);
      RunInfo info;
      info.seed = s.seed;
      out["report"] = report_json(info, compute_metrics(h, s));
      if (extract) out["extra"] = extract(s, h);
    } catch (const std::exception& e) {
      out = {{"error", e.what()}};
    }
    const std::string text = out.dump();
    size_t sent = 0;
    while (sent < text.size()) {
      const ssize_t n = ::write(fds[1], text.data() + sent, text.size() - sent);
      if (n <= 0) break;
      sent += size_t(n);
    }
    ::_exit(sent == text.size() ? 0 : 1);
  }
  ::close(fds[1]);
  std::string text;
  char buf[65536];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) text.append(buf, size_t(n));
  ::close(fds[0]);
  int status = 0;
  ::waitpid(child, &status, 0);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  json out = json::parse(text);
  INFO(out.value("error", std::string()));
  REQUIRE_FALSE(out.contains("error"));
  return out;
}

// The text of a shipped scenario file, scenarios/<name> (tests run it with their own --set overrides).
inline std::string scenario_text(const std::string& name) {
  std::string text;
  std::FILE* f = std::fopen((std::string(MRSIM_SOURCE_DIR "/scenarios/") + name).c_str(), "rb");
  REQUIRE(f);
  char buf[65536];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) text.append(buf, n);
  std::fclose(f);
  return text;
}

inline double number(const json& j, const char* pointer) {
  const json& v = j.at(json::json_pointer(pointer));
  REQUIRE(v.is_number());
  return v.get<double>();
}

}  // namespace mrsim_test
