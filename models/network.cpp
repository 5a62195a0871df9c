#include "models/network.h"

#include <simgrid/s4u/Host.hpp>
#include <simgrid/s4u/Link.hpp>

#include <algorithm>
#include <cassert>
#include <limits>
#include <map>
#include <stdexcept>

namespace mrsim {

Network::Network(std::vector<simgrid::s4u::Host*> hosts, std::vector<simgrid::s4u::Link*> lan_links,
                 std::vector<simgrid::s4u::Link*> wan_links, std::vector<std::string> wan_link_names)
    : hosts_(std::move(hosts)), lan_count_(lan_links.size()), wan_names_(std::move(wan_link_names)) {
  links_ = lan_links;
  links_.insert(links_.end(), wan_links.begin(), wan_links.end());
  wan_bytes_.assign(wan_links.size(), 0.0);
  const size_t elements = hosts_.size() + links_.size();
  assert(elements < std::numeric_limits<uint16_t>::max());
  down_count_.assign(elements, 0);
  down_times_.resize(elements);

  const int n = static_cast<int>(hosts_.size());
  routes_.resize(size_t(n) * n);
  for (int a = 0; a < n; ++a)
    for (int b = 0; b < n; ++b)
      routes_[size_t(a) * n + b] = compute_route(a / kEndpointsPerRegion, Endpoint(a % kEndpointsPerRegion),
                                                 b / kEndpointsPerRegion, Endpoint(b % kEndpointsPerRegion));
  const int r = region_count();
  client_to_db_.resize(size_t(r) * r);
  db_to_client_.resize(size_t(r) * r);
  for (int c = 0; c < r; ++c)
    for (int d = 0; d < r; ++d) {
      client_to_db_[index2(c, d)] = concat(route(c, Endpoint::Client, d, Endpoint::App), route(d, Endpoint::App, d, Endpoint::Db));
      db_to_client_[index2(d, c)] = concat(route(d, Endpoint::Db, d, Endpoint::App), route(d, Endpoint::App, c, Endpoint::Client));
    }
}

const Route& Network::route(int from_region, Endpoint from, int to_region, Endpoint to) const {
  const size_t n = hosts_.size();
  return routes_[size_t(from_region * kEndpointsPerRegion + int(from)) * n + size_t(to_region * kEndpointsPerRegion + int(to))];
}

Route Network::compute_route(int from_region, Endpoint from, int to_region, Endpoint to) const {
  Route r;
  const uint16_t src = host_element(from_region, from), dst = host_element(to_region, to);
  r.elements = {src, dst};
  r.bottleneck_Bps = std::numeric_limits<double>::infinity();
  if (src != dst) {
    std::vector<simgrid::s4u::Link*> links;
    double latency = 0;
    hosts_[src]->route_to(hosts_[dst], links, &latency);
    r.latency_s = latency;
    for (auto* link : links) {
      auto it = std::find(links_.begin(), links_.end(), link);
      if (it == links_.end()) throw std::logic_error("route uses a link the network does not know: " + link->get_name());
      const size_t li = size_t(it - links_.begin());
      r.elements.push_back(uint16_t(hosts_.size() + li));
      if (li >= lan_count_) r.wan_links.push_back(uint16_t(li - lan_count_));
      r.bottleneck_Bps = std::min(r.bottleneck_Bps, link->get_bandwidth());
    }
  }
  std::sort(r.elements.begin(), r.elements.end());
  r.elements.erase(std::unique(r.elements.begin(), r.elements.end()), r.elements.end());
  return r;
}

LinkJitter::LinkJitter(std::vector<std::optional<DelayDistribution>> by_wan_link, uint64_t seed,
                       const std::vector<std::string>& wan_link_names)
    : by_link_(std::move(by_wan_link)) {
  for (size_t i = 0; i < by_link_.size(); ++i) streams_.emplace_back(seed, "network/jitter/" + wan_link_names[i]);
}

bool LinkJitter::crosses(const std::vector<uint16_t>& wan_links) const {
  for (uint16_t w : wan_links)
    if (by_link_[w]) return true;
  return false;
}

double LinkJitter::draw(const std::vector<uint16_t>& wan_links) const {
  double sum = 0;
  for (uint16_t w : wan_links)
    if (by_link_[w]) sum += by_link_[w]->sample(streams_[w]);
  return sum;
}

void Network::set_jitter(std::vector<std::optional<DelayDistribution>> by_wan_link, uint64_t seed) {
  bool any = false;
  for (const auto& d : by_wan_link) any |= d.has_value();
  if (!any) return;
  jitter_ = std::make_unique<LinkJitter>(std::move(by_wan_link), seed, wan_names_);
  for (auto* routes : {&routes_, &client_to_db_, &db_to_client_})
    for (Route& r : *routes)
      if (jitter_->crosses(r.wan_links)) r.jitter = jitter_.get();
}

Route Network::concat(const Route& a, const Route& b) {
  Route r;
  r.jitter = a.jitter ? a.jitter : b.jitter;
  r.latency_s = a.latency_s + b.latency_s;
  r.bottleneck_Bps = std::min(a.bottleneck_Bps, b.bottleneck_Bps);
  r.elements = a.elements;
  r.elements.insert(r.elements.end(), b.elements.begin(), b.elements.end());
  std::sort(r.elements.begin(), r.elements.end());
  r.elements.erase(std::unique(r.elements.begin(), r.elements.end()), r.elements.end());
  r.wan_links = a.wan_links;
  r.wan_links.insert(r.wan_links.end(), b.wan_links.begin(), b.wan_links.end());
  return r;
}

bool Network::route_up(const Route& r) const {
  for (uint16_t e : r.elements)
    if (down_count_[e] != 0) return false;
  return true;
}

bool Network::broken_during(const Route& r, double from, double to) const {
  for (uint16_t e : r.elements) {
    const auto& times = down_times_[e];
    // Down times are appended in time order; the common case is none after `from`.
    if (times.empty() || times.back() <= from) continue;
    auto it = std::upper_bound(times.begin(), times.end(), from);
    if (it != times.end() && *it <= to) return true;
  }
  return false;
}

void Network::schedule(std::vector<NetworkChange> changes) {
  assert(applied_ == 0);
  std::stable_sort(changes.begin(), changes.end(), [](const NetworkChange& a, const NetworkChange& b) { return a.t < b.t; });
  changes_ = std::move(changes);
  change_times_.clear();
  for (const auto& c : changes_)
    if (change_times_.empty() || change_times_.back() != c.t) change_times_.push_back(c.t);
}

void Network::apply_until(double t) {
  while (applied_ < changes_.size() && changes_[applied_].t <= t) {
    // The changes due at one instant are one change: an element is switched only if its state after all of them
    // differs from its state before. A fault that heals as the next one on the same element begins (back-to-back
    // outages) leaves the element down; switching it up and down again within the instant would start its actors
    // and kill them before they ever ran, which SimGrid does not survive cleanly.
    const double when = changes_[applied_].t;
    std::vector<std::pair<uint16_t, bool>> touched;  // element, up before this instant; in schedule order
    for (; applied_ < changes_.size() && changes_[applied_].t == when; ++applied_) {
      const NetworkChange& c = changes_[applied_];
      if (std::none_of(touched.begin(), touched.end(), [&](const auto& e) { return e.first == c.element; }))
        touched.emplace_back(c.element, up(c.element));
      down_count_[c.element] += c.down ? 1 : -1;
      assert(down_count_[c.element] >= 0);
    }
    // Every element's down time is known before any switch: turning a host off is a SimGrid call that lets other
    // actors run at this instant, and those must see the whole instant's breaks (broken_during), not part of them.
    for (const auto& [element, was_up] : touched)
      if (was_up && !up(element)) down_times_[element].push_back(when);
    for (const auto& [element, was_up] : touched) {
      const bool is_up = up(element);
      if (was_up != is_up) switch_element(element, is_up, when, false);
    }
  }
}

void Network::switch_element(uint16_t element, bool is_up, double when, bool record) {
  if (!is_up && record) down_times_[element].push_back(when);
  if (element < hosts_.size()) {
    if (is_up) hosts_[element]->turn_on(); else hosts_[element]->turn_off();
  } else {
    auto* link = links_[element - hosts_.size()];
    if (is_up) link->turn_on(); else link->turn_off();
  }
  for (auto& l : listeners_) l(element, is_up, when);
}

void Network::inject(uint16_t element, bool down, double t) {
  apply_until(t);  // the schedule's changes up to now come first
  const bool was_up = up(element);
  down_count_[element] += down ? 1 : -1;
  assert(down_count_[element] >= 0);
  unscheduled_.push_back({t, element, down});
  if (was_up != up(element)) switch_element(element, up(element), t);
}

void Network::account(const Route& r, double bytes) {
  for (uint16_t w : r.wan_links) wan_bytes_[w] += bytes;
}

std::string Network::element_name(uint16_t element) const {
  if (element < hosts_.size()) return hosts_[element]->get_name();
  return links_[element - hosts_.size()]->get_name();
}

}  // namespace mrsim
