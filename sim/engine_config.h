// SimGrid configuration settings passed through from the command line (--cfg=KEY:VALUE), for debugging and for
// sanitizer builds: AddressSanitizer needs contexts/factory:thread (docs/hardening.md). Settings are engine
// plumbing, not part of a scenario: the report's replay command lists them, so a run made with them says so.
//
// SimGrid cannot be asked safely whether a setting is valid: an unknown key thrown from the Engine's constructor
// terminates the process, and many bad values abort (xbt_die), crash or hang only once the platform is built or the
// simulation runs. So check_engine_config() tries the settings in a child process on a two-host platform first.
#pragma once

#include <string>
#include <vector>

namespace mrsim {

// Throws InputError ("--cfg=SETTING: ...", one line) unless every setting is KEY:VALUE without blanks, leaves alone
// what mrsim sets itself (network/model) and what would break determinism (contexts/nthreads other than 1), and
// lets SimGrid create an engine, build a platform and run a simulation to its end. Call before any Engine exists.
void check_engine_config(const std::vector<std::string>& settings);

// The Engine's command line: the program name, then "--cfg=SETTING" for each setting. The Engine's constructor must
// see them (contexts/factory is read there; set_config() afterwards is silently too late for it).
std::vector<std::string> engine_arguments(const std::vector<std::string>& settings);

}  // namespace mrsim
