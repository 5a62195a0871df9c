#include "cli/bench_baseline.h"

#include <algorithm>
#include <limits>
#include <memory>
#include <queue>
#include <stdexcept>
#include <string>

#include "sim/footprint.h"
#include "sim/random.h"
#include "sim/world.h"

namespace mrsim {

namespace {

struct Leg {
  double latency_s = 0;
  double bottleneck_Bps = std::numeric_limits<double>::infinity();
  double transfer_s(double bytes) const { return latency_s + bytes / bottleneck_Bps; }
};

// client(from) -> app(to) -> db(to): the LAN link of `from` (client -> its gateway, or -> the app inside one
// region), the inter-region chain, the LAN link of `to` (gateway -> app), then app -> db over `to`'s LAN again.
// The reply db -> app -> client crosses the same links.
std::vector<Leg> client_db_legs(const Scenario& s) {
  const int n = int(s.regions.size());
  std::vector<Leg> legs(size_t(n) * n);
  const auto paths = region_paths(s);  // as the platform routes them
  for (int src = 0; src < n; ++src) {
    for (int dst = 0; dst < n; ++dst) {
      Leg& leg = legs[size_t(src) * n + dst];
      const RegionConfig &from = s.regions[size_t(src)], &to = s.regions[size_t(dst)];
      leg.latency_s = from.lan_latency_s + to.lan_latency_s;  // client -> app (one LAN hop when src == dst)
      if (src != dst) {
        leg.latency_s += to.lan_latency_s;  // two hops: client -> gateway -> ... -> gateway -> app
        for (int l : paths[size_t(src)][size_t(dst)]) {
          const LinkConfig& link = s.links[size_t(l)];
          leg.latency_s += link.latency_s;
          leg.bottleneck_Bps = std::min(leg.bottleneck_Bps, link.bandwidth_Bps);
        }
      }
      leg.bottleneck_Bps = std::min({leg.bottleneck_Bps, from.lan_bandwidth_Bps, to.lan_bandwidth_Bps});
    }
  }
  return legs;
}

enum class EventType : uint8_t { Arrival, Serve, Reply };

struct Event {
  double t;
  uint64_t seq;
  uint32_t slot;  // Arrival: the client group
  EventType type;
  bool operator>(const Event& o) const { return t > o.t || (t == o.t && seq > o.seq); }
};

struct Slot {
  OpRecord rec;
  uint32_t group = 0;
  int target = 0;
};

struct Group {
  const ClientGroupConfig* config;
  int region;
  uint32_t first_client;
  double end_s;
  RandomStream stream;
  const ZipfTable* zipf;
};

}  // namespace

BaselineResult run_baseline(const Scenario& s) {
  const int n = int(s.regions.size());
  const std::vector<Leg> legs = client_db_legs(s);
  const int primary = s.database.topology == Topology::SinglePrimary ? s.region_index(s.database.primary) : -1;
  const uint32_t keys = s.database.keys;

  std::vector<std::unique_ptr<ZipfTable>> zipfs;
  std::vector<Group> groups;
  uint32_t first_client = 0;
  for (size_t g = 0; g < s.clients.size(); ++g) {
    const ClientGroupConfig& c = s.clients[g];
    const ZipfTable* zipf = nullptr;
    if (c.key_distribution == KeyDistribution::Zipf) {
      zipfs.push_back(std::make_unique<ZipfTable>(keys, c.zipf_exponent));
      zipf = zipfs.back().get();
    }
    const double end = c.end_s < 0 ? s.duration_s : std::min(c.end_s, s.duration_s);
    groups.push_back({&c, s.region_index(c.region), first_client, end,
                      RandomStream(s.seed, "clients/" + std::to_string(g) + "/" + c.region), zipf});
    first_client += c.count;
  }

  BaselineResult result;
  result.ops.reserve(planned_operation_records(s));
  std::vector<uint32_t> versions(keys, kNoVersion);
  std::vector<Slot> slots;
  std::vector<uint32_t> free_slots;
  std::priority_queue<Event, std::vector<Event>, std::greater<Event>> events;
  uint64_t seq = 0;
  for (uint32_t g = 0; g < groups.size(); ++g)
    if (groups[g].config->rate_per_s > 0)
      events.push({groups[g].config->start_s + groups[g].stream.exponential(groups[g].config->rate_per_s), seq++, g,
                   EventType::Arrival});

  while (!events.empty()) {
    const Event e = events.top();
    events.pop();
    ++result.events;
    switch (e.type) {
      case EventType::Arrival: {
        Group& g = groups[e.slot];
        const ClientGroupConfig& c = *g.config;
        if (e.t >= g.end_s) break;
        const double next = e.t + g.stream.exponential(c.rate_per_s);
        if (next < g.end_s) events.push({next, seq++, e.slot, EventType::Arrival});
        uint32_t s_index;
        if (free_slots.empty()) {
          s_index = uint32_t(slots.size());
          slots.emplace_back();
        } else {
          s_index = free_slots.back();
          free_slots.pop_back();
        }
        Slot& slot = slots[s_index];
        slot = Slot{};
        OpRecord& r = slot.rec;
        r.invoke_s = e.t;
        r.client = g.first_client + g.stream.uniform_index(c.count);
        r.region = uint8_t(g.region);
        r.kind = g.stream.bernoulli(c.read_fraction) ? OpKind::Read : OpKind::Write;
        r.key = g.zipf ? g.zipf->sample(g.stream) : g.stream.uniform_index(keys);
        r.attempts = 1;
        slot.group = e.slot;
        slot.target = r.kind == OpKind::Write && primary >= 0 ? primary : g.region;
        events.push({e.t + legs[size_t(g.region) * n + slot.target].transfer_s(c.request_bytes), seq++, s_index,
                     EventType::Serve});
        break;
      }
      case EventType::Serve: {
        Slot& slot = slots[e.slot];
        OpRecord& r = slot.rec;
        double ready = e.t;
        if (r.kind == OpKind::Read) {
          r.version = versions[r.key];
          ready += s.database.read_service_s;
        } else {
          r.version = versions[r.key] = ++result.writes;
          ready += s.database.write_service_s;
        }
        r.node = int16_t(slot.target);
        r.served_s = e.t;
        const Group& g = groups[slot.group];
        events.push({ready + legs[size_t(g.region) * n + slot.target].transfer_s(g.config->response_bytes), seq++,
                     e.slot, EventType::Reply});
        break;
      }
      case EventType::Reply: {
        Slot& slot = slots[e.slot];
        slot.rec.complete_s = e.t;
        slot.rec.outcome = Outcome::Ok;
        result.ops.push_back(slot.rec);
        free_slots.push_back(e.slot);
        break;
      }
    }
  }
  return result;
}

}  // namespace mrsim
