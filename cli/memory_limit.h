// The memory a run may hold, and the refusal of runs estimated to need more (sim/footprint.h estimates; this file
// looks at the machine, which sim/ and models/ must not).
//
// The whole history stays in memory until the checkers have read it, so a long or heavy scenario can need more
// memory than the machine has. Rather than die of std::bad_alloc after minutes of simulation, run, check and bench
// compare the estimate with a limit before simulating and refuse with exit 2 and one line naming the fields to
// change. The limit exists until the checkers stream the history instead of holding it.
#pragma once

#include <optional>
#include <string>

#include "sim/footprint.h"

namespace mrsim {

struct MemoryLimit {
  double bytes = 0;    // infinity when the machine's memory is unknown and no --max-memory was given
  std::string origin;  // "80 % of this machine's 23.4 GiB", "--max-memory 4GiB"
};

// The machine's physical memory in bytes (sysconf), 0 if it cannot be read.
double physical_memory_bytes();

// --max-memory SIZE when given (text as parse_size_bytes reads it: "4GiB", "512MiB"), else 80 % of physical
// memory. Throws InputError for a bad or zero SIZE.
MemoryLimit memory_limit(const std::optional<std::string>& max_memory_text);

// Throws InputError, one line, when `estimate` exceeds `limit`:
//   <source>: the run would hold about 41.5 GiB (393 million client operations at 114 B each), more than the
//   18.7 GiB limit (80 % of this machine's 23.4 GiB); shorten /duration or lower /clients/*/rate_per_s, or raise
//   --max-memory
// `advice` replaces the estimate's own (the bench names its flags rather than scenario fields).
void refuse_if_over_limit(const std::string& source, const MemoryEstimate& estimate, const MemoryLimit& limit,
                          const std::string& advice = "");

}  // namespace mrsim
