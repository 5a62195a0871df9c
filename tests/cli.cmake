# CLI-level tests: they run the mrsim binary, one simulation per process, as users do.

# Tier 2: every scenario file meets its "expect" block.
file(GLOB MRSIM_SCENARIOS CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/scenarios/*.json)
foreach(scenario ${MRSIM_SCENARIOS})
  get_filename_component(name ${scenario} NAME_WE)
  add_test(NAME "scenario: ${name} meets its expectations" COMMAND mrsim check ${scenario})
  set_tests_properties("scenario: ${name} meets its expectations" PROPERTIES LABELS scenario)
endforeach()
add_test(NAME "cli: every shipped scenario validates" COMMAND mrsim validate ${MRSIM_SCENARIOS})
# A regression: the flagship at one hour with seed 293 rewound a deposed primary's compacted log to nothing past the
# shared prefix and crashed reading its last entry (models/single_primary.h, Log). 13 of 1,000 seeds did.
add_test(NAME "cli: the flagship at 1 h, seed 293, finishes (a rewind to a compacted log's shared prefix)"
         COMMAND mrsim run ${PROJECT_SOURCE_DIR}/scenarios/active-passive-dns.json --set duration=1h --seed 293)

# Tier 3: same scenario and seed, same bytes, with the data plane running ahead or in lockstep (docs/architecture.md,
# "Why the data plane is multiplexed, and runs ahead"); another seed, another history. The partition scenario adds the
# split-brain, demotion and rewind paths to the flagship's failover.
foreach(scenario ${MRSIM_SCENARIOS})
  get_filename_component(name ${scenario} NAME_WE)
  set(test "determinism: ${name} with one seed gives identical report, trace and history bytes, in lockstep too")
  # A year-long scenario is checked over its first 30 days: three year-long runs with their trace and history would
  # write gigabytes for the same property (its random outages start within those days for seeds 1 and 2).
  set(sets "")
  if(name MATCHES "-year-")
    set(sets -DSETS=duration=30d)
  endif()
  add_test(NAME "${test}"
           COMMAND ${CMAKE_COMMAND} -DMRSIM=$<TARGET_FILE:mrsim> -DSCENARIO=${PROJECT_SOURCE_DIR}/scenarios/${name}.json
                   ${sets} -DWORK=${CMAKE_CURRENT_BINARY_DIR}/determinism-${name}
                   -P ${CMAKE_CURRENT_SOURCE_DIR}/determinism.cmake)
  set_tests_properties("${test}" PROPERTIES LABELS determinism)
endforeach()

# The sanitizer tests simulate with --cfg=contexts/factory:thread: it must not change a result. A short flagship
# (the outage from 5 to 10 min of 20) keeps the slow thread contexts to a few seconds.
set(test "determinism: contexts/factory:thread gives the same history, report and trace as the default contexts")
add_test(NAME "${test}"
         COMMAND ${CMAKE_COMMAND} -DMRSIM=$<TARGET_FILE:mrsim>
                 -DSCENARIO=${PROJECT_SOURCE_DIR}/scenarios/active-passive-dns.json
                 -DSETS=duration=20m,faults.0.at=5m,faults.0.duration=5m
                 -DWORK=${CMAKE_CURRENT_BINARY_DIR}/context-factory -P ${CMAKE_CURRENT_SOURCE_DIR}/context_factory.cmake)
set_tests_properties("${test}" PROPERTIES LABELS determinism)
# The same with the controller's own host lost (the monitor region's outage kills the checkers and the controller,
# and starts them again): under thread contexts a controller killed holding the health board's lock used to block
# the kill for ever. The timeout turns such a hang into a failure. Once for each controller: failover and router.
foreach(case "active-passive-dns;us-west-2" "mysql-ring;eu-west-1")
  list(GET case 0 name)
  list(GET case 1 monitor)
  set(test "determinism: thread contexts survive the loss of the controller's host in ${name}, with the same results")
  add_test(NAME "${test}"
           COMMAND ${CMAKE_COMMAND} -DMRSIM=$<TARGET_FILE:mrsim> -DSCENARIO=${PROJECT_SOURCE_DIR}/scenarios/${name}.json
                   -DSETS=duration=20m,faults.0.at=5m,faults.0.duration=1m,faults.0.region=${monitor}
                   -DWORK=${CMAKE_CURRENT_BINARY_DIR}/context-factory-${name}
                   -P ${CMAKE_CURRENT_SOURCE_DIR}/context_factory.cmake)
  set_tests_properties("${test}" PROPERTIES LABELS determinism TIMEOUT 120)
endforeach()

# Bad input through the CLI: exit code 2, one clear message, no output file left behind.
add_test(NAME "cli: bad input exits 2 with a clear message and writes nothing"
         COMMAND ${CMAKE_COMMAND} -DMRSIM=$<TARGET_FILE:mrsim> -DSOURCE=${PROJECT_SOURCE_DIR}
                 -DWORK=${CMAKE_CURRENT_BINARY_DIR}/bad_input -P ${CMAKE_CURRENT_SOURCE_DIR}/bad_input.cmake)

# --help says what the README says: every subcommand is documented in both.
add_test(NAME "cli: --help and README list the same commands"
         COMMAND ${CMAKE_COMMAND} -DMRSIM=$<TARGET_FILE:mrsim> -DSOURCE=${PROJECT_SOURCE_DIR}
                 -P ${CMAKE_CURRENT_SOURCE_DIR}/help_matches_readme.cmake)

# catch_discover_tests mangles names with ';', '[' or ']' and such tests silently do not run: forbid them.
add_test(NAME "tests: every Catch2 test name survives discovery by CTest"
         COMMAND ${CMAKE_COMMAND} -DTESTS=$<TARGET_FILE:mrsim_tests> -P ${CMAKE_CURRENT_SOURCE_DIR}/test_names.cmake)

# Memory: a run estimated to hold more than --max-memory (default 80 % of the machine's memory) is refused before it
# simulates; the estimate is checked against the measured peak of modest runs.
add_test(NAME "cli: runs that would exhaust memory are refused at once with exit 2"
         COMMAND ${CMAKE_COMMAND} -DMRSIM=$<TARGET_FILE:mrsim> -DSOURCE=${PROJECT_SOURCE_DIR}
                 -DWORK=${CMAKE_CURRENT_BINARY_DIR}/memory_limit -P ${CMAKE_CURRENT_SOURCE_DIR}/memory_limit.cmake)
add_test(NAME "memory: the estimate covers the measured peak of the bench and the flagship, within 3x"
         COMMAND ${CMAKE_COMMAND} -DMRSIM=$<TARGET_FILE:mrsim> -DSOURCE=${PROJECT_SOURCE_DIR}
                 -DWORK=${CMAKE_CURRENT_BINARY_DIR}/memory_estimate -P ${CMAKE_CURRENT_SOURCE_DIR}/memory_estimate_rss.cmake)
set_tests_properties("memory: the estimate covers the measured peak of the bench and the flagship, within 3x"
                     PROPERTIES LABELS memory)
add_test(NAME "memory: a streaming run's peak does not grow with its length, and its estimate covers it"
         COMMAND ${CMAKE_COMMAND} -DMRSIM=$<TARGET_FILE:mrsim> -P ${CMAKE_CURRENT_SOURCE_DIR}/memory_bounded.cmake)
set_tests_properties("memory: a streaming run's peak does not grow with its length, and its estimate covers it"
                     PROPERTIES LABELS memory)

# The bench's variants run and print their figures (the figures themselves are measured, not tested).
foreach(case "consensus;the consensus design" "vs-baseline;--vs-baseline and its ratio to the reference loop"
             "scan-clients;--scan clients and its table")
  list(GET case 0 name)
  list(GET case 1 what)
  add_test(NAME "cli: bench prints ${what}"
           COMMAND ${CMAKE_COMMAND} -DMRSIM=$<TARGET_FILE:mrsim> -DCASE=${name} -P ${CMAKE_CURRENT_SOURCE_DIR}/bench.cmake)
  set_tests_properties("cli: bench prints ${what}" PROPERTIES LABELS bench TIMEOUT 120)
endforeach()

# A run killed by SIGTERM or SIGINT leaves no temporary file; a later run removes those of dead runs.
add_test(NAME "cli: an interrupted run leaves no temporary file behind"
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/interrupted_run.sh $<TARGET_FILE:mrsim> ${PROJECT_SOURCE_DIR}
                 ${CMAKE_CURRENT_BINARY_DIR}/interrupted_run)

# The fuzz target and its dictionary (tests/fuzz/CMakeLists.txt).
add_subdirectory(fuzz)

# Hardening (docs/hardening.md): with -DMRSIM_HARDENED_DIR=<clang tree built with -DMRSIM_FUZZ=ON> (setup.sh --all
# sets it), the same suite also runs every scenario and every unit test under AddressSanitizer and
# UndefinedBehaviorSanitizer, and fuzzes the scenario loader for a bounded time. Any sanitizer report is fatal.
set(MRSIM_HARDENED_DIR "" CACHE PATH "Clang sanitizer and fuzz build tree whose binaries the suite also runs")
set(MRSIM_FUZZ_SECONDS 150 CACHE STRING "How long the suite fuzzes the scenario loader")
if(MRSIM_HARDENED_DIR)
  set(sanitizer_env "ASAN_OPTIONS=halt_on_error=1:detect_leaks=1:abort_on_error=1"
                    "UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1")
  # AddressSanitizer cannot follow SimGrid's default (raw) stack switching exactly; with threads it sees plain stacks.
  # Scenarios that differ from another shipped one only in parameters run the same code; under the sanitizers (with
  # thread contexts, about 45 s each) they are left to the plain tree, which runs every scenario.
  set(same_code_as_another active-passive-dns-ttl300 partition-lease-clock-step false-failover-single-vantage
                           false-failover-multi-vantage geodns-vs-global-lb-dns sessions-sticky-failback
                           leaderless-n3-r1w1)
  # A simulated year takes many minutes with thread contexts (the plain tree runs the whole year): the sanitizers run
  # two days of it with regions failing every 12 hours on average, so its random faults and long-run checkers run.
  set(long_runs flagship-year-random-outages)
  foreach(scenario ${MRSIM_SCENARIOS})
    get_filename_component(name ${scenario} NAME_WE)
    if(name IN_LIST same_code_as_another)
      continue()
    endif()
    if(name IN_LIST long_runs)
      set(test "sanitizers: ${name} runs two days of faults every 12 hours")
      add_test(NAME "${test}" COMMAND ${MRSIM_HARDENED_DIR}/mrsim run --cfg=contexts/factory:thread ${scenario}
               --set duration=2d --set "faults_random.regions.between_failures={\"kind\": \"exponential\", \"mean\": \"12h\"}")
      set_tests_properties("${test}" PROPERTIES LABELS sanitizers ENVIRONMENT "${sanitizer_env}" TIMEOUT 600 COST 300)
      continue()
    endif()
    set(test "sanitizers: ${name} meets its expectations")
    add_test(NAME "${test}" COMMAND ${MRSIM_HARDENED_DIR}/mrsim check --cfg=contexts/factory:thread ${scenario})
    set_tests_properties("${test}" PROPERTIES LABELS sanitizers ENVIRONMENT "${sanitizer_env}" TIMEOUT 600 COST 300)
  endforeach()
  # The Catch2 tests of the clang tree, each in its own process as CTest runs them there (every test named
  # "<kind>: ..." is a CLI-level test, not a unit test). The known-answer tests simulate in-process with the default
  # (raw) contexts: with threads they take minutes each (docs/hardening.md).
  add_test(NAME "sanitizers: unit tests"
           COMMAND ${CMAKE_CTEST_COMMAND} --test-dir ${MRSIM_HARDENED_DIR} -E "^[a-z]+: " -j2 --no-tests=error
                   --output-on-failure)
  set_tests_properties("sanitizers: unit tests" PROPERTIES LABELS sanitizers ENVIRONMENT "${sanitizer_env}"
                                                           PROCESSORS 2 TIMEOUT 900 COST 1000)
  # Bounded fuzzing: one process for MRSIM_FUZZ_SECONDS; its corpus directory is its own. The COSTs start the long
  # tests first on a fresh tree (CTest has no timings yet), so the short ones fill the gaps instead of trailing.
  set(test "fuzz: the scenario loader survives ${MRSIM_FUZZ_SECONDS} s of libFuzzer")
  add_test(NAME "${test}"
           COMMAND ${CMAKE_COMMAND} -DFUZZER=${MRSIM_HARDENED_DIR}/tests/fuzz/mrsim_fuzz_scenario
                   -DSOURCE=${PROJECT_SOURCE_DIR} -DWORK=${CMAKE_CURRENT_BINARY_DIR}/fuzz-scenario
                   -DSECONDS=${MRSIM_FUZZ_SECONDS} -P ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/run_fuzz.cmake)
  math(EXPR fuzz_timeout "${MRSIM_FUZZ_SECONDS} + 300")
  set_tests_properties("${test}" PROPERTIES LABELS fuzz ENVIRONMENT "${sanitizer_env}" TIMEOUT ${fuzz_timeout}
                                            RESOURCE_LOCK mrsim_fuzz_corpus COST 500)
endif()

# Sweeps, shards and comparisons (docs/sweeps.md): results on disk, resume, kill -9, failed runs, merge, bad input,
# and pandas reading the tables. Needs Debian's python3-pandas (setup.sh --all installs it).
add_test(NAME "cli: sweep, resume after kill -9, failed runs, shards merged, compare"
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/sweep.sh $<TARGET_FILE:mrsim> ${PROJECT_SOURCE_DIR}
                 ${CMAKE_CURRENT_BINARY_DIR}/sweep)

# mrsim shrink (docs/shrink.md): a planted culprit among 20 faults is found and its interval shrunk; expectations
# that all hold, an unknown --expect, and a run budget that cuts the search short.
foreach(case "planted;shrink finds a planted single culprit among 20 random faults"
             "holds;shrink on a scenario whose expectations all hold says so and exits 0"
             "unknown;shrink with an unknown --expect exits 2 naming the expectations there are"
             "budget;shrink cut short by --max-runs still writes a smaller schedule that misses")
  list(GET case 0 name)
  list(GET case 1 what)
  add_test(NAME "cli: ${what}"
           COMMAND ${CMAKE_COMMAND} -DMRSIM=$<TARGET_FILE:mrsim> -DSOURCE=${PROJECT_SOURCE_DIR}
                   -DWORK=${CMAKE_CURRENT_BINARY_DIR}/shrink-${name} -DCASE=${name}
                   -P ${CMAKE_CURRENT_SOURCE_DIR}/shrink.cmake)
  set_tests_properties("cli: ${what}" PROPERTIES PROCESSORS 2)  # shrink runs its candidates on every core
endforeach()

# CI gates (docs/sweeps.md): statistics over seeds in "expect", JUnit XML, baselines.
add_test(NAME "cli: check gates: statistics over seeds, JUnit XML, baselines"
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/check_gates.sh $<TARGET_FILE:mrsim> ${PROJECT_SOURCE_DIR}
                 ${CMAKE_CURRENT_BINARY_DIR}/check-gates)

# mrsim schema --json (docs/sweeps.md): a draft 2020-12 JSON Schema that accepts every shipped scenario and rejects
# bad ones, checked with Debian's python3-jsonschema (setup.sh --all installs it).
add_test(NAME "cli: schema --json accepts every shipped scenario and rejects bad ones"
         COMMAND /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/json_schema.py $<TARGET_FILE:mrsim> ${PROJECT_SOURCE_DIR})

# Beyond one machine (docs/sweeps.md): a one-node Slurm cluster started and stopped by the test runs a sweep as a job
# array of shards plus a merge job; the result must equal the same sweep run locally. Needs slurm-wlm and munge
# (setup.sh --all installs them); fails with the daemons' logs if they cannot start.
add_test(NAME "slurm: a sweep through a one-node cluster equals the same sweep run locally"
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/slurm.sh $<TARGET_FILE:mrsim> ${PROJECT_SOURCE_DIR}
                 ${CMAKE_CURRENT_BINARY_DIR}/slurm)
set_tests_properties("slurm: a sweep through a one-node cluster equals the same sweep run locally"
                     PROPERTIES RUN_SERIAL TRUE TIMEOUT 600)

# The notebooks (docs/sweeps.md) run on small sweeps with Debian's Jupyter, pandas and matplotlib, and are committed
# without outputs.
add_test(NAME "notebooks: both run with jupyter nbconvert on small sweeps"
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/notebooks.sh $<TARGET_FILE:mrsim> ${PROJECT_SOURCE_DIR}
                 ${CMAKE_CURRENT_BINARY_DIR}/notebooks)

# mrsim export --perfetto (docs/trace-format.md): Chrome trace-event JSON with the required fields, nested slices,
# every role, verdict and fault as a slice; bad traces refused with exit 2.
add_test(NAME "cli: export --perfetto writes well-formed trace events and refuses bad traces"
         COMMAND /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/perfetto.py $<TARGET_FILE:mrsim> ${PROJECT_SOURCE_DIR}
                 ${CMAKE_CURRENT_BINARY_DIR}/perfetto)

# The timeline viewer (docs/viewer.md), when Qt 6 Charts is installed: offscreen and Xvfb screenshots that are the
# requested size and not blank in any lane, A/B side by side, bad input exiting 2.
if(TARGET mrsim-viewer)
  add_test(NAME "viewer: screenshots offscreen and under Xvfb, A/B, bad input"
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/viewer.sh $<TARGET_FILE:mrsim> $<TARGET_FILE:mrsim-viewer>
                   ${PROJECT_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/viewer)
endif()
