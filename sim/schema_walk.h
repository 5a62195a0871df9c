// Internal to the validator's files (sim/schema.cpp, sim/schema_walk_deployment.cpp, sim/schema_walk_run.cpp): the
// walker that makes one pass over a scenario document, driven by the table in sim/schema_table.cpp. Not for models
// or the CLI; they see sim/schema.h.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "sim/schema.h"
#include "sim/schema_text.h"

namespace mrsim::schema_walk {

// One pass over the document in table order. Region names are collected as /regions is walked, so every later
// reference can be checked where it is met, and the error points at the reference.
class Walker {
 public:
  Walker(const std::string& name_default, const std::vector<std::string>& aliases)
      : name_default_(name_default), aliases_(aliases) {}

  // sim/schema.cpp: the walk itself.
  void walk_object(nlohmann::json& obj, const std::string& pattern, const std::string& pointer);
  // sim/schema_walk_deployment.cpp.
  void check_serve_stale(nlohmann::json& scenario);

 private:
  // sim/schema.cpp: values by type, defaults derived from what was walked, quantities.
  [[noreturn]] void fail_range(const FieldSpec& row, const std::string& pointer, const nlohmann::json& value);
  void check_range(const FieldSpec& row, double v, const std::string& pointer, const nlohmann::json& value);
  nlohmann::json derive(const std::string& path);
  void walk_value(nlohmann::json& v, const FieldSpec& row, const std::string& pointer);
  void walk_quantity(nlohmann::json& v, const FieldSpec& row, const std::string& pointer);
  std::string as_written(const std::string& pointer, const nlohmann::json& now) const;
  schema_text::AsWritten written() const;

  // sim/schema_walk_deployment.cpp: regions, links, the database, routing, health checks and failover.
  std::vector<std::string> node_regions() const;
  void define_region(const std::string& name, const std::string& pointer, const nlohmann::json& v);
  void check_region_ref(const nlohmann::json& v, const std::string& pointer);
  void walk_link_ends(const nlohmann::json& v, const std::string& pointer);
  void check_connected(const std::string& pointer);
  void check_failover(nlohmann::json& fo, const std::string& pointer);
  void check_health_check(nlohmann::json& hc, const std::string& pointer);
  void check_database(nlohmann::json& db, const std::string& pointer);
  void check_cdc(nlohmann::json& db, const std::string& pointer);
  template <class Refuse, class Need>
  void check_leaderless(nlohmann::json& db, const std::string& pointer, Refuse& refuse, Need& need);
  void check_routing(nlohmann::json& rt, const std::string& pointer);

  // sim/schema_walk_run.cpp: partition groups, expectations, metrics, faults, clients and their sessions.
  void walk_groups(const nlohmann::json& v, const std::string& pointer);
  void walk_expectations(nlohmann::json& v, const std::string& pointer);
  void check_metrics(const nlohmann::json& m, const std::string& pointer);
  schema_text::FaultChecks fault_checks();
  void check_fault(nlohmann::json& fault, const std::string& pointer);
  void check_random_class(nlohmann::json& c, const std::string& pattern, const std::string& pointer);
  void check_client(nlohmann::json& c, const std::string& pointer);
  void check_session(nlohmann::json& session, const std::string& pointer);

  std::string name_default_;
  bool dns_outage_ = false;  // some fault is a dns_outage
  const std::vector<std::string>& aliases_;
  std::vector<std::string> regions_;
  std::map<std::string, std::string> region_pointer_;  // name -> pointer that defined it
  std::map<std::pair<std::string, std::string>, std::string> link_pointer_;
  std::vector<std::string> link_names_;  // "a<->b" in file order, as the world names the links
  std::string primary_;
  std::vector<std::string> replicas_;
  bool multi_primary_ = false;
  std::string health_from_;
  std::string routing_kind_;
  size_t vantage_count_ = 1;
  std::vector<std::string> db_regions_;                  // multi-primary nodes
  std::map<std::string, double> region_drift_;           // /regions/*/clock_drift_ppm by region
  std::map<std::string, double> slowing_ppm_;            // negative drift faults so far, by clock or region
  double run_duration_s_ = 0;
  std::map<std::string, nlohmann::json> as_written_;  // quantities as the file or --set spelled them, by pointer
};

}  // namespace mrsim::schema_walk
