#include "models/region_router.h"

#include <simgrid/Exception.hpp>
#include <simgrid/s4u/Engine.hpp>

#include <algorithm>
#include <mutex>

#include "models/dns.h"
#include "models/network.h"
#include "sim/recorder.h"

namespace mrsim {

namespace sg4 = simgrid::s4u;

namespace {
constexpr double kTick_s = 1.0;  // re-evaluates at least this often, as the failover controller does
}

bool RegionRouter::serving(int node) const {
  // Before its first probe a node is taken to be as the scenario started it: healthy and serving.
  const auto& s = board_.last_status[size_t(node)];
  return board_.healthy[size_t(node)] &&
         (!s || s->role == Role::Primary || (store_.every_node_answers() && s->role == Role::Replica));
}

int RegionRouter::nearest_serving(int client_region) const {
  int best = -1;
  double best_latency = 0;
  for (int n = 0; n < store_.node_count(); ++n) {
    if (!serving(n)) continue;
    const double latency = network_.client_to_db(client_region, store_.region(n)).latency_s;
    if (best < 0 || latency < best_latency) best = n, best_latency = latency;
  }
  return best < 0 ? -1 : store_.region(best);
}

void RegionRouter::point(int record, int region, double t, const char* action) {
  if (region < 0 || dns_.latest_requested(record) == region) return;
  recorder_.decision({t, action, kNoNode, dns_.record_name(record) + " -> region " + std::to_string(region)});
  dns_.change(record, region, t);
}

void RegionRouter::operator()() {
  std::unique_lock<sg4::Mutex> lock(*board_.mutex[slot_]);
  try {
    while (sg4::Engine::get_clock() < duration_s_) {
      board_.changed[slot_]->wait_until(lock, std::min(sg4::Engine::get_clock() + kTick_s, duration_s_));
      const double now = sg4::Engine::get_clock();
      if (now >= duration_s_) break;
      step(now);
    }
  } catch (const simgrid::ForcefulKillException&) {
    // Killed with its host. This start's lock dies with it (HealthBoard::start_daemons gives the next start its
    // own), and unlocking it from the dying actor blocks the kill under thread contexts: let it go unreleased.
    lock.release();
    throw;
  }
}

void RegionRouter::step(double t) {
  for (int n = 0; n < store_.node_count(); ++n) dns_.set_region_healthy(store_.region(n), serving(n), t);  // policies
  if (!reroutes_) return;
  for (int region : client_regions_) {
    const int local = store_.node_in_region(region);
    const int want = local >= 0 && serving(local) ? region : nearest_serving(region);
    point(AuthoritativeDns::read_record(region), want, t, "reroute_reads");
    if (routing_.writes == WriteRouting::Local) point(dns_.local_write_record(region), want, t, "reroute_writes");
  }
  if (routing_.writes != WriteRouting::HomeRegion) return;
  const int n = store_.node_count();
  for (int home = 0; home < n; ++home) {
    int want = store_.region(home);
    if (!serving(home) && routing_.home_moves) {
      for (int k = 1; k < n; ++k) {
        const int successor = (home + k) % n;
        if (serving(successor)) {
          want = store_.region(successor);
          break;
        }
      }
    }
    point(dns_.home_record(store_.region(home)), want, t, "move_home");
  }
}

}  // namespace mrsim
