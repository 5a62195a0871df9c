// mrsim export --perfetto TRACE.json -o OUT.json: a trace as Chrome trace-event JSON (ui.perfetto.dev,
// chrome://tracing). See cli/perfetto.cpp for the layout of processes, tracks, slices and counters.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace mrsim {

// Throws InputError naming `path` when `trace` is not an mrsim trace of this format version.
nlohmann::ordered_json perfetto_json(const nlohmann::ordered_json& trace, const std::string& path);

int cmd_export_perfetto(const std::string& trace_path, const std::string& out_path);

}  // namespace mrsim
