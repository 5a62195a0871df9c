#include "sim/footprint.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

#include "sim/history.h"

namespace mrsim {

namespace {

// Coefficients, measured on the development machine (Debian 12, g++ 12.2 Release, SimGrid 3.32) as max RSS from
// /usr/bin/time -v, then rounded up; docs/performance.md has the table. "Flagship" is
// scenarios/active-passive-dns.json, varied with --set.

// The process before any history: SimGrid, the platform, the actors. Measured 35.0-35.2 MiB for 10 s and 1 min of
// the flagship without faults (150 operations a second).
constexpr double kBaselineBytes = 40.0 * 1024 * 1024;

// Per client operation: the 48-byte OpRecord (reserved for the offered load, planned_operation_records), the stable
// sort that orders the history at the end of the run, and the checkers' per-operation indices (session entries,
// per-client lists). Measured (max RSS minus baseline, over the operations): flagship 4 h read-only 94.5 B,
// flagship 2 h / 4 h / 8 h as shipped (10 % writes) 103 / 101 / 94 B, six regions 4 h read-only 96 B, the bench
// (10 m / 1 h) 97 / 84 B, 3.6 million operations in 2 min with an outage 79 B.
constexpr double kBytesPerOperation = 104;
// --streaming: an operation awaiting its lineage (its record in the queue, and the stale-read and session state it
// keeps until the key's floor passes it).
constexpr double kBytesPerWaitingOperation = 64;
constexpr double kWaitingInMemory = 1 << 20;  // StreamingMetrics' SpillQueue cap
// Per write, on top: its commit record, the checkers' lineage index (write ids, positions, keys), and each
// database node's 16-byte log entry. Measured as write-only minus read-only, 4 h of the flagship: 87.5 B with three
// nodes and 87.6 B with two (the checkers' peak, which does not depend on the nodes, dominates); 102.6 B with six
// nodes (the nodes' logs at the end of the simulation dominate). Charged as max(96, 24 + 16 per node).
constexpr double kBytesPerWrite = 96;
constexpr double kCommitBytes = 32, kLogEntryBytes = 16;
// Multi-primary, per write, from the structures' sizes (models/multi_primary.h): its 96-byte entry, its 32-byte
// commit record and 8 bytes of lineage, and on each node a 4-byte log slot and (on the others) a 16-byte apply record.
constexpr double kMultiPrimaryWriteBytes = 136, kMultiPrimaryPerNodeBytes = 20;
// Leaderless, per write, from the structures' sizes (models/leaderless.h): its commit record on top of the usual,
// and a 16-byte apply record for each replica but the coordinator's (pending applies are few: those in flight).
constexpr double kLeaderlessApplyBytes = 16;
// Per clock and sample, when some clock is not exact: a 24-byte ClockSample.
constexpr double kBytesPerClockSample = 24;

// Per key: each database node's 4-byte version table (models/database.cpp), copied while the node list grows (so
// up to 2 * nodes - 1 tables at once for a moment), or the tables plus an 8-byte cumulative-probability entry per
// key for each Zipf client group (sim/random.h), whichever is larger. Measured with 10^7 and 10^8 keys: 19.6-19.9 B
// per key for the flagship's three nodes with one Zipf group, 35.9 B with three Zipf groups; 5 % added.
constexpr double kVersionBytes = 4, kZipfEntryBytes = 8, kKeyMargin = 1.05;

// Per replica and lag sample (a 24-byte LagSample, the vector's growth, the lag checker's copy): measured 43 B
// (2 h of the flagship sampled every 10 ms, no load).
constexpr double kBytesPerLagSample = 48;
// With --trace, every sample of every series becomes a JSON value and then text: measured 50 B per value (the
// same run with --trace: 1,353 B per sample for 27 series).
constexpr double kBytesPerTraceValue = 56;

// Per write and replica of mode cdc: its CdcTransit (64 B), the vector's growth and the cdc checker's pointers:
// measured 61 B (the flagship 4 h, 200 writes/s, both replicas cdc).
constexpr double kBytesPerCdcTransit = 64;

// Per logical client: the checkers' per-client operation lists (offsets and fill cursors, 4 B each). Measured
// 7.5-10.6 B (three groups of a million clients, 10 min).
constexpr double kBytesPerClient = 12;

// Per operation in flight at once: a client slot (88 B), its queued events and pending reply, twice for the
// vectors' growth. From the structures' sizes (models/client.h), not measured: too small to show at any load
// tried (3.6 million operations in two minutes, 79 B per operation in all).
constexpr double kBytesPerOperationInFlight = 320;

// Per resolver: its cache, one 16-byte entry per DNS record (the write record and one read record per region), and
// the vector around it. From the structures' sizes (models/dns.h).
constexpr double kResolverEntryBytes = 16, kResolverBytes = 48;
// Client-side DNS caches (routing.client_cache): a 4-byte slot index per logical client of a group, and for each
// caching client one 16-byte entry per DNS record. From the structures' sizes (ClientDnsCache, models/dns.h).
constexpr double kClientCacheSlotBytes = 4;

std::string format_count(double n) {
  char buf[64];
  if (n >= 1e9) {
    std::snprintf(buf, sizeof buf, "%.3g billion", n / 1e9);
  } else if (n >= 1e6) {
    std::snprintf(buf, sizeof buf, "%.3g million", n / 1e6);
  } else if (n >= 1e4) {
    std::snprintf(buf, sizeof buf, "%.3g thousand", n / 1e3);
  } else {
    std::snprintf(buf, sizeof buf, "%.0f", n);
  }
  return buf;
}

std::string format_each(double bytes) {
  if (bytes < 1024) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f B", std::ceil(bytes));
    return buf;
  }
  return format_memory(bytes);
}

MemoryTerm term(double count, double bytes_each, const std::string& noun, std::string fields, std::string advice) {
  MemoryTerm t;
  t.count = count;
  t.bytes_each = bytes_each;
  t.bytes = count * bytes_each;
  t.what = format_count(count) + " " + noun + " at " + format_each(bytes_each) + " each";
  t.fields = std::move(fields);
  t.advice = std::move(advice);
  return t;
}

// How long a client group issues operations: its [start, end) window, cut at the run's end.
double active_s(const ClientGroupConfig& g, double duration_s) {
  const double end = g.end_s < 0 ? duration_s : std::min(g.end_s, duration_s);
  return std::max(0.0, end - g.start_s);
}

double offered_operations(const Scenario& s) {
  double offered = 0;
  for (const auto& g : s.clients) offered += g.rate_per_s * active_s(g, s.duration_s);
  return offered;
}

}  // namespace

