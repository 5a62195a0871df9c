// The field table's rows for the run: the clients, the faults (planned and random), metrics, alerts, data residency
// and expectations, in table order after the deployment's rows in sim/schema_table.cpp (whose comment says what the
// order means).
#include "sim/schema_table_rows.h"

namespace mrsim::schema_table {

namespace {

constexpr double kMaxBetweenFailures = kMaxTimeBetweenFailures_s;

using T = FieldType;
using P = Presence;

}  // namespace

std::vector<FieldSpec> run_rows() {
  return {
    {"/clients", T::ObjectList, P::Default, "[]", 0, 1000, false, "", "Groups of clients issuing the load."},
    {"/clients/*/region", T::RegionName, P::Required, "", 0, 0, false, "", "Region the group runs in."},
    {"/clients/*/count", T::Integer, P::Default, "100", 1, 1e6, false, "", "Logical clients in the group."},
    {"/clients/*/rate_per_s", T::Number, P::Default, "50", 0, 1e6, true, "",
     "Operations per second issued by the whole group (Poisson arrivals)."},
    {"/clients/*/read_fraction", T::Probability, P::Default, "0.9", 0, 1, false, "",
     "Fraction of operations that are reads."},
    {"/clients/*/key_distribution", T::Enum, P::Default, "\"uniform\"", 0, 0, false, "uniform|zipf",
     "How keys are chosen."},
    {"/clients/*/zipf_exponent", T::Number, P::Default, "0.99", 0, 10, true, "",
     "Exponent of the zipf key distribution (used when `key_distribution` is `zipf`)."},
    {"/clients/*/timeout", T::Duration, P::Default, "\"2s\"", 0, kHour, true, "", "Timeout of one attempt."},
    {"/clients/*/max_retries", T::Integer, P::Default, "2", 0, 100, false, "",
     "Retries after a failed attempt (attempts = 1 + max_retries)."},
    {"/clients/*/retry_backoff", T::Duration, P::Default, "\"200ms\"", 0, kHour, false, "",
     "Wait before a retry (`exponential-jitter`: the base)."},
    {"/clients/*/backoff", T::Enum, P::Optional, "", 0, 0, false, "fixed|exponential-jitter",
     "Default `fixed`: every retry waits `retry_backoff`. `exponential-jitter`: retry n (from 0) waits uniform(0, "
     "min(backoff_cap, retry_backoff x 2^n)), the \"full jitter\" of the AWS Architecture Blog's \"Exponential "
     "Backoff and Jitter\"."},
    {"/clients/*/backoff_cap", T::Duration, P::Optional, "", 0, kHour, true, "",
     "`exponential-jitter` only, default 20s: the cap of the backoff."},
    {"/clients/*/request_size", T::Size, P::Default, "\"512B\"", 1, 64 * kMiB, false, "", "Size of a request."},
    {"/clients/*/response_size", T::Size, P::Default, "\"1KiB\"", 1, 64 * kMiB, false, "", "Size of a response."},
    {"/clients/*/session", T::Object, P::Optional, "", 0, 0, false, "",
     "A session guarantee for the group's reads (the read-local designs' answer to reading one's own writes); "
     "without it `none`. Given, the report breaks session violations, read latency and cross-region read bytes down "
     "by client group (`sessions.by_group`)."},
    {"/clients/*/session/strategy", T::Enum, P::Required, "", 0, 0, false,
     "none|sticky|read-own-writes-window|min-version|primary-reads",
     "`none`: reads follow the read record. `sticky`: a client keeps the region its first read resolved to, and "
     "resolves again only after an attempt there fails (writes follow the write record). `read-own-writes-window`: "
     "for `window` after its last acknowledged write a client reads through the write record (a cookie with the "
     "write's time). `min-version`: a read carries the client's last acknowledged write id; a replica that has not "
     "replayed it waits up to `max_wait`, then forwards the read to the primary (single-primary only). "
     "`primary-reads`: every read goes through the write record (single-primary only)."},
    {"/clients/*/session/window", T::Duration, P::Optional, "", 0, kHour, true, "",
     "`read-own-writes-window` only, default 5s: how long after a write the client reads from the write region."},
    {"/clients/*/session/max_wait", T::Duration, P::Optional, "", 0, 60, false, "",
     "`min-version` only, default 100ms: how long a replica behind the token waits before forwarding (0: at once)."},
    {"/clients/*/start", T::Duration, P::Optional, "", 0, kMaxRun, false, "",
     "The group issues operations from this time on (default 0): with `end`, a burst or a shift of load; a window "
     "reaching past the run is cut at its end."},
    {"/clients/*/end", T::Duration, P::Optional, "", 0, kMaxRun, true, "",
     "... and stops issuing them at this time (default the end of the run); after `start`."},

    {"/faults", T::ObjectList, P::Default, "[]", 0, 1000, false, "",
     "Scheduled faults; each must start and end within the run."},
    {"/faults/*/at", T::Duration, P::Required, "", 0, kMaxRun, false, "",
     "When the fault starts; before the end of the run."},
    {"/faults/*/kind", T::Enum, P::Required, "", 0, 0, false,
     "region_outage|partition|link_degradation|node_crash|gray_failure|clock_skew|clock_drift|maintenance|dns_outage",
     "`region_outage`: every host of `region` goes down (its clients and network stay); `partition`: links between "
     "`groups` are cut (`direction`, `scope`); `link_degradation`: the links between `groups` add `added_latency` "
     "and `jitter` to each message and lose it with probability `loss`; `node_crash`: one host (`node`) goes down "
     "and restarts with its disk; `gray_failure`: the data path of database node `node` fails (or is `slowdown` "
     "times slower) while its health endpoint answers OK; `clock_skew`: the clocks of `region` (or one `node`) "
     "step by `offset`; `clock_drift`: their drift grows by `drift_ppm`; `maintenance` (routing kind `global_lb` "
     "only): a planned removal of `region`'s app tier, drained from the load balancer first "
     "(`routing.global_lb.drain`); `dns_outage` (routing kind `dns` only): the authoritative DNS cannot be reached "
     "for `duration`, resolvers whose answer expires serve it stale or fail (`routing.serve_stale`), and record "
     "changes reach them only after it. Any fault but clock faults and maintenance can flap (`flapping`). What each kind "
     "leaves out: see Faults below."},
    {"/faults/*/duration", T::Duration, P::Optional, "", 0, kMaxRun, true, "",
     "How long the fault lasts; it must end by the end of the run. Required but for clock faults, which without it "
     "last for ever (a clock fault that ends steps back, or drifts as before)."},
    {"/faults/*/region", T::RegionName, P::Optional, "", 0, 0, false, "",
     "The region that goes down (`region_outage`; required there), or whose node clocks the clock fault hits."},
    {"/faults/*/node", T::String, P::Optional, "", 1, 80, false, "",
     "Clock faults: the one clock hit instead of a whole region's, `db-<region>`, `monitor-<region>` or "
     "`resolvers-<region>`; `node_crash`: the host that crashes, `db-<region>`, `app-<region>` or "
     "`monitor-<region>`; `gray_failure`: the database node, `db-<region>`."},
    {"/faults/*/offset", T::Duration, P::Optional, "", -kDay, kDay, false, "",
     "clock_skew: the step, signed (`\"-500ms\"` sets the clock back)."},
    {"/faults/*/drift_ppm", T::Number, P::Optional, "", -1e6, 1e6, true, "",
     "clock_drift: parts per million added to the clock's drift; the clock must keep moving (total > -1,000,000)."},
    {"/faults/*/groups", T::RegionGroups, P::Optional, "", 2, 64, false, "",
     "Two or more disjoint, non-empty lists of regions (`partition` and `link_degradation`; required there); the "
     "fault touches the inter-region links between regions of different groups, and regions not listed keep all "
     "their links."},
    {"/faults/*/direction", T::Enum, P::Optional, "", 0, 0, false, "both|one-way",
     "partition: `both` (the default) cuts both ways; `one-way` loses only the first group's messages to the "
     "second (exactly two groups), while the second's reach the first: a request gets through and its answer does "
     "not, or the other way round."},
    {"/faults/*/scope", T::Enum, P::Optional, "", 0, 0, false, "all|control|data",
     "partition, link_degradation: `all` (the default); `control`: only the control plane (health checks, "
     "controller commands, consensus among controllers); `data`: only client requests and replies and replication "
     "between database nodes. The global load balancer's health checks go over the data path, as an HTTP check "
     "does."},
    {"/faults/*/added_latency", T::Duration, P::Optional, "", 0, kHour, false, "",
     "link_degradation: one-way delay added to every message crossing a degraded link (each link it crosses)."},
    {"/faults/*/jitter", T::Distribution, P::Optional, "", 0, 0, false, "",
     "link_degradation: a further delay drawn for each message and degraded link (a delay distribution, as "
     "`links[*].jitter`), from the link's own stream."},
    {"/faults/*/loss", T::Probability, P::Optional, "", 0, 1, false, "",
     "link_degradation: probability that a message crossing a degraded link is lost. A lost request or reply is "
     "noticed at its sender's timeout and retried as the sender retries (clients per their policy, health checks "
     "at the next probe); a replication stream retransmits as TCP does (200 ms, doubling, at most 15 times)."},
    {"/faults/*/slowdown", T::Number, P::Optional, "", 1, 1e6, true, "",
     "gray_failure: the node answers this many times later than it would (its time from a request's arrival to "
     "its answer, commits unchanged); absent, its data path fails: requests to it and its replication are lost, "
     "while its health endpoint still answers."},
    {"/faults/*/flapping", T::Object, P::Optional, "", 0, 0, false, "",
     "Turns the fault on for `down`, off for `up`, on again, and so on from `at` for `duration` (the last on-period "
     "is cut at the end); not for clock faults or maintenance. Each on-period shows as a start and an end of this "
     "fault in the trace; its RTO is measured from its first start."},
    {"/faults/*/flapping/down", T::Duration, P::Required, "", 0, kMaxRun, true, "",
     "How long each on-period (the component down) lasts; more than 0."},
    {"/faults/*/flapping/up", T::Duration, P::Required, "", 0, kMaxRun, true, "",
     "How long each off-period (the component back) lasts; more than 0."},

    {"/faults_random", T::Object, P::Optional, "", 0, 0, false, "",
     "Random faults over the run: each component of a class fails after a time drawn from `between_failures`, is "
     "repaired after a time drawn from `to_repair`, fails again after a new `between_failures` draw, and so on, from "
     "its own random stream (`faults_random/<class>/<target>`), until the end of the run (a repair the run cuts ends "
     "there). They become plain faults after the file's `faults`, in time order; see Random faults below."},
    {"/faults_random/regions", T::Object, P::Optional, "", 0, 0, false, "",
     "Region outages: the fault is a `region_outage` of the target."},
    {"/faults_random/regions/targets", T::RegionList, P::Derived, "every region", 1, 64, false, "",
     "The regions that fail, each on its own schedule."},
    {"/faults_random/regions/between_failures", T::Distribution, P::Required, "", 0, kMaxBetweenFailures, false, "",
     "Time from a repair (or the start of the run) to the next failure; durations up to 36500d."},
    {"/faults_random/regions/to_repair", T::Distribution, P::Required, "", 0, kMaxRun, false, "",
     "Time from a failure to its repair; every draw above 0s (a constant, a uniform minimum or an empirical lowest "
     "value of 0s is refused)."},
    {"/faults_random/links", T::Object, P::Optional, "", 0, 0, false, "",
     "Link cuts: the fault is a `partition` with groups `[[a], [b]]`, which cuts exactly the link between a and b."},
    {"/faults_random/links/targets", T::NameList, P::Derived, "every link", 1, 2016, false, "",
     "The links that fail, named `a<->b` after their `between` (either order)."},
    {"/faults_random/links/between_failures", T::Distribution, P::Required, "", 0, kMaxBetweenFailures, false, "",
     "As for regions."},
    {"/faults_random/links/to_repair", T::Distribution, P::Required, "", 0, kMaxRun, false, "", "As for regions."},
    {"/faults_random/nodes", T::Object, P::Optional, "", 0, 0, false, "",
     "Database host crashes: the fault is a `node_crash` of the target."},
    {"/faults_random/nodes/targets", T::NameList, P::Derived, "every database node", 1, 64, false, "",
     "The database hosts that fail, `db-<region>` for a region holding a database node."},
    {"/faults_random/nodes/between_failures", T::Distribution, P::Required, "", 0, kMaxBetweenFailures, false, "",
     "As for regions."},
    {"/faults_random/nodes/to_repair", T::Distribution, P::Required, "", 0, kMaxRun, false, "", "As for regions."},
    {"/faults_random/dns", T::Object, P::Optional, "", 0, 0, false, "",
     "Outages of the authoritative DNS provider: the fault is a `dns_outage`."},
    {"/faults_random/dns/between_failures", T::Distribution, P::Required, "", 0, kMaxBetweenFailures, false, "",
     "As for regions."},
    {"/faults_random/dns/to_repair", T::Distribution, P::Required, "", 0, kMaxRun, false, "", "As for regions."},

    {"/metrics", T::Object, P::Default, "{}", 0, 0, false, "", "How metrics are computed."},
    {"/metrics/window", T::Duration, P::Default, "\"10s\"", 0.001, kDay, false, "",
     "RTO: sliding window of the client success ratio; at least `step`, so that no operation falls between two "
     "windows."},
    {"/metrics/threshold", T::Probability, P::Default, "0.99", 0, 1, false, "",
     "RTO: success ratio that counts as recovered."},
    {"/metrics/stable", T::Duration, P::Default, "\"1m\"", 0, kDay, true, "", "RTO: the ratio must hold this long."},
    {"/metrics/step", T::Duration, P::Default, "\"1s\"", 0.001, kHour, false, "",
     "RTO: resolution of the search; at least 1ms (an RTO is counted in seconds) and at least `duration` / "
     "10,000,000 (the search takes one step at a time over the run)."},
    {"/metrics/sample_interval", T::Duration, P::Default, "\"1s\"", 0.001, kHour, false, "",
     "Time between trace samples (lag, success ratio, latency); at least 1ms and at least `duration` / 1,000,000 "
     "(a million samples take about 1.5 GB in the trace)."},
    {"/metrics/long_run", T::Boolean, P::Optional, "", 0, 0, false, "",
     "Add the `long_run` block (downtime per client region, nines, incidents; docs/metrics.md) to the report: "
     "always there with `faults_random`; `true` gives it to a scenario of plain faults (a schedule `mrsim shrink` "
     "wrote from random faults has it)."},

    {"/alerts", T::ObjectList, P::Default, "[]", 0, 100, false, "",
     "Alert rules, as Prometheus alerting rules, evaluated after the run at every sample interval over series "
     "computed from the history; see Alerts in docs/metrics.md."},
    {"/alerts/*/name", T::String, P::Required, "", 1, 200, false, "", "Name of the alert, unique."},
    {"/alerts/*/expr", T::String, P::Required, "", 1, 400, false, "",
     "`SERIES [{LABEL=\"VALUE\"}] OP NUMBER`, e.g. `replication_lag_s{node=\"db-us-west-2\"} > 30`; series "
     "`replication_lag_s`, `node_healthy` (label `node`), `region_success_ratio` (`region`), `clock_offset_s` "
     "(`clock`), `primaries`, `stale_reads`; OP one of `<` `<=` `==` `!=` `>=` `>`. Without a label, every series "
     "of that name alerts on its own."},
    {"/alerts/*/for", T::Duration, P::Default, "\"0s\"", 0, kMaxRun, false, "",
     "The condition must hold this long, evaluation after evaluation, before the alert fires (Prometheus' `for`)."},
    {"/residency", T::ObjectList, P::Default, "[]", 0, 1000, false, "",
     "Data residency: key ranges that may be stored and served only in regions of one jurisdiction; checked after "
     "the run (Data residency in docs/metrics.md)."},
    {"/residency/*/keys", T::KeyRange, P::Required, "", 0, 1e9, false, "",
     "The keys `[first, last]` (inclusive), within `database.keys`; ranges do not overlap."},
    {"/residency/*/jurisdiction", T::String, P::Required, "", 1, 64, false, "",
     "Where those keys may live: a `jurisdiction` of some region."},

    {"/expect", T::Expectations, P::Default, "{}", 0, 0, false, "",
     "Checks on the report, e.g. `{\"rto_s\": \"<= 300\"}`; see Expectations below."},
  };
}

}  // namespace mrsim::schema_table
