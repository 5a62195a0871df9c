#include "cli/output_files.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <simgrid/s4u/Engine.hpp>

#include <atomic>
#include <cerrno>
#include <climits>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "sim/scenario_loader.h"

namespace mrsim {

namespace {

constexpr const char* kTemporaryMarker = ".mrsim-tmp.";
constexpr int kHandledSignals[] = {SIGINT, SIGTERM, SIGHUP};

// The temporary files a signal handler must remove. A fixed table of C strings: the handler may not allocate, lock
// or follow a std::string. A slot is filled before it is marked used and marked unused before it is reused, with a
// signal fence between, so the handler never reads a half-written path. A run has three outputs at most; a path
// that finds no slot (or is longer than PATH_MAX) is still removed by the destructor or by a later run.
struct PendingSlot {
  volatile std::sig_atomic_t used = 0;
  char path[PATH_MAX] = {};
};
PendingSlot g_pending[16];

void remove_temporaries() {
  for (PendingSlot& slot : g_pending)
    if (slot.used) ::unlink(slot.path);
}

extern "C" void remove_temporaries_and_reraise(int signal_number) {
  remove_temporaries();
  // The default action, then the same signal again: it is blocked while this handler runs and is delivered when it
  // returns, so the process ends as killed by it (status 128 + signal in a shell), as it would have without us.
  struct sigaction default_action {};
  default_action.sa_handler = SIG_DFL;
  sigemptyset(&default_action.sa_mask);
  ::sigaction(signal_number, &default_action, nullptr);
  ::raise(signal_number);
}

// Signals the caller chose to ignore (nohup, a shell's background job) stay ignored: recorded before anyone else
// installs a handler.
bool g_ignored[sizeof kHandledSignals / sizeof kHandledSignals[0]] = {};

void take_signals() {
  for (size_t i = 0; i < sizeof kHandledSignals / sizeof kHandledSignals[0]; ++i) {
    if (g_ignored[i]) continue;
    struct sigaction action {};
    action.sa_handler = remove_temporaries_and_reraise;
    sigemptyset(&action.sa_mask);
    for (int other : kHandledSignals) sigaddset(&action.sa_mask, other);  // one handler run at a time
    ::sigaction(kHandledSignals[i], &action, nullptr);
  }
}

void install_handlers_once() {
  static bool installed = false;
  if (installed) return;
  installed = true;
  for (size_t i = 0; i < sizeof kHandledSignals / sizeof kHandledSignals[0]; ++i) {
    struct sigaction current {};
    ::sigaction(kHandledSignals[i], nullptr, &current);
    g_ignored[i] = current.sa_handler == SIG_IGN;
  }
  take_signals();
  // SimGrid's engine installs a SIGINT handler of its own when it starts (it logs the actors' status and calls
  // exit(1)), replacing ours: take SIGINT back once the simulation starts, and should a signal land in between,
  // exit() still runs the atexit cleanup below.
  simgrid::s4u::Engine::on_simulation_start_cb(take_signals);
  std::atexit(remove_temporaries);
}

void register_temporary(const std::string& path) {
  if (path.size() >= PATH_MAX) return;
  for (PendingSlot& slot : g_pending) {
    if (slot.used) continue;
    std::memcpy(slot.path, path.c_str(), path.size() + 1);
    std::atomic_signal_fence(std::memory_order_seq_cst);
    slot.used = 1;
    return;
  }
}

void unregister_temporary(const std::string& path) {
  for (PendingSlot& slot : g_pending) {
    if (slot.used && path == slot.path) {
      slot.used = 0;
      std::atomic_signal_fence(std::memory_order_seq_cst);
    }
  }
}

// "dir/" for "dir/name", "" for "name".
std::string directory_prefix(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash + 1);
}

// Removes `.*.mrsim-tmp.<pid>` files in `directory` (a prefix as directory_prefix gives) whose process is gone.
void remove_leftovers_of_dead_runs(const std::string& directory) {
  DIR* dir = ::opendir(directory.empty() ? "." : directory.c_str());
  if (!dir) return;  // the open that follows reports an unusable directory
  while (const dirent* entry = ::readdir(dir)) {
    const std::string name = entry->d_name;
    const size_t marker = name.rfind(kTemporaryMarker);
    if (name.empty() || name[0] != '.' || marker == std::string::npos || marker == 0) continue;
    const std::string digits = name.substr(marker + std::strlen(kTemporaryMarker));
    if (digits.empty() || digits.size() > 9 || digits.find_first_not_of("0123456789") != std::string::npos) continue;
    const long pid = std::stol(digits);
    if (pid <= 0 || pid == long(::getpid())) continue;
    if (::kill(pid_t(pid), 0) == -1 && errno == ESRCH) ::unlink((directory + name).c_str());
  }
  ::closedir(dir);
}

}  // namespace

std::string OutputFiles::temporary_path(const std::string& path, long pid) {
  const std::string directory = directory_prefix(path);
  return directory + "." + path.substr(directory.size()) + kTemporaryMarker + std::to_string(pid);
}

OutputFiles::~OutputFiles() {
  for (const auto& [tmp, path] : pending_) {
    std::remove(tmp.c_str());
    unregister_temporary(tmp);
  }
}

std::ofstream OutputFiles::open(const std::string& path) {
  struct stat target {};
  if (path.empty() || path.back() == '/' || (::stat(path.c_str(), &target) == 0 && S_ISDIR(target.st_mode)))
    throw InputError(path + ": cannot write: is a directory");
  install_handlers_once();
  remove_leftovers_of_dead_runs(directory_prefix(path));
  const std::string tmp = temporary_path(path, long(::getpid()));
  register_temporary(tmp);  // before the file exists: a signal in between finds nothing to unlink, which is fine
  std::ofstream out(tmp, std::ios::binary);
  if (!out) {
    const int error = errno;
    unregister_temporary(tmp);
    throw InputError(path + ": cannot write: " + std::strerror(error));
  }
  pending_.emplace_back(tmp, path);
  return out;
}

void OutputFiles::commit() {
  // The renames are not interrupted half-way by the signals above: one arriving now takes effect once all the outputs
  // are in place.
  sigset_t handled, previous;
  sigemptyset(&handled);
  for (int signal_number : kHandledSignals) sigaddset(&handled, signal_number);
  ::sigprocmask(SIG_BLOCK, &handled, &previous);
  int failed_errno = 0;
  std::string failed_path;
  for (const auto& [tmp, path] : pending_) {
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
      failed_errno = errno;
      failed_path = path;
      break;
    }
    unregister_temporary(tmp);
  }
  ::sigprocmask(SIG_SETMASK, &previous, nullptr);
  if (!failed_path.empty()) throw InputError(failed_path + ": cannot write: " + std::strerror(failed_errno));
  pending_.clear();
}

}  // namespace mrsim
