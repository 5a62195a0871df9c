// Internal to the field table (sim/schema_table.cpp, sim/schema_table_run.cpp): the units its bounds are written in,
// and the rows that follow the deployment's. Not for models or the CLI; they see sim/schema.h.
#pragma once

#include <vector>

#include "sim/schema.h"

namespace mrsim::schema_table {

constexpr double kHour = 3600, kDay = 86400;
constexpr double kMiB = 1024 * 1024;
constexpr double kMaxRun = 366 * kDay;  // a (leap) year: the horizon of `faults_random`'s availability

// The run's rows, /clients to /expect, in table order: they follow /failover's (sim/schema_table_run.cpp).
std::vector<FieldSpec> run_rows();

}  // namespace mrsim::schema_table
