// The history's client operations as JSON lines (`mrsim run --history`): one object per operation, in history
// order, numbered from 0. Written as the operations leave the recorder (an OpSink), so the file needs no history
// held in memory.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "sim/history.h"
#include "sim/recorder.h"

namespace mrsim {

class HistoryJsonl final : public OpSink {
 public:
  explicit HistoryJsonl(std::ostream& out);
  ~HistoryJsonl() override;
  // The region and node names; the world gives them before the first operation.
  void begin(const History& names) override;
  void op(const OpRecord& op) override;
  void flush();  // writes what is buffered (also done on destruction)

 private:
  std::ostream& out_;
  std::string buffer_;
  uint64_t count_ = 0;
  std::vector<std::string> region_json_, node_json_;
};

// The same, for a history held in memory.
void write_history_jsonl(std::ostream& out, const History& history);

}  // namespace mrsim
