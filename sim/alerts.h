// Alert rules in the manner of Prometheus' alerting rules: a condition on one series ("replication_lag_s > 30") that
// must hold for a while ("for": 5m) before the alert fires. docs/metrics.md ("Alerts") defines the series and the
// semantics; this header holds what both the post-run checker (sim/checkers_alerts.cpp) and an online user (a
// controller paged by an alert while the simulation runs) need: the parsed rule and Prometheus' "for" state machine.
// What it leaves out: PromQL itself (functions, aggregations, ranges); one rule is one series, a comparison and a
// constant, which is what the alerts of a replicated database's runbook look like.
#pragma once

#include <optional>
#include <string>

namespace mrsim {

// One rule as the scenario states it: `expr` is `SERIES [{KEY="VALUE"}] OP NUMBER`.
struct AlertRule {
  std::string name, series, label_key, label_value, op, text;  // text: the expression as written
  double value = 0, for_s = 0;
  bool holds(double v) const;  // v OP value
};

// Prometheus' "for" over one series, fed at evaluation times in increasing order: pending from the first evaluation
// where the condition holds, firing from the first evaluation at or after pending start + for_s, and back to
// inactive at the first evaluation where the condition is false.
class AlertState {
 public:
  explicit AlertState(double for_s) : for_s_(for_s) {}
  bool observe(double t, bool condition);  // true while firing (after this observation)
  std::optional<double> firing_since() const { return firing_since_; }
  std::optional<double> pending_since() const { return pending_since_; }

 private:
  double for_s_;
  std::optional<double> pending_since_, firing_since_;
};

// The series an expression may name, and the label each is keyed by ("" for the single-series ones).
// Returns false for an unknown series.
bool alert_series_label(const std::string& series, std::string& label_key);

// Parses `text` into rule.series, label_key, label_value, op and value. On failure returns what was expected there
// (for a located message); the label value is checked against the scenario by the validator, not here.
std::optional<std::string> parse_alert_expr(const std::string& text, AlertRule& rule);

}  // namespace mrsim
