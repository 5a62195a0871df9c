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
                 std::vector<simgrid::s4u::Link*> wan_links, std::vector<std::string> wan_link_names,
                 std::vector<std::pair<int, int>> wan_ends, bool fault_elements)
    : hosts_(std::move(hosts)), lan_count_(lan_links.size()), wan_names_(std::move(wan_link_names)),
      wan_ends_(std::move(wan_ends)), fault_elements_(fault_elements) {
  links_ = lan_links;
  links_.insert(links_.end(), wan_links.begin(), wan_links.end());
  wan_bytes_.assign(wan_links.size(), 0.0);
  if (fault_elements_ && wan_ends_.size() != wan_links.size())
    throw std::logic_error("network: fault elements need the two regions of every inter-region link");
  const size_t elements = physical_count() + (fault_elements_ ? hosts_.size() + 4 * wan_links.size() : 0);
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
  r.plane = from == Endpoint::Monitor || to == Endpoint::Monitor ? Plane::Control : Plane::Data;
  if (fault_elements_) {
    if (r.plane == Plane::Data) {
      r.elements.push_back(data_path(src));
      r.elements.push_back(data_path(dst));
    }
    int at = from_region;  // walk the links in route order to know which way each is crossed
    for (uint16_t w : r.wan_links) {
      const bool reverse = wan_ends_[w].first != at;
      at = reverse ? wan_ends_[w].first : wan_ends_[w].second;
      r.elements.push_back(directed_link(w, r.plane, reverse));
    }
  }
  std::sort(r.elements.begin(), r.elements.end());
  r.elements.erase(std::unique(r.elements.begin(), r.elements.end()), r.elements.end());
  return r;
}

void Network::set_effects(std::unique_ptr<LinkEffects> effects) {
  if (!effects || !effects->any()) return;
  effects_ = std::move(effects);
  for (auto* routes : {&routes_, &client_to_db_, &db_to_client_})
    for (Route& r : *routes)
      if (effects_->crosses(r)) r.effects = effects_.get();
}

Route Network::concat(const Route& a, const Route& b) {
  Route r;
  r.effects = a.effects ? a.effects : b.effects;
  r.plane = a.plane;
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
  if (element >= physical_count()) {
    // a virtual element: no SimGrid resource
  } else if (element < hosts_.size()) {
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
  if (element >= physical_count() + hosts_.size()) {
    const size_t v = element - physical_count() - hosts_.size();
    const auto& ends = wan_ends_[v / 4];
    const bool reverse = v % 2;
    return wan_names_[v / 4] + (v % 4 >= 2 ? " data " : " control ") + std::to_string(reverse ? ends.second : ends.first) +
           "->" + std::to_string(reverse ? ends.first : ends.second);
  }
  if (element >= physical_count()) return hosts_[element - physical_count()]->get_name() + " data path";
  if (element < hosts_.size()) return hosts_[element]->get_name();
  return links_[element - hosts_.size()]->get_name();
}

}  // namespace mrsim
