// What the timeline viewer draws, read from a trace (docs/trace-format.md) and optionally a report and a history.
// Plain C++ (no Qt), so the loader is tested without a display. Every problem with an input is a TraceError with
// one message naming the file; nothing here crashes on a malformed trace.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace mrsim::viz {

struct TraceError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Span {  // [start, end) on the run's time axis, with a label
  double start = 0, end = 0;
  std::string label;
  std::string detail;  // for hover
};

struct Lane {  // one horizontal lane of spans: a node's roles, a checker's verdicts
  std::string name;
  std::vector<Span> spans;
};

struct Instant {
  double t = 0;
  std::string kind;    // "decision", "dns", or a later event type
  std::string label;
};

struct Series {  // one line: a value per sample interval (NaN: no value)
  std::string name;
  std::vector<double> values;
};

struct FaultInfo {
  int index = 0;
  std::string kind, description;
  double start = 0;
  std::optional<double> end;
  // From the report, when one is given: the RTO and its breakdown, relative to the start.
  std::optional<double> rto, detection, decision, promotion, routing, client_p99;
};

struct TraceModel {
  std::string path, scenario, topology = "single-primary";
  double duration = 0;
  double interval = 1;
  std::vector<double> t;               // sample interval starts
  std::vector<Lane> nodes, checkers;
  // Alert firing intervals (the trace's "alerts"; none in a trace without them): a lane per rule and series, named
  // "<rule> <label value>", spans labelled "firing" whose detail gives the rule.
  std::vector<Lane> alerts;
  std::vector<FaultInfo> faults;
  std::vector<Span> split_brain;       // single-primary only: two or more primaries at once
  std::vector<Instant> instants;
  std::vector<Series> success_ratio;   // per client region and kind
  std::vector<Series> latency_p99;     // per client region and kind, seconds
  std::vector<Series> lag;             // per node
  Series stale_reads;                  // per interval
  std::vector<Series> clock_offsets;   // per clock, when the trace has them
  size_t trace_ops = 0;                // client ops the trace's samples count
  std::vector<std::pair<std::string, std::vector<double>>> client_ops;  // "<region> <kind>" -> ops per interval
  size_t history_ops = 0;              // when a history was given and matched
};

// Loads a trace; throws TraceError ("<path>: ...") for a missing, truncated or other-version file or a trace without
// the fields the viewer needs.
TraceModel load_trace(const std::string& path);

// Adds the report's per-fault RTO breakdown; throws TraceError if it does not belong to the trace's run.
void attach_report(TraceModel& model, const std::string& report_path);

// Checks that a history (run --history) belongs to the trace: every op inside the run, and per interval, client
// region and kind as many ops, and as many successful ones, as the trace's samples say.
void attach_history(TraceModel& model, const std::string& history_path);

// At most `buckets` x 2 points of a series over [from, to): the min and max of each bucket, in time order — what a
// chart of that many pixels can show (a large trace stays fast to draw).
std::vector<std::pair<double, double>> min_max_points(const std::vector<double>& t, const std::vector<double>& values,
                                                      double from, double to, size_t buckets);

}  // namespace mrsim::viz