size_t planned_operation_records(const Scenario& s) {
  // Capped far above any limit a machine allows, so that the conversion stays defined whatever the scenario.
  return size_t(std::min(offered_operations(s) * 1.01 + 1024, 1e18));
}

MemoryEstimate estimate_memory(const Scenario& s, const MemoryEstimateOptions& options) {
  MemoryEstimate e;
  e.baseline_bytes = kBaselineBytes;

  const bool multi = s.database.topology == Topology::MultiPrimary;
  const bool leaderless = s.database.topology == Topology::Leaderless;
  const double nodes = s.database.topology != Topology::SinglePrimary ? double(s.database.regions.size())
                                                                      : 1.0 + double(s.database.replicas.size());
  const double replicas = leaderless ? 0 : nodes - 1;  // multi-primary: every node has a lag; leaderless: none

  // Client operations, with the writes' share folded into one per-operation figure.
  double writes = 0;
  for (const auto& g : s.clients) writes += g.rate_per_s * active_s(g, s.duration_s) * (1 - g.read_fraction);
  const double offered = offered_operations(s);
  const double records = double(planned_operation_records(s));
  const double per_write = multi        ? kBytesPerWrite + kMultiPrimaryWriteBytes + kMultiPrimaryPerNodeBytes * nodes
                           : leaderless ? kBytesPerWrite + kCommitBytes + kLeaderlessApplyBytes * (nodes - 1)
                                        : std::max(kBytesPerWrite, kCommitBytes + kLogEntryBytes * nodes);
  const double per_operation = kBytesPerOperation + (offered > 0 ? per_write * writes / offered : 0);
  if (!options.streaming) {
    e.terms.push_back(term(records, per_operation, "client operations", "/duration, /clients/*/rate_per_s",
                           "shorten /duration or lower /clients/*/rate_per_s"));
  } else {
    // Operations wait until every node holds what they name: at worst for the longest fault and a minute more. Past
    // kWaitingInMemory of them the queue spills to a temporary file (sim/spill_queue.h).
    double longest_fault_s = 0;
    for (const auto& f : s.faults)
      longest_fault_s = std::max(longest_fault_s, std::min(f.heals ? f.duration_s : s.duration_s - f.at_s, s.duration_s));
    const double waiting = std::min({records, offered / std::max(s.duration_s, 1e-9) * (longest_fault_s + 60),
                                     kWaitingInMemory});
    e.terms.push_back(term(waiting, kBytesPerWaitingOperation, "operations awaiting their lineage (in memory)",
                           "/faults/*/duration, /clients/*/rate_per_s", "shorten the longest fault"));
  }

  // Keys.
  double zipf_groups = 0;
  for (const auto& g : s.clients)
    if (g.key_distribution == KeyDistribution::Zipf && g.zipf_exponent > 0) ++zipf_groups;
  const double per_key =
      kKeyMargin * std::max((2 * nodes - 1) * kVersionBytes, nodes * kVersionBytes + zipf_groups * kZipfEntryBytes);
  e.terms.push_back(term(double(s.database.keys), per_key, "keys", "/database/keys", "lower /database/keys"));

  // CDC: one transit per write per cdc-fed replica (models/cdc_pipeline.h).
  double cdc_replicas = 0;
  for (const auto& r : s.database.replicas) cdc_replicas += r.mode == ReplicationMode::Cdc ? 1 : 0;
  if (!multi && cdc_replicas > 0)
    e.terms.push_back(term(writes * cdc_replicas, kBytesPerCdcTransit, "cdc transits",
                           "/database/replication, /clients/*/rate_per_s, /duration",
                           "feed fewer replicas by cdc, or lower the write rate"));

  // Samples: each replica's lag, and with --trace every series of the trace.
  std::set<std::string> client_regions;
  for (const auto& g : s.clients) client_regions.insert(g.region);
  const double samples = double(sample_count(s.duration_s, s.metrics.sample_interval_s));
  double per_sample = (multi ? nodes : replicas) * kBytesPerLagSample;
  bool clocks_sampled = false;  // models/clocks.h: any clock not exact
  for (const auto& r : s.regions) clocks_sampled = clocks_sampled || r.clock_offset_s != 0 || r.clock_drift_ppm != 0 || r.ntp;
  for (const auto& f : s.faults) clocks_sampled = clocks_sampled || f.kind == FaultKind::ClockSkew || f.kind == FaultKind::ClockDrift;
  const double clocks = clocks_sampled ? 3.0 * double(s.regions.size()) : 0.0;
  per_sample += clocks * kBytesPerClockSample;
  // The trace: the sample times, each replica's lag, and per client region and kind four series.
  if (options.trace)
    per_sample += (1 + (multi ? nodes : replicas) + clocks + 8 * double(client_regions.size()) +
                   double(kCdcStages) * cdc_replicas) * kBytesPerTraceValue;
  e.terms.push_back(term(samples, per_sample, options.trace ? "samples (lag and trace series)" : "lag samples",
                         "/metrics/sample_interval, /duration",
                         "raise /metrics/sample_interval or shorten /duration"));

  // Logical clients.
  double clients = 0;
  for (const auto& g : s.clients) clients += g.count;
  e.terms.push_back(term(clients, kBytesPerClient, "logical clients", "/clients/*/count", "lower /clients/*/count"));

  // Operations in flight at once, at worst (every attempt times out, as in an outage).
  double in_flight = 0;
  for (const auto& g : s.clients)
    in_flight += g.rate_per_s * ((1.0 + g.max_retries) * g.timeout_s + g.max_retries * g.retry_backoff_s);
  e.terms.push_back(term(in_flight, kBytesPerOperationInFlight, "operations in flight",
                         "/clients/*/rate_per_s, /clients/*/timeout, /clients/*/max_retries",
                         "lower /clients/*/rate_per_s, /clients/*/timeout or /clients/*/max_retries"));

  // Resolver caches, one pool per client region.
  const double resolvers = double(client_regions.size()) * s.routing.resolvers_per_region;
  const double per_resolver = kResolverBytes + kResolverEntryBytes * (1.0 + 3.0 * double(s.regions.size()));
  e.terms.push_back(term(resolvers, per_resolver, "resolvers", "/routing/resolvers_per_region",
                         "lower /routing/resolvers_per_region"));

  if (s.routing.client_cache.fraction > 0) {
    const double caching = std::round(s.routing.client_cache.fraction * clients);
    const double per_caching_client = kResolverEntryBytes * (1.0 + 3.0 * double(s.regions.size()));
    // Every client's slot index is charged to the caching clients, so that the term counts caches.
    e.terms.push_back(term(caching, per_caching_client + clients * kClientCacheSlotBytes / std::max(caching, 1.0),
                           "client-side DNS caches", "/routing/client_cache/fraction, /clients/*/count",
                           "lower /routing/client_cache/fraction or /clients/*/count"));
  }

  std::stable_sort(e.terms.begin(), e.terms.end(),
                   [](const MemoryTerm& a, const MemoryTerm& b) { return a.bytes > b.bytes; });
  e.bytes = e.baseline_bytes;
  for (const auto& t : e.terms) e.bytes += t.bytes;
  return e;
}

std::string MemoryEstimate::summary() const { return format_memory(bytes) + " (" + dominant().what + ")"; }

std::string format_memory(double bytes) {
  static const char* const kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  size_t unit = 0;
  double value = bytes;
  while (value >= 1024 && unit + 1 < sizeof kUnits / sizeof kUnits[0]) {
    value /= 1024;
    ++unit;
  }
  char buf[48];
  if (unit == 0 || value >= 100)
    std::snprintf(buf, sizeof buf, "%.0f %s", value, kUnits[unit]);
  else
    std::snprintf(buf, sizeof buf, "%.1f %s", value, kUnits[unit]);
  return buf;
}

}  // namespace mrsim
