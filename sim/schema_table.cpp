#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "sim/schema.h"
#include "sim/schema_table_rows.h"
#include "sim/schema_text.h"
#include "sim/units.h"

namespace mrsim {

using nlohmann::json;

namespace {

using namespace schema_table;

constexpr double kMaxBandwidth = 100e12 / 8;  // 100Tbps

using T = FieldType;
using P = Presence;

// The table. Order matters twice: it is the order of docs/scenarios.md, and the order fields are checked in — a row
// that refers to regions, the primary or the run's duration comes after the row that defines them. Defaults are the
// ones in sim/scenario.h, written in file form. Every quantity has an upper bound, so that a typo ("2000h") fails
// loudly instead of running for days (CONVENTIONS.md: put a bound on everything), and a lower bound wherever a tiny
// value would make the run spin (a probe or a metrics step every nanosecond); each such bound says why in its help.
// The deployment's rows, /name to /failover, are here; the run's, /clients to /expect, follow them
// (sim/schema_table_run.cpp).

const std::vector<FieldSpec> kDeploymentRows = {
    {"/name", T::String, P::Derived, "the file name without its extension", 1, 200, false, "",
     "Short name of the scenario, shown in reports."},
    {"/description", T::String, P::Default, "\"\"", 0, 4000, false, "",
     "What the scenario shows and why, in a sentence or a paragraph."},
    {"/seed", T::Seed, P::Default, "1", 0, kNoLimit, false, "",
     "Seed of every random stream in the run (unsigned 64-bit); `--seed` overrides it."},
    {"/duration", T::Duration, P::Default, "\"1h\"", 0, kMaxRun, true, "", "Simulated length of the run."},

    {"/regions", T::ObjectList, P::Required, "", 1, 64, false, "", "The regions; each becomes a zone of hosts."},
    {"/regions/*/name", T::String, P::Required, "", 1, 64, false, "",
     "Region name, unique; letters, digits, `-` and `_` (e.g. `us-east-1`)."},
    {"/regions/*/lan_latency", T::Duration, P::Default, "\"500us\"", 0, 10, false, "",
     "One-way latency inside the region (client edge -> app -> database)."},
    {"/regions/*/lan_bandwidth", T::Bandwidth, P::Default, "\"10Gbps\"", 0, kMaxBandwidth, true, "",
     "Bandwidth inside the region; at most 100Tbps, beyond any network built."},
    {"/regions/*/clock_offset", T::Duration, P::Default, "\"0s\"", 0, kHour, false, "",
     "How far this region's node clocks run ahead of true time (negative offsets are not supported)."},
    {"/regions/*/clock_drift_ppm", T::Number, P::Default, "0", -1000, 1000, false, "",
     "Drift of this region's node clocks, in parts per million (negative = slow)."},
    {"/regions/*/ntp", T::Object, P::Optional, "", 0, 0, false, "",
     "NTP discipline of this region's node clocks, as ntpd/chronyd do it; without it they free-run."},
    {"/regions/*/ntp/poll", T::Duration, P::Default, "\"64s\"", 16, 36 * kHour, false, "",
     "Time between polls; ntpd polls every 64 s (minpoll 6) to 36 h (maxpoll 17), 16 s at the least."},
    {"/regions/*/ntp/step_threshold", T::Duration, P::Default, "\"128ms\"", 0, kHour, true, "",
     "An offset beyond this is stepped away at once; within it the clock is slewed."},
    {"/regions/*/ntp/max_slew_ppm", T::Number, P::Default, "500", 0, 1e5, true, "",
     "Fastest slew, in parts per million: ntpd's limit is 500, chronyd's default maxslewrate 83333."},
    {"/regions/*/jurisdiction", T::String, P::Optional, "", 1, 64, false, "",
     "Legal area the region lies in (e.g. `EU`, `US`); `residency` rules name it. Without it the region lies in "
     "none, outside every rule's."},

    {"/links", T::ObjectList, P::Default, "[]", 0, 2016, false, "",
     "Inter-region links; symmetric. Every pair of regions must be connected by some path."},
    {"/links/*/between", T::RegionPair, P::Required, "", 0, kNoLimit, false, "",
     "The two regions the link joins, e.g. `[\"us-east-1\", \"us-west-2\"]`; at most one link per pair."},
    {"/links/*/latency", T::Duration, P::Required, "", 0, 10, false, "", "One-way latency of the link."},
    {"/links/*/bandwidth", T::Bandwidth, P::Required, "", 0, kMaxBandwidth, true, "",
     "Bandwidth of the link; at most 100Tbps, beyond any network built."},
    {"/links/*/cost_per_gb", T::Number, P::Default, "0.02", 0, 1000, false, "",
     "USD per GB crossing the link, either direction."},
    {"/links/*/jitter", T::Distribution, P::Optional, "", 0, 0, false, "",
     "A delay drawn for every client request or reply, load-balancer probe and leaderless replica message "
     "crossing the link, added to its latency; without it none is drawn. Replication streams and the other "
     "control-plane messages keep the base latency."},

    {"/database", T::Object, P::Required, "", 0, 0, false, "", "The replicated database."},
    {"/database/topology", T::Enum, P::Default, "\"single-primary\"", 0, 0, false,
     "single-primary|multi-primary|consensus|leaderless",
     "`single-primary`: one primary takes every write, replicas follow it. `multi-primary`: every region in "
     "`regions` holds a node that takes writes and ships them to the others asynchronously. `consensus`: one "
     "Raft-replicated range with a voting replica in every region of `regions` (CockroachDB, Spanner); writes commit "
     "on a majority of regions through the leaseholder. `leaderless`: quorum "
     "replication as Dynamo, Cassandra and Riak run it: every region in `regions` holds one replica of every key, "
     "and the node in the client's region coordinates each operation over all of them (`quorum`, `delays`)."},
    {"/database/primary", T::RegionName, P::Optional, "", 0, 0, false, "",
     "Region of the initial primary (single-primary only; required there)."},
    {"/database/replicas", T::RegionList, P::Default, "[]", 0, 63, false, "",
     "Regions holding one replica each, in promotion-preference order; not the primary, no repeats "
     "(single-primary only)."},
    {"/database/regions", T::RegionList, P::Optional, "", 2, 64, false, "",
     "Regions holding one writable node each, in ring order (multi-primary; required there), one voting replica "
     "each (consensus; required there, at least 3), or one replica each (leaderless: N is their number; required "
     "there)."},
    {"/database/leaseholder", T::RegionName, P::Optional, "", 0, 0, false, "",
     "Consensus only: the region whose replica starts as Raft leader and leaseholder; the first of `regions` by "
     "default."},
    {"/database/consensus", T::Object, P::Default, "{}", 0, 0, false, "", "Consensus only: the range's Raft settings."},
    {"/database/consensus/election_timeout", T::Duration, P::Default, "\"3s\"", 0, kHour, true, "",
     "T: a follower that hears nothing from the leader for a time drawn uniformly from [T, 2T) campaigns "
     "(CockroachDB: 15 ticks of 200 ms)."},
    {"/database/consensus/lease_duration", T::Duration, P::Default, "\"9s\"", 0, kHour, false, "",
     "A new leader serves only once the old leaseholder's lease has run out, this long after it lost its majority "
     "(CockroachDB's range lease, 9 s)."},
    {"/database/consensus/follower_read_staleness", T::Duration, P::Default, "\"0s\"", 0, kHour, false, "",
     "Follower reads: a gateway's own replica serves a read when its applied state is at most this old; 0 = every "
     "read goes to the leaseholder."},
    {"/database/layout", T::Enum, P::Optional, "", 0, 0, false, "mesh|ring",
     "Multi-primary only, default `mesh`: every node ships its own writes to every other; `ring`: each node ships "
     "everything it applies to the next in `regions` (circular MySQL replication, log_slave_updates), so one dead "
     "node cuts the ring; at least 3 nodes."},
    {"/database/conflict_resolution", T::Enum, P::Optional, "", 0, 0, false, "lww|lww-hlc|crdt|siblings",
     "Multi-primary only, default `lww`: last writer wins on the writing node's wall clock (DynamoDB global "
     "tables, Cassandra); `lww-hlc`: on hybrid logical clocks; `crdt`: every key is a CRDT of the type `crdt` "
     "declares; `siblings`: version vectors keep concurrent versions (Dynamo)."},
    {"/database/crdt", T::ObjectList, P::Optional, "", 1, 1000, false, "",
     "CRDT type of every key, as ranges that cover the key space (`conflict_resolution` `crdt` only; required "
     "there)."},
    {"/database/crdt/*/first_key", T::Integer, P::Required, "", 0, 1e9, false, "", "First key of the range."},
    {"/database/crdt/*/last_key", T::Integer, P::Required, "", 0, 1e9, false, "",
     "Last key of the range (inclusive); ranges follow each other without gaps or overlaps."},
    {"/database/crdt/*/type", T::Enum, P::Required, "", 0, 0, false, "pn-counter|or-set",
     "`pn-counter`: writes increment or decrement; `or-set`: writes add or remove an element (add wins)."},
    {"/database/crdt/*/remove_fraction", T::Probability, P::Default, "0.25", 0, 1, false, "",
     "Fraction of writes that decrement the counter or remove an element."},
    {"/database/crdt/*/elements", T::Integer, P::Default, "16", 1, 32767, false, "",
     "or-set: a write adds or removes one of elements 1..this, chosen uniformly."},
    {"/database/quorum", T::Object, P::Optional, "", 0, 0, false, "",
     "Leaderless only (required there): the quorums. Sloppy quorums are not modelled: a write counts only the "
     "acknowledgements of its key's own N replicas."},
    {"/database/quorum/r", T::Integer, P::Required, "", 1, 64, false, "",
     "Read quorum R: the coordinator answers a read after R replicas responded, with the newest version among them; "
     "at most N."},
    {"/database/quorum/w", T::Integer, P::Required, "", 1, 64, false, "",
     "Write quorum W: the coordinator acknowledges a write after W replicas acknowledged it; at most N. With fewer "
     "than W (or R) replicas reachable the coordinator refuses at once (Cassandra's UnavailableException)."},
    {"/database/quorum/read_repair", T::Boolean, P::Default, "false", 0, 0, false, "",
     "The coordinator writes the newest version it read back to the responders that returned an older one "
     "(asynchronously, as Riak does; Cassandra 4's blocking read repair would also delay the read)."},
    {"/database/quorum/hinted_handoff", T::Boolean, P::Default, "true", 0, 0, false, "",
     "A write for a replica the coordinator cannot reach is kept as a hint and sent once the route is back "
     "(Cassandra and Riak default); hints never count toward W. Off: that replica misses the write until it is "
     "read-repaired."},
    {"/database/delays", T::Object, P::Optional, "", 0, 0, false, "",
     "Leaderless only (filled with its defaults there): the per-message delays of the WARS model (Bailis et al., "
     "PBS, 2012), each drawn per message and added to the network's one-way latency between the coordinator's and "
     "the replica's database hosts (zero for the coordinator's own replica)."},
    {"/database/delays/write", T::Distribution, P::Default, "{\"kind\": \"constant\", \"value\": \"0s\"}", 0, 0,
     false, "", "W: coordinator to replica, until the replica has applied the write."},
    {"/database/delays/ack", T::Distribution, P::Default, "{\"kind\": \"constant\", \"value\": \"0s\"}", 0, 0,
     false, "", "A: the replica's acknowledgement back to the coordinator."},
    {"/database/delays/read", T::Distribution, P::Default, "{\"kind\": \"constant\", \"value\": \"0s\"}", 0, 0,
     false, "", "R: coordinator to replica, until the replica reads its state."},
    {"/database/delays/response", T::Distribution, P::Default, "{\"kind\": \"constant\", \"value\": \"0s\"}", 0,
     0, false, "", "S: the replica's response back to the coordinator."},
    {"/database/delays/replicas", T::ObjectList, P::Default, "[]", 0, 64, false, "",
     "Per-replica overrides of the delays above, e.g. a slow disk in one region."},
    {"/database/delays/replicas/*/region", T::RegionName, P::Required, "", 0, 0, false, "",
     "The replica's region: one of `database.regions`, each at most once."},
    {"/database/delays/replicas/*/write", T::Distribution, P::Optional, "", 0, 0, false, "",
     "This replica's W, instead of `delays.write`."},
    {"/database/delays/replicas/*/ack", T::Distribution, P::Optional, "", 0, 0, false, "",
     "This replica's A, instead of `delays.ack`."},
    {"/database/delays/replicas/*/read", T::Distribution, P::Optional, "", 0, 0, false, "",
     "This replica's R, instead of `delays.read`."},
    {"/database/delays/replicas/*/response", T::Distribution, P::Optional, "", 0, 0, false, "",
     "This replica's S, instead of `delays.response`."},
    {"/database/replication", T::Object, P::Default, "{}", 0, 0, false, "", "How replicas follow the primary."},
    {"/database/replication/mode", T::Enum, P::Default, "\"async\"", 0, 0, false, "async|sync|semi-sync|cdc",
     "Replication mode of every replica: `sync` = the primary acknowledges a write once the replica has applied it "
     "(PostgreSQL synchronous_commit=remote_apply); `semi-sync` = once `semi_sync.wait_for_replica_count` such "
     "replicas have received it, falling back to async after `semi_sync.timeout` (MySQL rpl_semi_sync_source); "
     "`cdc` = the replica is fed by a change-data-capture pipeline (`cdc`), not by the primary's own stream."},
    {"/database/replication/overrides", T::ReplicationModes, P::Default, "{}", 0, 0, false,
     "async|sync|semi-sync|cdc",
     "Per-replica mode, e.g. `{\"us-west-2\": \"sync\"}`; keys must be replica regions."},
    {"/database/replication/apply_delay", T::Duration, P::Default, "\"1ms\"", 0, kHour, false, "",
     "Time a replica takes to apply one shipped batch."},
    {"/database/replication/reconnect_delay", T::Duration, P::Default, "\"5s\"", 0, kHour, true, "",
     "A broken replication stream retries after this long."},
    {"/database/semi_sync", T::Object, P::Default, "{}", 0, 0, false, "",
     "MySQL's semi-synchronous source (rpl_semi_sync_source_*), for replicas in mode `semi-sync`."},
    {"/database/semi_sync/wait_for_replica_count", T::Integer, P::Default, "1", 1, 63, false, "",
     "Acknowledgements of receipt (not replay) a commit waits for (rpl_semi_sync_source_wait_for_replica_count); "
     "at most the number of `semi-sync` replicas."},
    {"/database/semi_sync/timeout", T::Duration, P::Default, "\"10s\"", 0, kHour, true, "",
     "A commit that waits this long without enough acknowledgements switches the source to async "
     "(rpl_semi_sync_source_timeout, 10 s by default); it switches back once a semi-sync replica has caught up."},
    {"/database/cdc", T::Object, P::Optional, "", 0, 0, false, "",
     "The change-data-capture pipeline feeding replicas of mode `cdc`: Debezium -> Kafka -> MirrorMaker 2 -> a "
     "consumer that applies to the replica (single-primary only; allowed only when some replica's mode is `cdc`, "
     "which fills it with its defaults)."},
    {"/database/cdc/poll_interval", T::Duration, P::Default, "\"500ms\"", 0, kHour, false, "",
     "Debezium polls the primary's log this often (poll.interval.ms, default 500 ms); `0s` captures every change "
     "at once."},
    {"/database/cdc/max_batch_size", T::Integer, P::Default, "2048", 1, 1e7, false, "",
     "Changes one poll takes at most (Debezium's max.batch.size, default 2048); the rest wait for the next poll."},
    {"/database/cdc/partitions", T::Integer, P::Default, "1", 1, 10000, false, "",
     "Partitions of the change topic (Kafka's num.partitions, default 1); a change goes to the partition of its "
     "key's hash."},
    {"/database/cdc/partition_throughput", T::Number, P::Default, "10000", 0, 1e9, true, "",
     "Messages per second one partition appends (acks=all); no product default: tens of MB/s a partition is "
     "Kafka's rule of thumb, 10000 small change events a conservative reading of it."},
    {"/database/cdc/mirror_linger", T::Duration, P::Default, "\"5ms\"", 0, kHour, false, "",
     "MirrorMaker 2's producer waits this long to fill a batch (linger.ms: 5 ms since Kafka 4.0, 0 before)."},
    {"/database/cdc/mirror_throughput", T::Number, P::Default, "10000", 0, 1e9, true, "",
     "Messages per second MirrorMaker 2 replicates, per partition (one task per partition)."},
    {"/database/cdc/apply_rate", T::Number, P::Default, "2000", 0, 1e9, true, "",
     "Messages per second the consumer applies to the replica, one at a time in source commit order; no product "
     "default (a JDBC sink writing single rows manages a few thousand a second)."},
    {"/database/read_service_time", T::Duration, P::Default, "\"1ms\"", 0, 10, false, "",
     "Time a node spends serving one read."},
    {"/database/write_service_time", T::Duration, P::Default, "\"2ms\"", 0, 10, false, "",
     "Time a node spends on one write (local commit)."},
    {"/database/keys", T::Integer, P::Default, "10000", 1, 1e9, false, "", "Size of the key space."},
    {"/database/entry_size", T::Size, P::Default, "\"256B\"", 1, 64 * kMiB, false, "",
     "Size of one replicated log entry."},

    {"/routing", T::Object, P::Default, "{}", 0, 0, false, "",
     "How clients find a region: GeoDNS records, a global load balancer, or their own endpoint list."},
    {"/routing/kind", T::Enum, P::Default, "\"dns\"", 0, 0, false, "dns|global_lb|client",
     "Routing mechanism. `dns`: GeoDNS records and caching resolvers (Route 53). `global_lb`: an anycast front door "
     "(AWS Global Accelerator, GCP global load balancing) that forwards each request from the client's own region "
     "to the nearest backend its own health checks find healthy; no DNS TTL on the path. `client`: each client "
     "walks an ordered `endpoints` list itself, moving on after a failed attempt."},
    {"/routing/policy", T::Enum, P::Default, "\"failover\"", 0, 0, false, "failover|geo|latency|weighted",
     "DNS record policy of the read records (and of the write records under `local` write routing): `failover` "
     "answers with the client's own region while it is healthy, else the controller's choice; `geo` with `geo`'s "
     "map; `latency` with the healthy region of lowest route latency; `weighted` draws an answer by `weights` "
     "among the healthy regions at each resolver query. The single-primary `write` record always follows the "
     "primary."},
    {"/routing/ttl", T::Duration, P::Default, "\"1m\"", 0, kDay, false, "", "TTL of the DNS record."},
    {"/routing/update_delay", T::Duration, P::Default, "\"10s\"", 0, kDay, false, "",
     "Time from a record change to every authoritative server serving it."},
    {"/routing/resolvers_per_region", T::Integer, P::Default, "10", 1, 10000, false, "",
     "Caching resolvers per region; clients are spread over them."},
    {"/routing/stale_fraction", T::Probability, P::Default, "0", 0, 1, false, "",
     "Fraction of resolvers that keep serving an expired answer."},
    {"/routing/stale_extra", T::Duration, P::Default, "\"0s\"", 0, kDay, false, "",
     "How long past the TTL those resolvers keep it."},
    {"/routing/resolvers", T::ObjectList, P::Optional, "", 1, 16, false, "",
     "Populations of resolvers that stretch TTLs, each resolver by its own extra time (the general form of "
     "`stale_fraction` / `stale_extra`, which must then stay 0); the resolvers no population takes honour the TTL."},
    {"/routing/resolvers/*/fraction", T::Probability, P::Required, "", 0, 1, false, "",
     "Fraction of each region's resolvers in this population; the populations' fractions sum to at most 1."},
    {"/routing/resolvers/*/extra", T::Object, P::Required, "", 0, 0, false, "",
     "How long past the TTL each resolver keeps answers, drawn once per resolver."},
    {"/routing/resolvers/*/extra/distribution", T::Enum, P::Required, "", 0, 0, false, "fixed|uniform|exponential",
     "`fixed`: `min` for every resolver; `uniform`: between `min` and `max`; `exponential`: with mean `mean`."},
    {"/routing/resolvers/*/extra/min", T::Duration, P::Optional, "", 0, kDay, false, "",
     "`fixed` and `uniform` (required there): the extra time, or its lower bound."},
    {"/routing/resolvers/*/extra/max", T::Duration, P::Optional, "", 0, kDay, false, "",
     "`uniform` only (required there): the upper bound, at least `min`."},
    {"/routing/resolvers/*/extra/mean", T::Duration, P::Optional, "", 0, kDay, true, "",
     "`exponential` only (required there): the mean extra time."},
    {"/routing/client_cache", T::Object, P::Optional, "", 0, 0, false, "",
     "`dns` only: clients that keep their own resolved answers on top of their resolver's cache, as the JVM's "
     "`networkaddress.cache.ttl`; without it none."},
    {"/routing/client_cache/fraction", T::Probability, P::Required, "", 0, 1, false, "",
     "Fraction of each group's logical clients that cache."},
    {"/routing/client_cache/ttl", T::String, P::Required, "", 1, 40, false, "",
     "How long they keep an answer: a duration (at most 1d), or `forever` (the JVM's default under a security "
     "manager)."},
    {"/routing/negative_ttl", T::Duration, P::Optional, "", 0, kDay, false, "",
     "How long resolvers keep a \"no answer\" (RFC 2308 negative caching; a record policy has no answer when no "
     "candidate region is healthy), default the TTL. Clients of such a resolver fail at once."},
    {"/routing/write_routing", T::Enum, P::Optional, "", 0, 0, false, "primary|local|home-region",
     "Where writes go: `primary` (single-primary's only choice and default), `local`: the client's own region "
     "(multi-primary default), `home-region`: the home region of the key or client (multi-primary only)."},
    {"/routing/home", T::Enum, P::Optional, "", 0, 0, false, "key|client",
     "home-region only, default `key`: a key's home is its index modulo the number of nodes; `client`: a client's "
     "home is a hash of its id."},
    {"/routing/home_failover", T::Enum, P::Optional, "", 0, 0, false, "successor|never",
     "home-region only, default `successor`: when a home region's node is judged unhealthy the controller moves its "
     "keys to the next healthy region in `database.regions`; `never`: they stay."},
    {"/routing/geo", T::Object, P::Optional, "", 0, 0, false, "",
     "policy `geo` only (required there): Route 53 geolocation records."},
    {"/routing/geo/map", T::RegionMap, P::Required, "", 0, 0, false, "",
     "Client region -> answer region, e.g. `{\"eu-west-1\": \"eu-west-1\"}`; answers must hold a database node. "
     "An answer whose node is unhealthy falls back to `default`."},
    {"/routing/geo/default", T::RegionName, P::Required, "", 0, 0, false, "",
     "The answer for client regions not in the map, or whose answer is unhealthy; must hold a database node. "
     "Neither healthy: no answer (the client's attempt fails at once)."},
    {"/routing/weights", T::RegionWeights, P::Optional, "", 0, 0, false, "",
     "policy `weighted` only (required there): region -> weight, e.g. `{\"us-east-1\": 90, \"us-west-2\": 10}` for "
     "a 90/10 canary; regions must hold a database node, weights are >= 0 and not all 0."},
    {"/routing/global_lb", T::Object, P::Optional, "", 0, 0, false, "",
     "kind `global_lb` only (filled with its defaults there): the front door's own health checks of the regional "
     "backends."},
    {"/routing/global_lb/pop", T::String, P::Default, "\"nearest\"", 1, 64, false, "",
     "Where requests enter: `nearest`, the anycast edge in the client's own region; or a region's name, one edge "
     "every request goes through (a single regional front door), paying the way there and back."},
    {"/routing/global_lb/drain", T::Duration, P::Default, "\"300s\"", 0, kDay, false, "",
     "Connection draining: a backend taken out for `maintenance` gets no new requests, and its app tier stops only "
     "this long later, so requests already in flight finish (AWS's deregistration delay, 300 s by default)."},
    {"/routing/global_lb/health_check", T::Object, P::Default, "{}", 0, 0, false, "",
     "Probes from each backend region's edge to its app tier and database node (as Global Accelerator's checks "
     "of a regional endpoint)."},
    {"/routing/global_lb/health_check/interval", T::Duration, P::Default, "\"5s\"", 0.1, kHour, false, "",
     "Time between probes; at least 100ms."},
    {"/routing/global_lb/health_check/timeout", T::Duration, P::Default, "\"2s\"", 0, kHour, true, "",
     "A probe with no answer after this long fails; must be shorter than `interval`."},
    {"/routing/global_lb/health_check/failure_threshold", T::Integer, P::Default, "2", 1, 1000, false, "",
     "Consecutive failed probes that take a backend out; detection takes at most "
     "failure_threshold x interval + timeout."},
    {"/routing/global_lb/health_check/rise_threshold", T::Integer, P::Default, "2", 1, 1000, false, "",
     "Consecutive good probes that put it back."},
    {"/routing/endpoints", T::RegionList, P::Optional, "", 1, 64, false, "",
     "kind `client` only (required there): the regions each client tries, in order; each must hold a database "
     "node. A client stays on an endpoint while it answers and moves to the next after a failed attempt."},
    {"/routing/circuit_breaker", T::Object, P::Optional, "", 0, 0, false, "",
     "kind `client` only: a circuit breaker per (client group, endpoint), as resilience4j / Hystrix; without it "
     "none."},
    {"/routing/circuit_breaker/failure_threshold", T::Integer, P::Default, "5", 1, 1000, false, "",
     "Consecutive failed attempts on an endpoint that open its breaker: clients skip it."},
    {"/routing/circuit_breaker/open", T::Duration, P::Default, "\"30s\"", 0, kHour, true, "",
     "How long the breaker stays open; then it lets one trial attempt through (half-open), which closes it on "
     "success and opens it again on failure."},
    {"/routing/serve_stale", T::Object, P::Optional, "", 0, 0, false, "",
     "kind `dns` only (filled with its defaults when the scenario has a `dns_outage` fault): what resolvers do when "
     "the authoritative DNS cannot be reached and an answer has expired, RFC 8767 serve-stale (BIND "
     "stale-answer-enable, Unbound serve-expired)."},
    {"/routing/serve_stale/enabled", T::Boolean, P::Default, "true", 0, 0, false, "",
     "`true`: a resolver keeps serving its expired answer while it is expired for less than `max_stale`, trying the "
     "authoritative servers again every `stale_answer_ttl`, then answers SERVFAIL; `false`: SERVFAIL as soon as the "
     "answer expires. Either way the client's attempt fails at once on a SERVFAIL."},
    {"/routing/serve_stale/max_stale", T::Duration, P::Default, "\"1d\"", 0, 7 * kDay, false, "",
     "How long past its expiry an answer may be served: RFC 8767 section 5 suggests 1 to 3 days and a cap of 7 "
     "days; BIND's max-stale-ttl and Knot Resolver's serve-stale allow 1 day."},
    {"/routing/serve_stale/stale_answer_ttl", T::Duration, P::Default, "\"30s\"", 0, kHour, false, "",
     "TTL of a stale answer, and the time before the resolver tries the authoritative servers again (RFC 8767's "
     "30 s stale answer TTL and failure recheck timer; BIND's stale-answer-ttl and stale-refresh-time, Unbound's "
     "serve-expired-reply-ttl, all 30 s)."},

    {"/health_check", T::Object, P::Default, "{}", 0, 0, false, "", "Probes of the primary."},
    {"/health_check/from", T::RegionName, P::Derived,
     "the first replica's region, else the first region that is not the primary, else the primary", 0, 0, false, "",
     "Region the checker and the failover controller run in."},
    {"/health_check/interval", T::Duration, P::Default, "\"10s\"", 0.1, kHour, false, "",
     "Time between probes; at least 100ms: HAProxy counts `inter` in milliseconds, Route 53 probes every 10 or 30 s, "
     "and faster probing is no real configuration (and would cost the run far more time than its clients)."},
    {"/health_check/timeout", T::Duration, P::Default, "\"5s\"", 0, kHour, true, "",
     "A probe with no answer after this long fails; must be shorter than `interval`."},
    {"/health_check/failure_threshold", T::Integer, P::Default, "3", 1, 1000, false, "",
     "Consecutive failed probes that make the primary unhealthy."},
    {"/health_check/rise_threshold", T::Integer, P::Default, "2", 1, 1000, false, "",
     "Consecutive good probes that make it healthy again."},
    {"/health_check/probe_size", T::Size, P::Default, "\"200B\"", 1, kMiB, false, "", "Size of a probe message."},
    {"/health_check/vantages", T::RegionList, P::Derived, "[from]", 1, 64, false, "",
     "Regions that probe every node, one checker each on the region's monitor host (Route 53 checks from several "
     "regions); their verdicts are combined by `rule`."},
    {"/health_check/rule", T::Enum, P::Default, "\"percent\"", 0, 0, false, "percent|k_of_n",
     "How vantage verdicts combine: `percent`: healthy while more than `healthy_percent` of vantages say healthy "
     "(Route 53); `k_of_n`: unhealthy once at least `k` vantages say unhealthy."},
    {"/health_check/healthy_percent", T::Number, P::Default, "18", 0, 100, false, "",
     "percent rule: Route 53's HealthThreshold percentage, 18 by default; a node is healthy while strictly more than "
     "this percentage of vantages judge it healthy."},
    {"/health_check/k", T::Integer, P::Optional, "", 1, 64, false, "",
     "k_of_n rule: vantages that must judge a node unhealthy; at most the number of vantages; default a majority."},

    {"/failover", T::Object, P::Default, "{}", 0, 0, false, "", "What happens when the primary is unhealthy."},
    {"/failover/policy", T::Enum, P::Default, "\"automatic\"", 0, 0, false, "automatic|none|manual|quorum|lease|raft",
     "`automatic`: one controller in `health_check.from` promotes the most advanced replica once the primary is judged "
     "unhealthy (multi-primary: moves DNS records off a node judged unhealthy); `none` waits for the primary to come "
     "back (multi-primary: records never move); `manual`: an alert pages an operator, who runs the same steps after a "
     "reaction time; `quorum`: a promotion needs `quorum` vantages, each reachable from the controller, to judge the "
     "primary unhealthy; `lease`: the primary holds a lease in a consensus store on `consensus_regions` and a replica "
     "is promoted only once it has taken the lease (Patroni); `raft`: controllers in `consensus_regions` elect a "
     "leader, and only the leader acts. Single-primary only, except `automatic` and `none`."},
    {"/failover/fencing", T::Enum, P::Default, "\"none\"", 0, 0, false, "none|token|stonith|lease",
     "What stops a deposed primary: `none`; `token`: the promotion's term is sent to every node, whose storage then "
     "refuses writes under an older term; `stonith`: the old primary's host is powered off through the cloud API "
     "before the promotion; `lease` (policy `lease` only): a primary that cannot renew its lease demotes itself."},
    {"/failover/quorum", T::Integer, P::Optional, "", 1, 64, false, "",
     "quorum policy: vantages that must agree; at most the number of vantages; default a majority."},
    {"/failover/page_after", T::Duration, P::Default, "\"2m\"", 0, kDay, false, "",
     "manual: the paging alert fires once the primary has been unhealthy this long (the guide's RegionDown rule has "
     "`for: 2m`)."},
    {"/failover/page_on", T::String, P::Optional, "", 1, 200, false, "",
     "manual: the name of the rule in `alerts` that pages the operator, over `node_healthy`; it pages when it fires "
     "for the designated primary. Without it the page is the rule `node_healthy == 0` for `page_after`."},
    {"/failover/reaction_median", T::Duration, P::Default, "\"5m\"", 0, kDay, false, "",
     "manual: median of the operator's reaction time (page to running the failover), lognormal; 5 minutes is the "
     "response time the Google SRE book's on-call chapter gives for user-facing services."},
    {"/failover/reaction_sigma", T::Number, P::Default, "0.5", 0, 3, false, "",
     "manual: sigma of the lognormal reaction time (0.5: the 95th percentile is 2.3 times the median)."},
    {"/failover/stonith_time", T::Duration, P::Default, "\"30s\"", 0, kHour, false, "",
     "stonith: time from the controller's power-off call to the host being off (an EC2 StopInstances with force)."},
    {"/failover/consensus_regions", T::RegionList, P::Derived, "the database's regions", 1, 9, false, "",
     "lease: the consensus store's servers (one per region), raft: the controllers; a majority must be reachable."},
    {"/failover/lease", T::Object, P::Default, "{}", 0, 0, false, "", "lease policy: Patroni's timing."},
    {"/failover/lease/ttl", T::Duration, P::Default, "\"30s\"", 0, kHour, true, "",
     "The store expires the leader key this long after its last renewal; longer than loop_wait + retry_timeout."},
    {"/failover/lease/loop_wait", T::Duration, P::Default, "\"10s\"", 0.1, kHour, false, "",
     "The holder renews every loop_wait; at least 100ms."},
    {"/failover/lease/retry_timeout", T::Duration, P::Default, "\"10s\"", 0, kHour, false, "",
     "A holder whose renewals have failed for loop_wait + retry_timeout, by its own clock, demotes itself."},
    {"/failover/lease/lock_delay", T::Duration, P::Default, "\"0s\"", 0, kHour, false, "",
     "After the key expires no one may take it for this long (Consul's lock-delay, 15 s by default; etcd has none)."},
    {"/failover/raft", T::Object, P::Default, "{}", 0, 0, false, "", "raft policy: etcd's timing."},
    {"/failover/raft/heartbeat", T::Duration, P::Default, "\"100ms\"", 0.01, 60, false, "",
     "The leader's heartbeat interval; at least 10ms."},
    {"/failover/raft/election_timeout_min", T::Duration, P::Default, "\"1s\"", 0, kHour, true, "",
     "Election timeouts are drawn uniformly from [min, max); min must exceed the heartbeat."},
    {"/failover/raft/election_timeout_max", T::Duration, P::Default, "\"2s\"", 0, kHour, true, "",
     "Upper end of the election timeout range; at least min."},
    {"/failover/cooldown", T::Duration, P::Default, "\"5m\"", 0, kDay, false, "",
     "No second failover (or failback) within this long of the previous one."},
    {"/failover/failback", T::Boolean, P::Optional, "", 0, 0, false, "",
     "Automatic only, default false: once the original primary is healthy again and the cooldown has passed, fail "
     "back to it (promote it, then demote the current primary when it is next seen), as a Route 53 failover record "
     "returns to its primary as soon as its health check passes. Writes the current primary has not yet shipped to "
     "it are lost, as in any failover of asynchronous replicas."},
    {"/failover/promotion_time", T::Duration, P::Default, "\"5s\"", 0, kHour, false, "",
     "Time a replica needs to become a writable primary."},
    {"/failover/rpc_timeout", T::Duration, P::Default, "\"5s\"", 0, kHour, true, "",
     "Controller-to-node commands time out after this long."},
};

std::vector<FieldSpec> all_rows() {
  std::vector<FieldSpec> rows = kDeploymentRows;
  const std::vector<FieldSpec> run = run_rows();
  rows.insert(rows.end(), run.begin(), run.end());
  return rows;
}

const std::vector<FieldSpec> kSchema = all_rows();

}  // namespace

const std::vector<FieldSpec>& scenario_schema() {
  return kSchema;
}

const FieldSpec* schema_row_for(const std::string& pattern) {
  for (const FieldSpec& row : kSchema)
    if (pattern == row.path) return &row;
  return nullptr;
}

std::string known_keys_expectation(const std::string& pattern, const std::string& key) {
  std::vector<std::string> keys;
  for (const FieldSpec* row : schema_text::children_of(pattern)) keys.push_back(schema_text::last_token(row->path));
  return "one of the keys " + schema_text::join(keys, ", ") + schema_text::did_you_mean(key, keys);
}

}  // namespace mrsim
