# CLI-level tests: they run the mrsim binary, one simulation per process, as users do.

# Tier 2: every scenario file meets its "expect" block.
file(GLOB MRSIM_SCENARIOS CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/scenarios/*.json)
foreach(scenario ${MRSIM_SCENARIOS})
  get_filename_component(name ${scenario} NAME_WE)
  add_test(NAME "scenario: ${name} meets its expectations" COMMAND mrsim check ${scenario})
  set_tests_properties("scenario: ${name} meets its expectations" PROPERTIES LABELS scenario)
endforeach()
add_test(NAME "cli: every shipped scenario validates" COMMAND mrsim validate ${MRSIM_SCENARIOS})

# Tier 3: same scenario and seed, same bytes; another seed, another history. The partition scenario adds the
# split-brain, demotion and rewind paths to the flagship's failover.
foreach(name active-passive-dns partition-split-brain)
  set(test "determinism: ${name} with one seed gives identical report, trace and history bytes")
  add_test(NAME "${test}"
           COMMAND ${CMAKE_COMMAND} -DMRSIM=$<TARGET_FILE:mrsim> -DSCENARIO=${PROJECT_SOURCE_DIR}/scenarios/${name}.json
                   -DWORK=${CMAKE_CURRENT_BINARY_DIR}/determinism-${name} -P ${CMAKE_CURRENT_SOURCE_DIR}/determinism.cmake)
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

# A run killed by SIGTERM or SIGINT leaves no temporary file; a later run removes those of dead runs.
add_test(NAME "cli: an interrupted run leaves no temporary file behind"
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/interrupted_run.sh $<TARGET_FILE:mrsim> ${PROJECT_SOURCE_DIR}
                 ${CMAKE_CURRENT_BINARY_DIR}/interrupted_run)
