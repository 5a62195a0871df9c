// The report's JSON writer; see report.h (the text tables are in report_text.cpp). Layout: docs/metrics.md. The trace and history writers are in
// trace.cpp; what both share is in output_json.h.
#include "sim/report.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>
#include <sstream>
#include <vector>

#include "sim/output_json.h"
#include "sim/units.h"

namespace mrsim {

using Json = nlohmann::ordered_json;

// Rounded so that reports are readable and a last-bit difference in an intermediate sum cannot change the bytes of
// a report; "+ 0.0" turns -0 into 0. Dividing by the inverse (not multiplying by the unit) gives the double nearest
// to the decimal, so it prints as 0.003001 and not 0.0030009999999999998.
double round_to(double x, double per_unit) { return std::round(x * per_unit) / per_unit + 0.0; }

Json seconds(double x) {
  if (!std::isfinite(x)) return Json();
  return round_to(x, 1e6);
}
Json seconds(const std::optional<double>& x) { return x ? seconds(*x) : Json(); }

// What every output file starts with: what replays it.
Json run_header(const RunInfo& info) {
  Json h;
  h["seed"] = info.seed;
  h["scenario"] = info.scenario_name;
  h["scenario_hash"] = info.scenario_hash;
  h["version"] = info.version;
  h["replay"] = info.command;
  h["duration_s"] = seconds(info.duration_s);
  return h;
}

namespace {

Json ratio(const std::optional<double>& x) {
  if (!x || !std::isfinite(*x)) return Json();
  return *x;
}
Json usd(double x) { return round_to(x, 1e9); }

Json availability_json(const AvailabilityCell& cell) {
  Json j;
  j["attempted"] = cell.attempted;
  j["ok"] = cell.ok;
  j["ratio"] = ratio(cell.ratio());
  return j;
}

Json latency_json(const Distribution& d) {
  Json j;
  j["count"] = d.count;
  j["p50_s"] = seconds(d.p50);
  j["p95_s"] = seconds(d.p95);
  j["p99_s"] = seconds(d.p99);
  j["mean_s"] = seconds(d.mean);
  j["max_s"] = seconds(d.max);
  return j;
}

Json fault_json(const FaultMetrics& f) {
  Json j;
  j["index"] = f.index;
  j["kind"] = f.kind;
  j["description"] = f.description;
  j["start_s"] = seconds(f.start_s);
  j["end_s"] = seconds(f.end_s);
  Json rto;
  rto["rto_s"] = seconds(f.rto_s);
  rto["recovered"] = f.recovered;
  rto["detection_s"] = seconds(f.detection_s);
  rto["decision_s"] = seconds(f.decision_s);
  rto["promotion_s"] = seconds(f.promotion_s);
  rto["routing_s"] = seconds(f.routing_s);
  Json clients;
  clients["impacted_clients"] = f.client_recovery.impacted_clients;
  clients["not_recovered"] = f.client_recovery.not_recovered;
  clients["p50_s"] = seconds(f.client_recovery.p50_s);
  clients["p99_s"] = seconds(f.client_recovery.p99_s);
  clients["max_s"] = seconds(f.client_recovery.max_s);
  rto["client_recovery"] = std::move(clients);
  j["rto"] = std::move(rto);
  Json rpo;
  rpo["lost_writes"] = f.lost_writes;
  rpo["data_loss_window_s"] = seconds(f.data_loss_window_s);
  rpo["lost_writes_after_fault"] = f.lost_writes_after_fault;
  j["rpo"] = std::move(rpo);
  if (f.first_alert)
    j["first_alert"] = {{"name", f.first_alert->name},
                        {"t_s", seconds(f.first_alert->t_s)},
                        {"after_fault_s", seconds(f.first_alert->after_fault_s)}};
  else
    j["first_alert"] = Json();
  return j;
}

Json alerts_json(const std::vector<AlertResult>& alerts) {
  Json list = Json::array();
  for (const AlertResult& a : alerts) {
    Json firing = Json::array();
    for (const AlertFiring& f : a.firing) {
      Json labels = Json::object();
      if (!f.label_key.empty()) labels[f.label_key] = f.label_value;
      firing.push_back({{"labels", std::move(labels)}, {"start_s", seconds(f.start_s)}, {"end_s", seconds(f.end_s)}});
    }
    list.push_back({{"name", a.name},
                    {"expr", a.expr},
                    {"for_s", seconds(a.for_s)},
                    {"firing", std::move(firing)},
                    {"firing_total_s", seconds(a.firing_total_s)}});
  }
  return list;
}

Json residency_counts_json(const ResidencyCounts& c) {
  return {{"writes_stored_outside", c.writes_stored_outside},
          {"writes_acked_outside", c.writes_acked_outside},
          {"reads_served_outside", c.reads_served_outside}};
}

Json downtime_json(const RegionDowntime& d) {
  return {{"downtime_s", seconds(d.downtime_s)},
          {"downtime_minutes", round_to(d.downtime_s / 60, 1e6)},
          {"availability", d.availability},
          {"nines", round_to(d.nines, 1e6)}};
}

Json summary_json(const Distribution& d) {
  return {{"count", d.count}, {"mean_s", seconds(d.mean)}, {"p50_s", seconds(d.p50)}, {"p95_s", seconds(d.p95)},
          {"max_s", seconds(d.max)}};
}

Json long_run_json(const LongRunStats& l) {
  Json j;
  j["overall"] = downtime_json(l.overall);
  j["by_region"] = Json::object();
  for (const RegionDowntime& d : l.by_region) j["by_region"][d.region] = downtime_json(d);
  Json incidents;
  incidents["count"] = l.incidents.size();
  incidents["not_recovered"] = l.not_recovered;
  incidents["rto_s"] = summary_json(l.rto_s);
  incidents["data_loss_window_s"] = summary_json(l.data_loss_window_s);
  incidents["client_recovery_p99_s"] = summary_json(l.client_recovery_p99_s);
  incidents["downtime_s"] = summary_json(l.downtime_s);
  incidents["lost_writes"] = l.lost_writes;
  incidents["worse_incidents"] = l.worse_incidents;
  incidents["failovers_outside_incidents"] = l.failovers_outside_incidents;
  incidents["list"] = Json::array();
  for (const Incident& i : l.incidents) {
    Json e;
    e["start_s"] = seconds(i.start_s);
    e["close_s"] = seconds(i.close_s);
    e["faults"] = i.faults;
    e["rto_s"] = seconds(i.rto_s);
    e["lost_writes"] = i.lost_writes;
    e["lost_writes_after_fault"] = i.lost_writes_after_fault;
    e["data_loss_window_s"] = seconds(i.data_loss_window_s);
    e["client_recovery_p99_s"] = seconds(i.client_recovery_p99_s);
    e["client_recovery_max_s"] = seconds(i.client_recovery_max_s);
    e["downtime_s"] = seconds(i.downtime_s);
    e["failovers"] = i.failovers;
    e["worse"] = i.worse;
    incidents["list"].push_back(std::move(e));
  }
  j["incidents"] = std::move(incidents);
  return j;
}

}  // namespace

Json report_json(const RunInfo& info, const RunMetrics& m) {
  Json r = run_header(info);

  r["faults"] = Json::array();
  for (const FaultMetrics& f : m.faults) r["faults"].push_back(fault_json(f));
  r["alerts"] = alerts_json(m.alerts);

  Json stale;
  stale["successful_reads"] = m.stale_reads.successful_reads;
  stale["stale_reads"] = m.stale_reads.stale_reads;
  stale["stale_read_rate"] = ratio(m.stale_reads.stale_read_rate);
  stale["depth"] = {{"mean", ratio(m.stale_reads.depth_mean)}, {"max", m.stale_reads.depth_max}};
  stale["age_s"] = {{"mean", seconds(m.stale_reads.age_s.mean)},
                    {"p99", seconds(m.stale_reads.age_s.p99)},
                    {"max", seconds(m.stale_reads.age_s.max)}};
  r["stale_reads"] = std::move(stale);

  Json sessions;
  sessions["read_your_writes_violations"] = m.sessions.read_your_writes_violations;
  sessions["monotonic_read_violations"] = m.sessions.monotonic_read_violations;
  sessions["clients_with_read_your_writes_violations"] = m.sessions.clients_with_read_your_writes_violations;
  sessions["clients_with_monotonic_read_violations"] = m.sessions.clients_with_monotonic_read_violations;
  if (!m.session_groups.empty()) {
    Json groups = Json::array();
    for (size_t g = 0; g < m.session_groups.size(); ++g) {
      const GroupSessionStats& gs = m.session_groups[g];
      Json j;
      j["group"] = g;
      j["strategy"] = gs.strategy;
      j["region"] = gs.region;
      j["first_client"] = gs.first_client;
      j["clients"] = gs.clients;
      j["reads"] = gs.reads;
      j["read_your_writes_violations"] = gs.sessions.read_your_writes_violations;
      j["monotonic_read_violations"] = gs.sessions.monotonic_read_violations;
      j["clients_with_read_your_writes_violations"] = gs.sessions.clients_with_read_your_writes_violations;
      j["clients_with_monotonic_read_violations"] = gs.sessions.clients_with_monotonic_read_violations;
      j["read_latency"] = latency_json(gs.read_latency_s);
      j["cross_region_reads"] = gs.cross_region_reads;
      j["cross_region_read_bytes"] = gs.cross_region_read_bytes;
      groups.push_back(std::move(j));
    }
    sessions["by_group"] = std::move(groups);
  }
  r["sessions"] = std::move(sessions);

  r["acknowledged_writes"] = m.writes.acknowledged_writes;
  r["lost_writes"] = m.writes.lost_writes;
  r["lost_writes_unattributed"] = m.lost_writes_unattributed;
  r["reads_of_lost_writes"] = m.writes.reads_of_lost_writes;
  r["overwritten_concurrent_writes"] = m.writes.overwritten_concurrent_writes;
  const SkewInversionStats& inv = m.writes.skew_inversions;
  r["skew_inversions"] = {{"count", inv.count},
                          {"causal", inv.causal},
                          {"unseen", inv.unseen},
                          {"offset_s",
                           {{"mean", seconds(inv.offset_mean_s)},
                            {"min", seconds(inv.offset_min_s)},
                            {"max", seconds(inv.offset_max_s)}}}};
  if (m.convergence.applicable)
    r["convergence"] = {{"heal_s", seconds(m.convergence.heal_s)},
                        {"time_s", seconds(m.convergence.time_s)},
                        {"keys_not_converged", m.convergence.keys_not_converged}};
  if (m.crdt.applicable) r["crdt"] = {{"lost_updates", m.crdt.lost_updates}};
  if (m.siblings.applicable)
    r["siblings"] = {{"created", m.siblings.created},
                     {"max_versions", m.siblings.max_versions},
                     {"open_at_end", m.siblings.open_at_end},
                     {"lifetime_s",
                      {{"mean", seconds(m.siblings.lifetime_s.mean)},
                       {"p99", seconds(m.siblings.lifetime_s.p99)},
                       {"max", seconds(m.siblings.lifetime_s.max)}}}};
  if (m.quorum.applicable) {
    Json q;
    q["reads"] = m.quorum.reads;
    q["stale_reads"] = m.quorum.stale_reads;
    Json tv = Json::object(), tv_reads = Json::object(), ks = Json::object();
    for (const TVisibility& v : m.quorum.t_visibility) {
      tv[format_duration(v.t_s)] = ratio(v.probability);
      tv_reads[format_duration(v.t_s)] = v.reads;
    }
    for (const KStaleness& k : m.quorum.k_staleness) ks[std::to_string(k.k)] = ratio(k.probability);
    q["t_visibility"] = std::move(tv);
    q["t_visibility_reads"] = std::move(tv_reads);
    q["k_staleness"] = std::move(ks);
    q["versions_behind"] = {{"mean", ratio(m.quorum.versions_behind_mean)}, {"max", m.quorum.versions_behind_max}};
    r["quorum"] = std::move(q);
  }

  Json split;
  split["incidents"] = m.split_brain.incidents;
  split["total_duration_s"] = seconds(m.split_brain.total_duration_s);
  split["near_misses"] = m.split_brain.near_misses;
  split["list"] = Json::array();
  for (const SplitBrainIncident& incident : m.split_brain.list) {
    Json i;
    i["start_s"] = seconds(incident.start_s);
    i["end_s"] = seconds(incident.end_s);
    i["ended"] = incident.ended;
    i["duration_s"] = seconds(incident.end_s - incident.start_s);
    i["nodes"] = Json::array();
    i["sides"] = Json::array();
    for (const SplitBrainSide& side : incident.sides) {
      i["nodes"].push_back(side.node);
      i["sides"].push_back({{"node", side.node},
                            {"writes_accepted", side.writes_accepted},
                            {"writes_lost", side.writes_lost},
                            {"writes_not_in_lineage", side.writes_not_in_lineage}});
    }
    split["list"].push_back(std::move(i));
  }
  r["split_brain"] = std::move(split);
  if (m.semi_sync.applicable)
    r["semi_sync"] = {{"fallbacks", m.semi_sync.fallbacks},
                      {"time_in_fallback_s", seconds(m.semi_sync.time_in_fallback_s)},
                      {"writes_acknowledged_in_fallback", m.semi_sync.writes_acknowledged_in_fallback},
                      {"lost_writes_in_fallback", m.semi_sync.lost_writes_in_fallback}};
  if (m.residency.applicable) {
    Json residency = residency_counts_json(m.residency.total);
    residency["by_jurisdiction"] = Json::object();
    for (const auto& [jurisdiction, counts] : m.residency.by_jurisdiction)
      residency["by_jurisdiction"][jurisdiction] = residency_counts_json(counts);
    r["residency"] = std::move(residency);
  }

  Json availability;
  availability["overall"] = availability_json(m.availability.all);
  availability["read"] = availability_json(m.availability.read);
  availability["write"] = availability_json(m.availability.write);
  availability["by_region"] = Json::object();
  for (const RegionAvailability& region : m.availability.by_region) {
    availability["by_region"][region.region] = {{"overall", availability_json(region.all)},
                                                {"read", availability_json(region.read)},
                                                {"write", availability_json(region.write)}};
  }
  r["availability"] = std::move(availability);

  Json latency;
  latency["read"] = latency_json(m.latency.read);
  latency["write"] = latency_json(m.latency.write);
  latency["by_region"] = Json::object();
  for (const RegionLatency& region : m.latency.by_region) {
    latency["by_region"][region.region] = {{"read", latency_json(region.read)}, {"write", latency_json(region.write)}};
  }
  r["latency"] = std::move(latency);

  Json lag = Json::object();
  for (const ReplicaLag& replica : m.replication_lag) {
    lag[replica.node] = {{"samples", replica.lag_s.count},
                         {"mean_s", seconds(replica.lag_s.mean)},
                         {"p99_s", seconds(replica.lag_s.p99)},
                         {"max_s", seconds(replica.lag_s.max)}};
  }
  r["replication_lag"] = std::move(lag);

  if (!m.cdc.empty()) {
    Json cdc = Json::object();
    for (const CdcNodeStats& node : m.cdc) {
      Json stages = Json::object();
      for (int k = 0; k < kCdcStages; ++k) {
        const CdcStageStats& st = node.stages[k];
        stages[cdc_stage_name(k)] = {{"lag_s",
                                      {{"samples", st.lag_s.count},
                                       {"mean_s", seconds(st.lag_s.mean)},
                                       {"p99_s", seconds(st.lag_s.p99)},
                                       {"max_s", seconds(st.lag_s.max)}}},
                                     {"time_s", {{"count", st.time_s.count}, {"mean_s", seconds(st.time_s.mean)}}}};
      }
      cdc[node.node] = {{"applied", node.applied}, {"dropped", node.dropped}, {"stages", std::move(stages)}};
    }
    r["cdc"] = std::move(cdc);
  }

  Json traffic;
  traffic["links"] = Json::array();
  for (const LinkTrafficCost& link : m.traffic.links) {
    traffic["links"].push_back(
        {{"link", link.link}, {"bytes", link.bytes}, {"cost_per_gb", link.cost_per_gb}, {"cost_usd", usd(link.cost)}});
  }
  traffic["total_bytes"] = m.traffic.total_bytes;
  traffic["total_cost_usd"] = usd(m.traffic.total_cost);
  r["traffic"] = std::move(traffic);
  if (m.long_run.applicable) r["long_run"] = long_run_json(m.long_run);
  if (m.availability_model_applicable) {  // with faults_random only: the model beside long_run
    Json model;
    if (m.availability_model) {
      const AvailabilityModel& a = *m.availability_model;
      model["design"] = a.design;
      model["states"] = a.states;
      model["overall"] = a.overall;
      model["by_region"] = Json::object();
      for (const auto& region : a.by_region) model["by_region"][region.region] = region.availability;
    } else {
      model["not_modelled"] = m.availability_model_refused;
    }
    r["availability_model"] = std::move(model);
  }
  return r;
}

}  // namespace mrsim
