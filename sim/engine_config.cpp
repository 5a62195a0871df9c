#include "sim/engine_config.h"

#include <sys/wait.h>
#include <unistd.h>

#include <simgrid/s4u/Actor.hpp>
#include <simgrid/s4u/Engine.hpp>
#include <simgrid/s4u/Host.hpp>
#include <simgrid/s4u/Link.hpp>
#include <simgrid/s4u/Mailbox.hpp>
#include <simgrid/s4u/NetZone.hpp>
#include <xbt/config.hpp>
#include <xbt/log.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include "sim/scenario_loader.h"

namespace mrsim {

namespace sg4 = simgrid::s4u;

namespace {

constexpr unsigned kProbeLimit_s = 60;      // a two-host simulation takes milliseconds, even under sanitizers
constexpr size_t kProbeOutputLimit = 1 << 16;  // SimGrid lists every key after an unknown one: keep the start
constexpr const char* kVerdict = "mrsim-verdict: ";

// The child's side: builds an engine with the settings, two hosts and a link, sends one message, and exits 0 when the
// simulation ends; a rejected setting ends it earlier, by SimGrid's exception, abort or crash, or by our verdict.
[[noreturn]] void probe(const std::vector<std::string>& settings) {
  ::alarm(kProbeLimit_s);
  xbt_log_control_set("root.thres:critical");
  std::vector<std::string> args = engine_arguments(settings);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int argc = int(args.size());
  sg4::Engine engine(&argc, argv.data());
  // Read back rather than parse: SimGrid also accepts older aliases of these keys.
  if (!simgrid::config::is_default("network/model")) {
    std::fprintf(stderr, "%smrsim sets network/model itself (CM02, docs/architecture.md)\n", kVerdict);
    ::_exit(1);
  }
  if (simgrid::config::get_value<int>("contexts/nthreads") != 1) {
    std::fprintf(stderr, "%smrsim needs contexts/nthreads:1 (parallel contexts make runs non-deterministic)\n",
                 kVerdict);
    ::_exit(1);
  }
  sg4::Engine::set_config("network/model:CM02");
  auto* zone = sg4::create_full_zone("probe");
  auto* a = zone->create_host("a", 1e9);
  auto* b = zone->create_host("b", 1e9);
  auto* link = zone->create_link("a-b", 1e9)->set_latency(0.001);
  zone->add_route(a->get_netpoint(), b->get_netpoint(), nullptr, nullptr, {sg4::LinkInRoute(link)});
  zone->seal();
  static int payload = 0;
  sg4::Actor::create("sender", a, [] { sg4::Mailbox::by_name("probe")->put(&payload, 1000); });
  sg4::Actor::create("receiver", b, [] { sg4::Mailbox::by_name("probe")->get<int>(); });
  engine.run();
  ::_exit(0);
}

// SimGrid's message in what the child printed: our verdict, else the text of the first CRITICAL line (or the line
// after it, when SimGrid starts the message on a new line), else the first ERROR line.
std::string rejection(const std::string& output) {
  std::vector<std::string> lines;
  for (size_t at = 0; at < output.size();) {
    const size_t end = std::min(output.find('\n', at), output.size());
    lines.push_back(output.substr(at, end - at));
    at = end + 1;
  }
  for (const auto& line : lines)
    if (line.rfind(kVerdict, 0) == 0) return line.substr(std::strlen(kVerdict));
  for (const char* level : {"CRITICAL] ", "ERROR] ", "ERROR: "}) {  // SimGrid's log levels, then a sanitizer's
    for (size_t i = 0; i < lines.size(); ++i) {
      const size_t at = lines[i].find(level);
      if (at == std::string::npos) continue;
      std::string text = lines[i].substr(at + std::strlen(level));
      if (text.find_first_not_of(' ') == std::string::npos && i + 1 < lines.size()) text = lines[i + 1];
      const std::string uncaught = "Uncaught exception ";
      if (text.rfind(uncaught, 0) == 0) {  // "Uncaught exception std::out_of_range: Bad config key: x"
        const size_t colon = text.find(": ");
        if (colon != std::string::npos) text = text.substr(colon + 2);
      }
      while (!text.empty() && (text.back() == ' ' || text.back() == ':' || text.back() == '.')) text.pop_back();
      if (!text.empty()) return text;
    }
  }
  return "";
}

// Runs probe() in a child; returns "" if the settings work, else why not.
std::string try_settings(const std::vector<std::string>& settings) {
  int fds[2];
  if (::pipe(fds) != 0) throw std::runtime_error(std::string("--cfg: pipe failed: ") + std::strerror(errno));
  std::fflush(nullptr);
  const pid_t child = ::fork();
  if (child < 0) throw std::runtime_error(std::string("--cfg: fork failed: ") + std::strerror(errno));
  if (child == 0) {
    ::close(fds[0]);
    ::dup2(fds[1], STDOUT_FILENO);
    ::dup2(fds[1], STDERR_FILENO);
    ::close(fds[1]);
    try {
      probe(settings);
    } catch (const std::exception& e) {  // from the Engine's constructor (an unknown key) or set_config
      const std::string what = e.what();
      std::fprintf(stderr, "%s%s\n", kVerdict, what.substr(0, what.find('\n')).c_str());
    } catch (...) {  // this child must never return into its parent's code; nothing here is an actor to kill
    }
    ::_exit(1);
  }
  ::close(fds[1]);
  std::string output;
  char buf[4096];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) != 0;) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    if (output.size() < kProbeOutputLimit) output.append(buf, size_t(n));
  }
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return "";
  const std::string why = rejection(output);
  if (!why.empty()) return why;
  if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
    return "a two-host simulation did not finish within " + std::to_string(kProbeLimit_s) + " s";
  if (WIFSIGNALED(status)) return std::string("the engine crashed (") + strsignal(WTERMSIG(status)) + ")";
  return "the engine stopped with exit code " + std::to_string(WEXITSTATUS(status));
}

std::string joined(const std::vector<std::string>& settings) {
  std::string out;
  for (const auto& s : settings) out += (out.empty() ? "--cfg=" : " --cfg=") + s;
  return out;
}

}  // namespace

std::vector<std::string> engine_arguments(const std::vector<std::string>& settings) {
  std::vector<std::string> args{"mrsim"};
  for (const auto& s : settings) args.push_back("--cfg=" + s);
  return args;
}

void check_engine_config(const std::vector<std::string>& settings) {
  for (const auto& s : settings) {
    const size_t colon = s.find(':');
    // SimGrid aborts on a setting without ':' and splits one with blanks into several.
    if (colon == 0 || colon == std::string::npos || s.find_first_of(" \t\n\r\v\f") != std::string::npos)
      throw InputError("--cfg=" + s + ": expected one SimGrid setting KEY:VALUE without blanks, as in " +
                       "--cfg=contexts/factory:thread");
  }
  if (settings.empty() || try_settings(settings).empty()) return;
  // Name the setting at fault when one alone fails; otherwise it is the combination.
  for (const auto& s : settings) {
    const std::string why = try_settings({s});
    if (!why.empty()) throw InputError("--cfg=" + s + ": SimGrid rejects it: " + why);
  }
  throw InputError(joined(settings) + ": SimGrid rejects these together: " + try_settings(settings));
}

}  // namespace mrsim
