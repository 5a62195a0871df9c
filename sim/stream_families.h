// The metric families that stream (sim/stream_metrics.h), each in its own file; StreamingMetrics' constructor
// creates them.
#pragma once

#include <memory>

#include "sim/stream_metrics.h"

namespace mrsim {

std::unique_ptr<StreamFamily> make_availability_family();             // sim/stream_availability.cpp
std::unique_ptr<StreamFamily> make_latency_family();                  // sim/stream_availability.cpp
std::unique_ptr<StreamFamily> make_faults_family(const MetricsConfig& config);  // sim/stream_recovery.cpp

}  // namespace mrsim
