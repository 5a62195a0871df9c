// The report's text tables (report.h), rendered from the JSON report so that the text never says more than the file.
// The JSON writer is report.cpp.
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
#include "sim/report.h"
#include "sim/units.h"

namespace mrsim {

using Json = nlohmann::ordered_json;

namespace {

// Formats one JSON leaf for a table cell: null -> "-", numbers with `decimals` places (integers as they are).
std::string cell(const Json& v, int decimals = 3) {
  if (v.is_null()) return "-";
  if (v.is_boolean()) return v.get<bool>() ? "yes" : "no";
  if (v.is_number_integer() || v.is_number_unsigned()) return v.dump();
  if (v.is_number_float()) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v.get<double>());
    return buf;
  }
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

std::string percent(const Json& v) {
  if (!v.is_number()) return "-";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.4f%%", 100.0 * v.get<double>());
  return buf;
}

// Looks up a nested member without throwing: absent anywhere along the path -> null.
const Json& at(const Json& j, std::initializer_list<const char*> path) {
  static const Json null_value;
  const Json* node = &j;
  for (const char* key : path) {
    if (!node->is_object()) return null_value;
    auto it = node->find(key);
    if (it == node->end()) return null_value;
    node = &*it;
  }
  return *node;
}

// A table, indented by two, two spaces between columns. Text columns (the first `text_columns`, and the last when
// `text_last`) are left-aligned, numbers right-aligned.
class Table {
 public:
  explicit Table(std::vector<std::string> header, size_t text_columns = 1, bool text_last = false)
      : text_columns_(text_columns), text_last_(text_last) {
    rows_.push_back(std::move(header));
  }
  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  void print(std::ostringstream& out) const {
    std::vector<size_t> width;
    for (const auto& row : rows_) {
      if (width.size() < row.size()) width.resize(row.size(), 0);
      for (size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
    }
    for (const auto& row : rows_) {
      std::string line = " ";
      for (size_t c = 0; c < row.size(); ++c) {
        std::string pad(width[c] - row[c].size(), ' ');
        line += "  ";
        bool left = c < text_columns_ || (text_last_ && c + 1 == width.size());
        line += left ? row[c] + pad : pad + row[c];
      }
      while (!line.empty() && line.back() == ' ') line.pop_back();
      out << line << '\n';
    }
  }

 private:
  size_t text_columns_;
  bool text_last_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace

std::string report_text(const Json& report) {
  std::ostringstream out;
  out << "mrsim " << cell(at(report, {"version"})) << "  scenario " << cell(at(report, {"scenario"})) << "  hash "
      << cell(at(report, {"scenario_hash"})) << "  seed " << cell(at(report, {"seed"})) << '\n';
  out << "replay: " << cell(at(report, {"replay"})) << '\n';
  out << "duration: " << cell(at(report, {"duration_s"})) << " s\n";

  out << "\nFaults (seconds; start and end are run times, the rest is relative to the fault start)\n";
  const Json& faults = at(report, {"faults"});
  if (!faults.is_array() || faults.empty()) {
    out << "  none\n";
  } else {
    // Two tables rather than one 190-column line: recovery (RTO) first, then clients and data loss (RPO).
    Table rto({"#", "kind", "description", "start", "end", "rto", "detect", "decide", "promote", "route"}, 3);
    Table rpo({"#", "clients hit", "not recovered", "client p50", "client p99", "client max", "lost writes",
               "loss window", "lost after start"});
    for (const Json& f : faults) {
      const Json& recovered = at(f, {"rto", "recovered"});
      rto.add({cell(at(f, {"index"})), cell(at(f, {"kind"})), cell(at(f, {"description"})), cell(at(f, {"start_s"})),
               cell(at(f, {"end_s"})),
               recovered.is_boolean() && !recovered.get<bool>() ? std::string("not recovered")
                                                                : cell(at(f, {"rto", "rto_s"})),
               cell(at(f, {"rto", "detection_s"})), cell(at(f, {"rto", "decision_s"})),
               cell(at(f, {"rto", "promotion_s"})), cell(at(f, {"rto", "routing_s"}))});
      const Json& clients = at(f, {"rto", "client_recovery"});
      rpo.add({cell(at(f, {"index"})), cell(at(clients, {"impacted_clients"})), cell(at(clients, {"not_recovered"})),
               cell(at(clients, {"p50_s"})), cell(at(clients, {"p99_s"})), cell(at(clients, {"max_s"})),
               cell(at(f, {"rpo", "lost_writes"})), cell(at(f, {"rpo", "data_loss_window_s"})),
               cell(at(f, {"rpo", "lost_writes_after_fault"}))});
    }
    rto.print(out);
    out << '\n';
    rpo.print(out);
  }

  const Json& alerts = at(report, {"alerts"});
  if (alerts.is_array() && !alerts.empty()) {
    out << "\nAlerts (seconds; firing intervals, end \"-\" = still firing at the end of the run)\n";
    Table t({"alert", "labels", "start", "end", "firing total"}, 2);
    for (const Json& a : alerts) {
      const Json& firing = at(a, {"firing"});
      if (!firing.is_array() || firing.empty()) {
        t.add({cell(at(a, {"name"})), "never fired", "", "", cell(at(a, {"firing_total_s"}))});
        continue;
      }
      for (const Json& f : firing) {
        std::string labels;
        const Json& l = at(f, {"labels"});
        if (l.is_object())
          for (auto it = l.begin(); it != l.end(); ++it) labels += it.key() + "=" + cell(it.value());
        t.add({cell(at(a, {"name"})), labels.empty() ? "-" : labels, cell(at(f, {"start_s"})), cell(at(f, {"end_s"})),
               cell(at(a, {"firing_total_s"}))});
      }
    }
    t.print(out);
    if (faults.is_array() && !faults.empty()) {
      Table first({"#", "first alert", "at", "after fault"}, 2);
      for (const Json& f : faults)
        first.add({cell(at(f, {"index"})), cell(at(f, {"first_alert", "name"})), cell(at(f, {"first_alert", "t_s"})),
                   cell(at(f, {"first_alert", "after_fault_s"}))});
      out << '\n';
      first.print(out);
    }
  }

  out << "\nData safety\n";
  {
    Table t({"metric", "value", "detail"}, 1, true);
    const Json& stale = at(report, {"stale_reads"});
    t.add({"stale reads", cell(at(stale, {"stale_reads"})),
           percent(at(stale, {"stale_read_rate"})) + " of " + cell(at(stale, {"successful_reads"})) +
               " successful reads; depth mean " + cell(at(stale, {"depth", "mean"}), 2) + " max " +
               cell(at(stale, {"depth", "max"})) + "; age s mean " + cell(at(stale, {"age_s", "mean"})) + " p99 " +
               cell(at(stale, {"age_s", "p99"})) + " max " + cell(at(stale, {"age_s", "max"}))});
    const Json& sessions = at(report, {"sessions"});
    t.add({"read-your-writes violations", cell(at(sessions, {"read_your_writes_violations"})),
           cell(at(sessions, {"clients_with_read_your_writes_violations"})) + " clients"});
    t.add({"monotonic-read violations", cell(at(sessions, {"monotonic_read_violations"})),
           cell(at(sessions, {"clients_with_monotonic_read_violations"})) + " clients"});
    t.add({"lost writes", cell(at(report, {"lost_writes"})),
           "of " + cell(at(report, {"acknowledged_writes"})) + " acknowledged; " +
               cell(at(report, {"lost_writes_unattributed"})) + " after every fault ended"});
    t.add({"reads of lost writes", cell(at(report, {"reads_of_lost_writes"})), ""});
    t.add({"overwritten concurrent writes", cell(at(report, {"overwritten_concurrent_writes"})), ""});
    const Json& inv = at(report, {"skew_inversions"});
    t.add({"skew inversions", cell(at(inv, {"count"})),
           cell(at(inv, {"causal"})) + " causal, " + cell(at(inv, {"unseen"})) + " unseen; winner's clock ahead by " +
               cell(at(inv, {"offset_s", "min"})) + ".." + cell(at(inv, {"offset_s", "max"})) + " s"});
    if (report.contains("convergence")) {
      const Json& c = at(report, {"convergence"});
      t.add({"convergence after the last heal", cell(at(c, {"time_s"})),
             "s after " + cell(at(c, {"heal_s"})) + " s; " + cell(at(c, {"keys_not_converged"})) +
                 " keys never converged"});
    }
    if (report.contains("crdt")) t.add({"CRDT lost updates", cell(at(report, {"crdt", "lost_updates"})), ""});
    if (report.contains("siblings")) {
      const Json& sb = at(report, {"siblings"});
      t.add({"sibling sets", cell(at(sb, {"created"})),
             "at most " + cell(at(sb, {"max_versions"})) + " versions; lifetime s mean " +
                 cell(at(sb, {"lifetime_s", "mean"})) + " max " + cell(at(sb, {"lifetime_s", "max"})) + "; " +
                 cell(at(sb, {"open_at_end"})) + " open at the end"});
    }
    if (report.contains("quorum")) {
      const Json& q = at(report, {"quorum"});
      const Json& tv = at(q, {"t_visibility"});
      t.add({"t-visibility at 0s", cell(at(tv, {"0s"})),
             "10ms " + cell(at(tv, {"10ms"})) + ", 100ms " + cell(at(tv, {"100ms"})) + ", 1s " + cell(at(tv, {"1s"})) +
                 " (of " + cell(at(q, {"reads"})) + " reads)"});
      t.add({"k-staleness k=1", cell(at(q, {"k_staleness", "1"})),
             "k=2 " + cell(at(q, {"k_staleness", "2"})) + "; versions behind max " +
                 cell(at(q, {"versions_behind", "max"}))});
    }
    if (report.contains("residency") && !at(report, {"residency"}).is_null()) {
      const Json& res = at(report, {"residency"});
      t.add({"residency: writes stored outside", cell(at(res, {"writes_stored_outside"})),
             "(write, node) pairs; " + cell(at(res, {"writes_acked_outside"})) +
                 " acknowledged writes committed outside"});
      t.add({"residency: reads served outside", cell(at(res, {"reads_served_outside"})), ""});
    }
    const Json& split = at(report, {"split_brain"});
    t.add({"split-brain incidents", cell(at(split, {"incidents"})),
           cell(at(split, {"total_duration_s"})) + " s total; " + cell(at(split, {"near_misses"})) + " near misses"});
    t.print(out);
    const Json& list = at(split, {"list"});
    if (list.is_array() && !list.empty()) {
      Table incidents({"incident", "node", "start", "end", "writes", "lost", "not in lineage"}, 2);
      for (size_t i = 0; i < list.size(); ++i) {
        const Json& incident = list[i];
        std::string end = cell(at(incident, {"end_s"})) +
                          (at(incident, {"ended"}).is_boolean() && !at(incident, {"ended"}).get<bool>() ? " (run end)"
                                                                                                          : "");
        for (const Json& side : at(incident, {"sides"})) {
          incidents.add({std::to_string(i + 1), cell(at(side, {"node"})), cell(at(incident, {"start_s"})), end,
                         cell(at(side, {"writes_accepted"})), cell(at(side, {"writes_lost"})),
                         cell(at(side, {"writes_not_in_lineage"}))});
        }
      }
      incidents.print(out);
    }
  }

  const Json& by_group = at(report, {"sessions", "by_group"});
  if (by_group.is_array() && !by_group.empty()) {
    out << "\nSession guarantees by client group (read latency in s; cross-region: reads answered outside the "
           "client's region)\n";
    Table t({"#", "strategy", "region", "reads", "RYW viol.", "mono viol.", "read mean", "read p50", "read p99",
             "cross-region reads", "cross-region bytes"}, 3);
    for (const Json& g : by_group)
      t.add({cell(at(g, {"group"})), cell(at(g, {"strategy"})), cell(at(g, {"region"})), cell(at(g, {"reads"})),
             cell(at(g, {"read_your_writes_violations"})), cell(at(g, {"monotonic_read_violations"})),
             cell(at(g, {"read_latency", "mean_s"}), 4), cell(at(g, {"read_latency", "p50_s"}), 4),
             cell(at(g, {"read_latency", "p99_s"}), 4), cell(at(g, {"cross_region_reads"})),
             cell(at(g, {"cross_region_read_bytes"}))});
    t.print(out);
  }

  out << "\nAvailability (ok / attempted)\n";
  {
    const Json& a = at(report, {"availability"});
    Table t({"client region", "all", "read", "write", "attempted"});
    t.add({"(all)", percent(at(a, {"overall", "ratio"})), percent(at(a, {"read", "ratio"})),
           percent(at(a, {"write", "ratio"})), cell(at(a, {"overall", "attempted"}))});
    const Json& by_region = at(a, {"by_region"});
    if (by_region.is_object()) {
      for (auto it = by_region.begin(); it != by_region.end(); ++it) {
        const Json& r = it.value();
        t.add({it.key(), percent(at(r, {"overall", "ratio"})), percent(at(r, {"read", "ratio"})),
               percent(at(r, {"write", "ratio"})), cell(at(r, {"overall", "attempted"}))});
      }
    }
    t.print(out);
  }
  if (report.contains("long_run")) {
    const Json& lr = at(report, {"long_run"});
    out << "\nDowntime over the run (time a client region is down: docs/metrics.md, \"Long runs\")\n";
    // Beside each simulated availability, the Markov model's (docs/availability.md), when it models the design.
    const Json& model = at(report, {"availability_model"});
    const bool modelled = model.is_object() && model.contains("overall");
    std::vector<std::string> columns = {"client region", "downtime min", "availability", "nines"};
    if (modelled) columns.push_back("Markov model");
    Table t(columns);
    auto row = [&](const std::string& name, const Json& d, const Json& expected) {
      std::vector<std::string> cells = {name, cell(at(d, {"downtime_minutes"}), 1), percent(at(d, {"availability"})),
                                        cell(at(d, {"nines"}), 2)};
      if (modelled) cells.push_back(percent(expected));
      t.add(cells);
    };
    row("(any)", at(lr, {"overall"}), modelled ? model["overall"] : Json());
    const Json& by_region = at(lr, {"by_region"});
    if (by_region.is_object())
      for (auto it = by_region.begin(); it != by_region.end(); ++it)
        row(it.key(), it.value(), modelled && model["by_region"].contains(it.key()) ? model["by_region"][it.key()] : Json());
    t.print(out);
    if (model.is_object() && model.contains("not_modelled"))
      out << "   (no Markov model: " << model["not_modelled"].get<std::string>() << ")\n";
    const Json& inc = at(lr, {"incidents"});
    out << "\nIncidents: " << cell(at(inc, {"count"})) << " (" << cell(at(inc, {"not_recovered"}))
        << " not recovered), " << cell(at(inc, {"lost_writes"})) << " lost writes, failover made "
        << cell(at(inc, {"worse_incidents"})) << " worse; " << cell(at(inc, {"failovers_outside_incidents"}))
        << " failovers outside incidents (s)\n";
    Table d({"over incidents", "count", "mean", "p50", "p95", "max"});
    for (const char* key : {"rto_s", "data_loss_window_s", "client_recovery_p99_s", "downtime_s"}) {
      const Json& v = at(inc, {key});
      d.add({key, cell(at(v, {"count"})), cell(at(v, {"mean_s"})), cell(at(v, {"p50_s"})), cell(at(v, {"p95_s"})),
             cell(at(v, {"max_s"}))});
    }
    d.print(out);
  }

  out << "\nLatency of successful ops (s)\n";
  {
    const Json& l = at(report, {"latency"});
    Table t({"kind", "client region", "count", "p50", "p95", "p99", "max"}, 2);
    auto row = [&](const char* kind, const std::string& region, const Json& d) {
      t.add({kind, region, cell(at(d, {"count"})), cell(at(d, {"p50_s"}), 4), cell(at(d, {"p95_s"}), 4),
             cell(at(d, {"p99_s"}), 4), cell(at(d, {"max_s"}), 4)});
    };
    for (const char* kind : {"read", "write"}) {
      row(kind, "(all)", at(l, {kind}));
      const Json& by_region = at(l, {"by_region"});
      if (!by_region.is_object()) continue;
      for (auto it = by_region.begin(); it != by_region.end(); ++it) row(kind, it.key(), at(it.value(), {kind}));
    }
    t.print(out);
  }

  out << "\nReplication lag (s)\n";
  {
    const Json& lag = at(report, {"replication_lag"});
    if (!lag.is_object() || lag.empty()) {
      out << "  no replicas sampled\n";
    } else {
      Table t({"replica", "samples", "mean", "p99", "max"});
      for (auto it = lag.begin(); it != lag.end(); ++it) {
        const Json& v = it.value();
        t.add({it.key(), cell(at(v, {"samples"})), cell(at(v, {"mean_s"})), cell(at(v, {"p99_s"})),
               cell(at(v, {"max_s"}))});
      }
      t.print(out);
    }
  }

  if (report.contains("cdc")) {
    out << "\nCDC pipeline: stage lag and time in stage (s)\n";
    const Json& cdc = at(report, {"cdc"});
    Table t({"replica", "stage", "lag mean", "lag p99", "lag max", "time mean", "applied", "dropped"});
    for (auto it = cdc.begin(); it != cdc.end(); ++it) {
      for (int k = 0; k < kCdcStages; ++k) {
        const Json& st = at(it.value(), {"stages", cdc_stage_name(k)});
        t.add({it.key(), cdc_stage_name(k), cell(at(st, {"lag_s", "mean_s"})), cell(at(st, {"lag_s", "p99_s"})),
               cell(at(st, {"lag_s", "max_s"})), cell(at(st, {"time_s", "mean_s"}), 4),
               k == 0 ? cell(at(it.value(), {"applied"})) : "", k == 0 ? cell(at(it.value(), {"dropped"})) : ""});
      }
    }
    t.print(out);
  }

  out << "\nCross-region traffic\n";
  {
    const Json& traffic = at(report, {"traffic"});
    Table t({"link", "bytes", "USD/GB", "cost USD"});
    const Json& links = at(traffic, {"links"});
    if (links.is_array()) {
      for (const Json& link : links) {
        t.add({cell(at(link, {"link"})), cell(at(link, {"bytes"})), cell(at(link, {"cost_per_gb"}), 4),
               cell(at(link, {"cost_usd"}), 4)});
      }
    }
    t.add({"(total)", cell(at(traffic, {"total_bytes"})), "", cell(at(traffic, {"total_cost_usd"}), 4)});
    t.print(out);
  }
  return out.str();
}

}  // namespace mrsim
