// Internal to the scenario loader (sim/scenario.cpp): the typed Scenario built from the effective JSON, the document
// after --set, --seed, validation and defaults (sim/scenario_build.cpp). Not for models or the CLI; they see
// sim/scenario_loader.h.
#pragma once

#include <nlohmann/json.hpp>

#include "sim/scenario.h"

namespace mrsim {

// The effective JSON has passed validation, so every field is present and well-formed here.
Scenario build_scenario(const nlohmann::json& j);

}  // namespace mrsim
