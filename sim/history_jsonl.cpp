// Written by hand rather than through nlohmann objects: a long run's history has hundreds of millions of operations.
// Doubles use std::to_chars (shortest round-trip form), which is exact and the same on every platform.
#include "sim/history_jsonl.h"

#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>

namespace mrsim {
namespace {

constexpr size_t kBlock = 1 << 20;  // flushed to the stream in blocks of about this size

void append_number(std::string& b, uint64_t v) {
  char buf[32];
  auto result = std::to_chars(buf, buf + sizeof buf, v);
  b.append(buf, result.ptr);
}

void append_seconds(std::string& b, double v) {
  if (!std::isfinite(v)) {
    b.append("null");
    return;
  }
  char buf[32];
  auto result = std::to_chars(buf, buf + sizeof buf, v);
  b.append(buf, result.ptr);
}

std::string json_string(const std::string& s) { return nlohmann::json(s).dump(); }

}  // namespace

HistoryJsonl::HistoryJsonl(std::ostream& out) : out_(out) { buffer_.reserve(kBlock + 1024); }

HistoryJsonl::~HistoryJsonl() { flush(); }

void HistoryJsonl::begin(const History& names) {
  region_json_.clear();
  node_json_.clear();
  for (const std::string& r : names.regions) region_json_.push_back(json_string(r));
  for (const std::string& n : names.nodes) node_json_.push_back(json_string(n));
}

void HistoryJsonl::flush() {
  out_.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
  buffer_.clear();
}

void HistoryJsonl::op(const OpRecord& op) {
  std::string& b = buffer_;
  b.append("{\"op\":");
  append_number(b, count_++);
  b.append(",\"client\":");
  append_number(b, op.client);
  b.append(",\"region\":");
  if (op.region < region_json_.size()) {
    b.append(region_json_[op.region]);
  } else {
    b.append(json_string("region" + std::to_string(op.region)));
  }
  b.append(",\"kind\":\"");
  b.append(to_string(op.kind));
  b.append("\",\"key\":");
  append_number(b, op.key);
  b.append(",\"invoke_s\":");
  append_seconds(b, op.invoke_s);
  b.append(",\"complete_s\":");
  append_seconds(b, op.complete_s);
  b.append(",\"served_s\":");
  append_seconds(b, op.served_s);
  b.append(",\"outcome\":\"");
  b.append(to_string(op.outcome));
  b.append("\",\"version\":");
  append_number(b, op.version);
  b.append(",\"node\":");
  if (op.node == kNoNode) {
    b.append("null");
  } else if (op.node >= 0 && static_cast<size_t>(op.node) < node_json_.size()) {
    b.append(node_json_[static_cast<size_t>(op.node)]);
  } else {
    b.append(json_string("node" + std::to_string(op.node)));
  }
  b.append(",\"attempts\":");
  append_number(b, op.attempts);
  if (op.arg != 0) {  // the write's operation, in designs that have one (CRDTs, siblings)
    b.append(",\"arg\":");
    b.append(std::to_string(op.arg));
  }
  b.append("}\n");
  if (b.size() >= kBlock) flush();
}

void write_history_jsonl(std::ostream& out, const History& history) {
  HistoryJsonl writer(out);
  writer.begin(history);
  for (const OpRecord& op : history.ops) writer.op(op);
}

}  // namespace mrsim
