// The metric families that stream (sim/stream_metrics.h), each in its own file; StreamingMetrics' constructor
// creates them.
#pragma once

#include <memory>
#include <vector>

#include "sim/stream_metrics.h"

namespace mrsim {

std::unique_ptr<StreamFamily> make_availability_family();             // sim/stream_availability.cpp
std::unique_ptr<StreamFamily> make_latency_family();                  // sim/stream_availability.cpp
std::unique_ptr<StreamFamily> make_faults_family(const MetricsConfig& config);  // sim/stream_recovery.cpp
// The families that compare versions with the final lineage, where the design settles it as the run goes (today the
// single-primary store): lost writes, stale reads, sessions (sim/stream_lineage.cpp) and split brain
// (sim/stream_split_brain.cpp).
void add_lineage_families(const Scenario& scenario, std::vector<std::unique_ptr<StreamFamily>>& families);
std::unique_ptr<StreamFamily> make_split_brain_family();

}  // namespace mrsim
