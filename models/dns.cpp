#include "models/dns.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <numeric>

#include "sim/random.h"
#include "sim/recorder.h"

namespace mrsim {

int RecordPolicy::answer(int client_region, uint64_t healthy) const {
  auto is_healthy = [&](int r) { return r >= 0 && ((healthy >> r) & 1u); };
  switch (kind) {
    case Kind::Failover: return kNoAnswer;  // the controller's choice: not a function of health alone
    case Kind::Geo: {
      const int mapped = geo_map[size_t(client_region)];
      if (is_healthy(mapped)) return mapped;
      return is_healthy(geo_default) ? geo_default : kNoAnswer;
    }
    case Kind::Latency: {
      int best = kNoAnswer;
      for (int r = 0; r < regions; ++r)  // ties keep the lower index
        if (is_healthy(r) && (best < 0 || latency_s[size_t(client_region * regions + r)] <
                                              latency_s[size_t(client_region * regions + best)]))
          best = r;
      return best;
    }
    case Kind::Weighted: {
      int best = kNoAnswer;
      for (int r = 0; r < regions; ++r)
        if (is_healthy(r) && weights[size_t(r)] > 0 && (best < 0 || weights[size_t(r)] > weights[size_t(best)]))
          best = r;
      return best;
    }
  }
  return kNoAnswer;
}

uint64_t RecordPolicy::weighted_candidates(uint64_t healthy) const {
  uint64_t out = 0;
  for (int r = 0; r < regions && r < int(weights.size()); ++r)
    if (((healthy >> r) & 1u) && weights[size_t(r)] > 0) out |= uint64_t(1) << r;
  return out;
}

int RecordPolicy::draw(uint64_t healthy, RandomStream& stream) const {
  double total = 0;
  for (int r = 0; r < regions; ++r)
    if ((healthy >> r) & 1u) total += weights[size_t(r)];
  const double u = stream.uniform01() * total;  // one draw, even when nothing is healthy
  if (!(total > 0)) return kNoAnswer;
  double below = 0;
  int last = kNoAnswer;
  for (int r = 0; r < regions; ++r) {
    if (!((healthy >> r) & 1u) || !(weights[size_t(r)] > 0)) continue;
    below += weights[size_t(r)];
    last = r;
    if (u < below) return r;
  }
  return last;  // u rounded up to the total
}

AuthoritativeDns::AuthoritativeDns(const RoutingConfig& config, Recorder& recorder, std::vector<std::string> region_names)
    : config_(config), recorder_(recorder), region_names_(std::move(region_names)) {
  records_.resize(kReadRecordBase + 3 * region_names_.size());
  requested_.assign(records_.size(), RecordPolicy::kNoAnswer);
  drawn_.assign(records_.size(), false);
}

void AuthoritativeDns::set_policy(RecordPolicy policy) {
  policy_ = std::move(policy);
  health_.clear();
}

bool AuthoritativeDns::policy_record(int record) const {
  if (policy_.kind == RecordPolicy::Kind::Failover || record == kWriteRecord) return false;
  const int family = (record - kReadRecordBase) / int(region_names_.size());
  return family == 0 || family == 1;  // read.<R>, write.<R>
}

int AuthoritativeDns::client_region_of(int record) const {
  return (record - kReadRecordBase) % int(region_names_.size());
}

void AuthoritativeDns::push(int record, double from, int region, bool reweighted) {
  records_[record].push_back({from, region});
  // "No answer" shows as region 255, which names no region.
  recorder_.dns({from, record_name(record), uint8_t(region < 0 ? 255 : region), reweighted});
}

std::string AuthoritativeDns::record_name(int record) const {
  if (record == kWriteRecord) return "write";
  const int n = int(region_names_.size());
  const int family = (record - kReadRecordBase) / n, region = (record - kReadRecordBase) % n;
  static const char* const kFamily[] = {"read.", "write.", "home."};
  return kFamily[family] + region_names_[region];
}

void AuthoritativeDns::define(int record, int region) {
  assert(records_[record].empty());
  requested_[record] = region;
  if (policy_record(record)) {
    if (health_.empty()) health_.push_back({0.0, policy_.healthy_at_start});
    region = policy_.answer(client_region_of(record), health_.front().healthy);
    drawn_[record] = policy_.kind == RecordPolicy::Kind::Weighted;
  }
  push(record, 0.0, region);
}

double AuthoritativeDns::change(int record, int region, double t) {
  const double from = t + config_.update_delay_s;
  auto& versions = records_[record];
  assert(!versions.empty() && versions.back().from_s <= from);
  requested_[record] = region;
  if (policy_record(record)) return from;  // the policy answers from the health it was told, not the request
  push(record, from, region);
  return from;
}

void AuthoritativeDns::set_region_healthy(int region, bool healthy, double t) {
  if (policy_.kind == RecordPolicy::Kind::Failover || health_.empty()) return;
  const uint64_t bit = uint64_t(1) << region;
  const uint64_t before = health_.back().healthy;
  const uint64_t now = healthy ? before | bit : before & ~bit;
  if (now == before) return;
  const double from = t + config_.update_delay_s;
  health_.push_back({from, now});
  for (int record = 0; record < int(records_.size()); ++record) {
    if (!defined(record) || !policy_record(record)) continue;
    const int answer = policy_.answer(client_region_of(record), now);
    const bool reweighted =
        drawn_[record] && policy_.weighted_candidates(now) != policy_.weighted_candidates(before);
    if (answer != records_[record].back().region || reweighted) push(record, from, answer, reweighted);
  }
}

int AuthoritativeDns::draw(int record, double t, RandomStream& stream) const {
  (void)record;
  // Few versions, newest most likely: search from the back.
  for (auto it = health_.rbegin(); it != health_.rend(); ++it)
    if (it->from_s <= t) return policy_.draw(it->healthy, stream);
  return policy_.draw(health_.front().healthy, stream);
}

int AuthoritativeDns::answer(int record, double t) const {
  const auto& versions = records_[record];
  // Few versions, newest most likely: search from the back.
  for (auto it = versions.rbegin(); it != versions.rend(); ++it)
    if (it->from_s <= t) return it->region;
  return versions.front().region;
}

void AuthoritativeDns::set_outages(std::vector<std::pair<double, double>> intervals) {
  outages_ = std::move(intervals);
  std::sort(outages_.begin(), outages_.end());
}

bool AuthoritativeDns::out(double t) const {
  for (const auto& [start, end] : outages_) {
    if (t < start) return false;
    if (t < end) return true;
  }
  return false;
}

int AuthoritativeDns::latest_requested(int record) const { return requested_[record]; }

int WriteRecords::home_region(uint32_t client, uint32_t key) const {
  uint64_t h = home_by_client_ ? client : key;
  if (home_by_client_) {  // splitmix64's finalizer: consecutive client indices spread over the regions
    h += 0x9e3779b97f4a7c15ull;
    h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ull;
    h = (h ^ (h >> 27)) * 0x94d049bb133111ebull;
    h ^= h >> 31;
  }
  return node_regions_[size_t(h % node_regions_.size())];
}

int WriteRecords::record(int client_region, uint32_t client, uint32_t key) const {
  switch (routing_) {
    case WriteRouting::Primary: return AuthoritativeDns::kWriteRecord;
    case WriteRouting::Local: return dns_.local_write_record(client_region);
    case WriteRouting::HomeRegion: return dns_.home_record(home_region(client, key));
  }
  return AuthoritativeDns::kWriteRecord;
}

ResolverPool::ResolverPool(const RoutingConfig& config, const LocalClock& clock, const AuthoritativeDns& authority,
                           int records, RandomStream& stream, RandomStream draws)
    : config_(config),
      clock_(clock),
      authority_(authority),
      draws_(draws),
      negative_ttl_s_(config.negative_ttl_s < 0 ? config.ttl_s : config.negative_ttl_s) {
  const uint32_t n = config_.resolvers_per_region;
  // Exactly round(fraction * n) resolvers stretch TTLs, chosen by a seeded shuffle: the fraction the scenario
  // asks for, without the noise of an independent coin per resolver.
  const uint32_t stale = uint32_t(std::lround(config_.stale_fraction * n));
  std::vector<uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  for (uint32_t i = n; i > 1; --i) std::swap(order[i - 1], order[stream.uniform_index(i)]);
  extra_s_.assign(n, 0.0);
  for (uint32_t i = 0; i < stale; ++i) extra_s_[order[i]] = config_.stale_extra_s;
  // Populations take the next resolvers of the same shuffle, exactly round(fraction x n) each, and draw each
  // resolver's extra time from their own stream (draws_ is the pool's stream for everything added after the
  // simple form, so that a scenario without populations draws exactly what it always did).
  uint32_t next = stale;
  for (const ResolverPopulation& p : config_.resolvers) {
    const uint32_t count = std::min(n - next, uint32_t(std::lround(p.fraction * n)));
    for (uint32_t i = next; i < next + count; ++i) {
      double extra = p.min_s;
      if (p.distribution == ResolverPopulation::Extra::Uniform) extra = p.min_s + draws_.uniform01() * (p.max_s - p.min_s);
      if (p.distribution == ResolverPopulation::Extra::Exponential) extra = draws_.exponential(1.0 / p.mean_s);
      extra_s_[order[i]] = extra;
    }
    next += count;
  }
  // The run starts in steady state: every resolver already holds every record, fetched at some time within the
  // period it holds an answer — its TTL, or TTL + stale_extra for a resolver that stretches it — so its next
  // refresh falls uniformly over that period. Spreading a stretching resolver's phase over the TTL alone would put
  // every stretching resolver's refresh in one TTL-wide band of each TTL + extra cycle, fixed in absolute time,
  // and a fault's recovery tail would then depend on where the fault falls in that cycle.
  caches_.assign(n, std::vector<Entry>(size_t(records)));
  const double local_start = clock_.local_time(0.0);
  for (uint32_t resolver = 0; resolver < n; ++resolver)
    for (int r = 0; r < records; ++r) {
      if (!authority_.defined(r)) continue;  // a region nobody reads from has no read record
      const double keep = extra_s_[resolver];
      Entry& e = caches_[resolver][r];
      e.region = authority_.drawn(r) ? authority_.draw(r, 0.0, draws_) : authority_.answer(r, 0.0);
      const double ttl = e.region < 0 ? negative_ttl_s_ : config_.ttl_s;
      e.expires_local = local_start + (1.0 - stream.uniform01()) * (ttl + keep) - keep;
    }
}

int ResolverPool::resolve(uint32_t client, int record, double t) {
  const uint32_t resolver = client % config_.resolvers_per_region;
  Entry& e = caches_[resolver][record];
  const double local = clock_.local_time(t);
  const double keep = extra_s_[resolver];
  if (local >= e.expires_local + keep) {
    if (authority_.has_outages() && authority_.out(t)) return unreachable(e, local, keep);
    e.region = authority_.drawn(record) ? authority_.draw(record, t, draws_) : authority_.answer(record, t);
    e.expires_local = local + (e.region < 0 ? negative_ttl_s_ : config_.ttl_s);
    e.stale = false;
  }
  return e.region;
}

int ResolverPool::unreachable(Entry& e, double local, double keep) {
  const ServeStaleConfig& ss = config_.serve_stale;
  if (!e.stale) e.stale = true, e.stale_since_local = e.expires_local + keep;
  // A cached "no answer" has nothing to serve stale; past max_stale the answer is gone (SERVFAIL, not cached).
  if (!ss.enabled || e.region < 0 || local - e.stale_since_local >= ss.max_stale_s) return RecordPolicy::kNoAnswer;
  e.expires_local = local + ss.stale_answer_ttl_s - keep;  // served stale, and retried after its TTL
  return e.region;
}

ClientDnsCache::ClientDnsCache(const ClientCacheConfig& config, uint32_t clients, int records, RandomStream stream)
    : ttl_s_(config.ttl_s), records_(records) {
  const uint32_t caching = uint32_t(std::lround(config.fraction * clients));
  if (caching == 0) return;
  std::vector<uint32_t> order(clients);
  std::iota(order.begin(), order.end(), 0u);
  for (uint32_t i = clients; i > 1; --i) std::swap(order[i - 1], order[stream.uniform_index(i)]);
  slot_of_.assign(clients, -1);
  for (uint32_t i = 0; i < caching; ++i) slot_of_[order[i]] = int32_t(i);
  entries_.resize(size_t(caching) * size_t(records));
}

int ClientDnsCache::resolve(uint32_t client, uint32_t global_client, int record, double t, ResolverPool& resolvers) {
  const int32_t slot = slot_of_[client];
  if (slot < 0) return resolvers.resolve(global_client, record, t);
  Entry& e = entries_[size_t(slot) * size_t(records_) + size_t(record)];
  if (e.region >= 0 && t < e.expires) return e.region;
  const int region = resolvers.resolve(global_client, record, t);
  if (region >= 0) e = {region, t + ttl_s_};  // "forever": ttl_s_ is infinite
  return region;
}

}  // namespace mrsim
