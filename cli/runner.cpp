#include "cli/runner.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "cli/read_text.h"
#include "sim/scenario_loader.h"

namespace mrsim {

namespace {

std::string tail(const std::string& text, size_t bytes) {
  return text.size() <= bytes ? text : "..." + text.substr(text.size() - bytes);
}

struct Child {
  size_t index;
  std::chrono::steady_clock::time_point started;
  std::string report_path, stderr_path;
  bool killed_for_timeout = false;
};

}  // namespace

unsigned default_jobs() {
  const long n = ::sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? unsigned(n) : 1u;
}

std::string shell_quote(const std::string& s) {
  if (!s.empty() && s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@") ==
                        std::string::npos)
    return s;
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::vector<uint64_t> parse_seeds(const std::string& text, const std::string& flag) {
  auto number = [&](const std::string& s) {
    if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos || s.size() > 19)
      throw InputError(flag + ": expected seeds such as 1..30, 7 or 1,2,5, found \"" + text + "\"");
    return uint64_t(std::stoull(s));
  };
  std::vector<uint64_t> seeds;
  const size_t dots = text.find("..");
  if (dots != std::string::npos) {
    const uint64_t from = number(text.substr(0, dots)), to = number(text.substr(dots + 2));
    if (to < from) throw InputError(flag + ": expected a range from low to high, found the empty range \"" + text + "\"");
    if (to - from >= 1000000) throw InputError(flag + ": expected at most 1,000,000 seeds, found \"" + text + "\"");
    for (uint64_t s = from; s <= to; ++s) seeds.push_back(s);
    return seeds;
  }
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) seeds.push_back(number(item));
  if (seeds.empty()) throw InputError(flag + ": expected at least one seed, found none");
  return seeds;
}

void run_all(const std::vector<RunSpec>& specs, unsigned jobs, double timeout_s, const std::string& work_dir,
             const Simulate& simulate, const std::function<void(size_t, RunResult&&)>& on_done) {
  std::map<pid_t, Child> running;
  size_t next = 0;
  std::cout.flush();
  std::cerr.flush();
  while (next < specs.size() || !running.empty()) {
    while (next < specs.size() && running.size() < jobs) {
      Child c;
      c.index = next;
      c.report_path = work_dir + "/run-" + std::to_string(::getpid()) + "-" + std::to_string(next) + ".json";
      c.stderr_path = c.report_path + ".stderr";
      c.started = std::chrono::steady_clock::now();
      const pid_t pid = ::fork();
      if (pid < 0) throw std::runtime_error("fork failed: " + std::string(std::strerror(errno)));
      if (pid == 0) {
        const int err = ::open(c.stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        const int devnull = ::open("/dev/null", O_WRONLY);
        if (err >= 0) ::dup2(err, 2);
        if (devnull >= 0) ::dup2(devnull, 1);
        int code = 0;
        try {
          const std::string text = simulate(specs[next]).dump();
          std::ofstream out(c.report_path + ".part", std::ios::binary);
          out << text;
          out.close();
          if (!out || std::rename((c.report_path + ".part").c_str(), c.report_path.c_str()) != 0) code = 3;
        } catch (const InputError& e) {
          std::cerr << "mrsim: " << e.what() << '\n';
          code = 2;
        } catch (const std::exception& e) {
          std::cerr << "mrsim: internal error: " << e.what() << '\n';
          code = 3;
        }
        std::cerr.flush();
        std::_Exit(code);
      }
      running[pid] = c;
      ++next;
    }
    int status = 0;
    const pid_t done = ::waitpid(-1, &status, WNOHANG);
    if (done <= 0) {
      // Nobody finished: enforce timeouts, then wait a little. Polling keeps timeouts simple; 2 ms is far below a run.
      if (timeout_s > 0) {
        const auto now = std::chrono::steady_clock::now();
        for (auto& [pid, c] : running)
          if (!c.killed_for_timeout && std::chrono::duration<double>(now - c.started).count() > timeout_s) {
            ::kill(pid, SIGKILL);
            c.killed_for_timeout = true;
          }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
      continue;
    }
    auto it = running.find(done);
    if (it == running.end()) continue;
    Child c = it->second;
    running.erase(it);
    RunResult r;
    r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - c.started).count();
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    r.timed_out = c.killed_for_timeout;
    r.stderr_tail = tail(read_text_or_empty(c.stderr_path), 2048);
    if (r.timed_out) r.stderr_tail += "(killed after the run timeout of " + std::to_string(timeout_s) + " s)";
    if (r.exit_code == 0 && !r.timed_out) {
      try {
        r.report = nlohmann::ordered_json::parse(read_text_or_empty(c.report_path));
        r.ok = true;
      } catch (const std::exception& e) {
        r.stderr_tail += "(unreadable report: " + std::string(e.what()) + ")";
        r.exit_code = 3;
      }
    }
    std::remove(c.report_path.c_str());
    std::remove((c.report_path + ".part").c_str());
    std::remove(c.stderr_path.c_str());
    on_done(c.index, std::move(r));
  }
}

}  // namespace mrsim
