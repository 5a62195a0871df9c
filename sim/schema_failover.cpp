// Checks of the failover policy and the health checks' vantages against each other (issue 8's rules): how many
// vantages must agree, lease timing Patroni can keep safe, election timeouts above the heartbeat.
#include <string>

#include "sim/schema_text.h"
#include "sim/units.h"

namespace mrsim::schema_text {

using nlohmann::json;

namespace {

// A count of vantages that must agree: filled in as a majority when absent, refused when there are fewer vantages.
void check_agreeing(json& obj, const std::string& pointer, const char* key, size_t vantages, const AsWritten& as_written) {
  if (!obj.contains(key)) obj[key] = int64_t(vantages / 2 + 1);
  if (obj[key].get<int64_t>() > int64_t(vantages))
    throw SchemaError(child(pointer, key),
                      "at most " + count_of(vantages, "vantage", "vantages") + " (health_check.vantages)",
                      as_written(child(pointer, key), obj[key]));
}

}  // namespace

void check_failover(json& fo, const std::string& pointer, bool multi_primary, size_t vantages,
                  const AsWritten& as_written) {
  const std::string policy = fo["policy"].get<std::string>();
  const std::string fencing = fo["fencing"].get<std::string>();
  if (multi_primary && policy != "automatic" && policy != "none")
    throw SchemaError(child(pointer, "policy"), "\"automatic\" or \"none\" on a multi-primary database (the other "
                      "policies choose one primary)", describe_json(fo["policy"]));
  if (multi_primary && fencing != "none")
    throw SchemaError(child(pointer, "fencing"), "\"none\" on a multi-primary database (no primary is deposed)",
                      describe_json(fo["fencing"]));
  if (fencing == "lease" && policy != "lease")
    throw SchemaError(child(pointer, "fencing"), "a fencing other than \"lease\" unless policy is \"lease\" (only a "
                      "lease holder can fence itself by its lease)", describe_json(fo["fencing"]));
  if (policy == "quorum") check_agreeing(fo, pointer, "quorum", vantages, as_written);
  else if (fo.contains("quorum"))
    throw SchemaError(child(pointer, "quorum"), "no \"quorum\" unless policy is \"quorum\"", describe_json(fo["quorum"]));
  const std::string lp = child(pointer, "lease");
  json& lease = fo["lease"];
  const double ttl = parse_duration_s(lease["ttl"].get<std::string>());
  const double loop = parse_duration_s(lease["loop_wait"].get<std::string>());
  const double retry = parse_duration_s(lease["retry_timeout"].get<std::string>());
  // The holder gives up loop_wait + retry_timeout after its last renewal; the store must not free the key first.
  if (ttl <= loop + retry)
    throw SchemaError(child(lp, "ttl"), "a duration longer than loop_wait + retry_timeout (" +
                      format_duration(loop + retry) + "), so the holder demotes itself before the key expires",
                      as_written(child(lp, "ttl"), lease["ttl"]));
  const std::string rp = child(pointer, "raft");
  json& raft = fo["raft"];
  const double heartbeat = parse_duration_s(raft["heartbeat"].get<std::string>());
  const double lo = parse_duration_s(raft["election_timeout_min"].get<std::string>());
  const double hi = parse_duration_s(raft["election_timeout_max"].get<std::string>());
  if (lo <= heartbeat)
    throw SchemaError(child(rp, "election_timeout_min"), "a duration longer than the heartbeat (" +
                      format_duration(heartbeat) + "), or followers elect while the leader lives",
                      as_written(child(rp, "election_timeout_min"), raft["election_timeout_min"]));
  if (hi < lo)
    throw SchemaError(child(rp, "election_timeout_max"), "a duration of at least election_timeout_min (" +
                      format_duration(lo) + ")",
                      as_written(child(rp, "election_timeout_max"), raft["election_timeout_max"]));
}

size_t check_health_check(json& hc, const std::string& pointer, const AsWritten& as_written) {
  const size_t vantages = hc["vantages"].size();
  if (hc["rule"] == "k_of_n") check_agreeing(hc, pointer, "k", vantages, as_written);
  else if (hc.contains("k"))
    throw SchemaError(child(pointer, "k"), "no \"k\" unless rule is \"k_of_n\"", describe_json(hc["k"]));
  double interval = parse_duration_s(hc["interval"].get<std::string>());
  double timeout = parse_duration_s(hc["timeout"].get<std::string>());
  // A probe still outstanding when the next one is due would make consecutive-failure counting ambiguous.
  if (timeout >= interval)
    throw SchemaError(child(pointer, "timeout"),
                      "a duration shorter than interval (" + format_duration(interval) + ")",
                      as_written(child(pointer, "timeout"), hc["timeout"]));
  return vantages;
}

}  // namespace mrsim::schema_text
