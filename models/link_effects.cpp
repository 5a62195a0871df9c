// LinkEffects (models/network.h): per-message delays and losses of links, and slowed hosts.
#include <algorithm>

#include "models/network.h"

namespace mrsim {

LinkEffects::LinkEffects(uint64_t seed, const std::vector<std::string>& wan_link_names)
    : jitter_(wan_link_names.size()), degradations_(wan_link_names.size()) {
  for (const auto& name : wan_link_names) {
    jitter_streams_.emplace_back(seed, "network/jitter/" + name);
    degradation_streams_.emplace_back(seed, "network/degradation/" + name);
    loss_streams_.emplace_back(seed, "network/loss/" + name);
  }
}

void LinkEffects::set_jitter(size_t wan_link, DelayDistribution d) { jitter_[wan_link] = std::move(d); }

void LinkEffects::add_degradation(size_t wan_link, Degradation d) {
  auto& list = degradations_[wan_link];
  list.push_back(std::move(d));
  std::stable_sort(list.begin(), list.end(), [](const Degradation& a, const Degradation& b) { return a.from_s < b.from_s; });
}

void LinkEffects::add_slowdown(uint16_t host_element, double from_s, double to_s, double factor) {
  slow_.push_back({host_element, from_s, to_s, factor});
}

bool LinkEffects::crosses(const Route& r) const {
  for (uint16_t w : r.wan_links)
    if (jitter_[w] || !degradations_[w].empty()) return true;
  return false;
}

bool LinkEffects::any() const {
  for (size_t w = 0; w < jitter_.size(); ++w)
    if (jitter_[w] || !degradations_[w].empty()) return true;
  return !slow_.empty();
}

const Degradation* LinkEffects::active(size_t wan_link, uint8_t plane, double t) const {
  // Overlapping degradations of one link: the latest started that is on at t applies.
  const Degradation* found = nullptr;
  for (const Degradation& d : degradations_[wan_link]) {
    if (d.from_s > t) break;
    if (t < d.to_s && (d.planes & plane)) found = &d;
  }
  return found;
}

double LinkEffects::delay(const Route& r, double t) const {
  double sum = 0;
  for (uint16_t w : r.wan_links)
    if (jitter_[w]) sum += jitter_[w]->sample(jitter_streams_[w]);
  return sum + degradation_delay(r, t);
}

bool LinkEffects::degraded(const Route& r) const {
  for (uint16_t w : r.wan_links)
    if (!degradations_[w].empty()) return true;
  return false;
}

double LinkEffects::degradation_delay(const Route& r, double t) const {
  double sum = 0;
  for (uint16_t w : r.wan_links)
    if (const Degradation* d = degradations_[w].empty() ? nullptr : active(w, uint8_t(r.plane), t))
      sum += added_delay(w, *d);
  return sum;
}

double LinkEffects::added_delay(size_t wan_link, const Degradation& d) const {
  return d.added_s + (d.jitter ? d.jitter->sample(degradation_streams_[wan_link]) : 0.0);
}

bool LinkEffects::lost(const Route& r, double t) const {
  bool lost = false;
  for (uint16_t w : r.wan_links) {
    if (degradations_[w].empty()) continue;
    const Degradation* d = active(w, uint8_t(r.plane), t);
    if (d && d->loss > 0 && loss_streams_[w].uniform01() < d->loss) lost = true;  // every link draws
  }
  return lost;
}

double LinkEffects::stream_delay(const Route& r, double t) const {
  double sum = 0;
  for (uint16_t w : r.wan_links) {
    const Degradation* d = degradations_[w].empty() ? nullptr : active(w, uint8_t(r.plane), t);
    if (!d) continue;
    sum += added_delay(w, *d);
    double rto = 0.2;
    for (int retry = 0; retry < 15 && d->loss > 0 && loss_streams_[w].uniform01() < d->loss; ++retry) {
      sum += rto;
      rto = std::min(2 * rto, 120.0);  // Linux's TCP_RTO_MAX
    }
  }
  return sum;
}

double LinkEffects::slow_factor(uint16_t host_element, double t) const {
  double k = 1;
  for (const Slowdown& s : slow_)
    if (s.host == host_element && s.from_s <= t && t < s.to_s) k = std::max(k, s.factor);
  return k;
}

}  // namespace mrsim
