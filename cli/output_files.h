// Writes all the output files of a run or none of them.
//
// Each output goes to a temporary file next to its target, `.<name>.mrsim-tmp.<pid>`, and is renamed into place
// when the run has succeeded (commit). A temporary file does not outlive the run:
//  - on an exception, the destructor removes it;
//  - on SIGINT, SIGTERM or SIGHUP (Ctrl-C, a CI timeout), a handler unlinks every pending temporary file and
//    re-raises the signal with its default action, so the exit status is still "killed by the signal". The
//    handler is async-signal-safe: the paths sit in a fixed table of C strings, and it calls only unlink,
//    sigaction and raise;
//  - after SIGKILL or a crash nothing can run, so opening an output first removes the siblings that a dead mrsim
//    left: files in the same directory named `.*.mrsim-tmp.<pid>` whose pid no longer exists (kill(pid, 0) fails
//    with ESRCH). A live pid's files are kept, whoever owns them. (Runs on other machines sharing the directory
//    over a network file system have pids this machine cannot see: do not point two machines at one directory.)
#pragma once

#include <fstream>
#include <string>
#include <utility>
#include <vector>

namespace mrsim {

class OutputFiles {
 public:
  OutputFiles() = default;
  OutputFiles(const OutputFiles&) = delete;
  OutputFiles& operator=(const OutputFiles&) = delete;
  ~OutputFiles();

  // Opens the temporary file for `path`; throws InputError (naming `path`) if it cannot be written.
  std::ofstream open(const std::string& path);
  // Renames every temporary file into place.
  void commit();

  // The temporary file's name for `path` written by process `pid`: "dir/.name.mrsim-tmp.<pid>".
  static std::string temporary_path(const std::string& path, long pid);

 private:
  std::vector<std::pair<std::string, std::string>> pending_;  // (temporary, target)
};

}  // namespace mrsim
