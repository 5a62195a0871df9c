// Names of the history enums, as they appear in reports, traces and history files.
#include "sim/history.h"

namespace mrsim {

const char* to_string(OpKind kind) {
  switch (kind) {
    case OpKind::Read: return "read";
    case OpKind::Write: return "write";
  }
  return "unknown";
}

const char* to_string(Outcome outcome) {
  switch (outcome) {
    case Outcome::Ok: return "ok";
    case Outcome::Timeout: return "timeout";
    case Outcome::Error: return "error";
  }
  return "unknown";
}

const char* to_string(Role role) {
  switch (role) {
    case Role::Primary: return "primary";
    case Role::Replica: return "replica";
    case Role::Recovering: return "recovering";
    case Role::Down: return "down";
  }
  return "unknown";
}

}  // namespace mrsim
