// Per-interval series; see samples.h.
#include "sim/samples.h"

#include <algorithm>

#include "sim/checkers.h"

namespace mrsim {

std::optional<double> ClientInterval::success_ratio(size_t region, int kind) const {
  if (region >= attempted.size()) return std::nullopt;
  uint64_t tried = 0, ok = 0;
  for (int k = 0; k < 2; ++k) {
    if (kind >= 0 && k != kind) continue;
    tried += attempted[region][k];
    ok += succeeded[region][k];
  }
  if (tried == 0) return std::nullopt;
  return static_cast<double>(ok) / static_cast<double>(tried);
}

size_t client_region_count(const History& h) {
  size_t regions = 0;
  for (const OpRecord& op : h.ops) regions = std::max(regions, static_cast<size_t>(op.region) + 1);
  return regions;
}

void for_each_client_interval(const History& h, double interval, size_t buckets,
                              const std::function<void(size_t, ClientInterval&)>& visit) {
  const size_t regions = client_region_count(h);
  std::vector<size_t> order(h.ops.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  auto by_invoke = [&](size_t a, size_t b) { return h.ops[a].invoke_s < h.ops[b].invoke_s; };
  if (!std::is_sorted(order.begin(), order.end(), by_invoke)) std::stable_sort(order.begin(), order.end(), by_invoke);
  ClientInterval c;
  c.attempted.resize(regions);
  c.succeeded.resize(regions);
  c.latencies.resize(regions);
  size_t next = 0;
  for (size_t b = 0; b < buckets; ++b) {
    for (auto& r : c.latencies) r[0].clear(), r[1].clear();
    for (auto& r : c.attempted) r = {0, 0};
    for (auto& r : c.succeeded) r = {0, 0};
    for (; next < order.size() && sample_index(h.ops[order[next]].invoke_s, interval, buckets) <= b; ++next) {
      const OpRecord& op = h.ops[order[next]];
      int kind = op.kind == OpKind::Write ? 1 : 0;
      ++c.attempted[op.region][kind];
      if (op.ok()) {
        ++c.succeeded[op.region][kind];
        c.latencies[op.region][kind].push_back(op.complete_s - op.invoke_s);
      }
    }
    visit(b, c);
  }
}

std::map<int16_t, std::vector<std::optional<double>>> lag_by_interval(const History& h, double interval,
                                                                      size_t buckets) {
  std::map<int16_t, std::vector<std::optional<double>>> lag;
  if (buckets == 0) return lag;
  for (const LagSample& s : h.lag) {
    auto& series = lag[s.node];
    series.resize(buckets);
    auto& slot = series[sample_index(s.t, interval, buckets)];
    if (!slot || s.lag_s > *slot) slot = s.lag_s;
  }
  return lag;
}

std::map<uint16_t, std::vector<std::optional<double>>> clock_offset_by_interval(const History& h, double interval,
                                                                                size_t buckets) {
  std::map<uint16_t, std::vector<std::optional<double>>> series;
  for (const ClockSample& c : h.clock_samples) {
    auto& values = series[c.clock];
    values.resize(buckets);
    if (buckets > 0) values[sample_index(c.t, interval, buckets)] = c.offset_s;
  }
  return series;
}

std::vector<uint64_t> stale_reads_by_interval(const std::vector<double>& stale_invoke_s, double interval,
                                              size_t buckets) {
  std::vector<uint64_t> stale(buckets, 0);
  if (buckets > 0)
    for (double t : stale_invoke_s) ++stale[sample_index(t, interval, buckets)];
  return stale;
}

std::vector<uint64_t> stale_reads_by_interval(const History& h, double interval, size_t buckets) {
  return stale_reads_by_interval(check_stale_reads(h).stale_invoke_s, interval, buckets);
}

}  // namespace mrsim
