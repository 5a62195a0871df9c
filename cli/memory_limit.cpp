#include "cli/memory_limit.h"

#include <unistd.h>

#include <cmath>
#include <limits>
#include <stdexcept>

#include "sim/scenario_loader.h"
#include "sim/units.h"

namespace mrsim {

namespace {
// A share, not all of it: the kernel, the page cache and whatever else runs need the rest, and the estimate is an
// estimate.
constexpr double kDefaultShareOfMemory = 0.8;
}  // namespace

double physical_memory_bytes() {
  const long pages = ::sysconf(_SC_PHYS_PAGES);
  const long page_bytes = ::sysconf(_SC_PAGESIZE);
  if (pages <= 0 || page_bytes <= 0) return 0;
  return double(pages) * double(page_bytes);
}

MemoryLimit memory_limit(const std::optional<std::string>& max_memory) {
  MemoryLimit limit;
  if (max_memory) {
    const std::string& max_memory_text = *max_memory;
    double bytes = 0;
    try {
      bytes = parse_size_bytes(max_memory_text);
    } catch (const std::invalid_argument&) {
      bytes = -1;
    }
    if (!(bytes > 0) || !std::isfinite(bytes))
      throw InputError("--max-memory: expected a size above zero such as \"4GiB\" or \"512MiB\", found \"" +
                       max_memory_text + "\"");
    limit.bytes = bytes;
    limit.origin = "--max-memory " + max_memory_text;
    return limit;
  }
  const double physical = physical_memory_bytes();
  if (physical <= 0) {
    limit.bytes = std::numeric_limits<double>::infinity();
    limit.origin = "this machine's memory is unknown";
    return limit;
  }
  limit.bytes = kDefaultShareOfMemory * physical;
  limit.origin = "80 % of this machine's " + format_memory(physical);
  return limit;
}

void refuse_if_over_limit(const std::string& source, const MemoryEstimate& estimate, const MemoryLimit& limit,
                          const std::string& advice) {
  if (estimate.bytes <= limit.bytes) return;
  throw InputError(source + ": the run would hold about " + estimate.summary() + ", more than the " +
                   format_memory(limit.bytes) + " limit (" + limit.origin + "); " +
                   (advice.empty() ? estimate.dominant().advice : advice) + ", or raise --max-memory");
}

}  // namespace mrsim
