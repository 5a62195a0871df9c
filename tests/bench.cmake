cmake_minimum_required(VERSION 3.22)
# `mrsim bench`'s variants run and print their figures (never their speed: that is measured, not tested; see
# docs/performance.md). Usage: cmake -DMRSIM=... -DCASE=consensus|vs-baseline|scan-clients -P bench.cmake
# expect_prints(<args> NEEDLES <regex>...): exit code 0 and every regex matches stdout.
function(expect_prints)
  cmake_parse_arguments(E "" "" "ARGS;NEEDLES" ${ARGN})
  execute_process(COMMAND ${MRSIM} ${E_ARGS} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 120)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "mrsim ${E_ARGS} exited ${rc}: ${err}\n${out}")
  endif()
  foreach(needle ${E_NEEDLES})
    if(NOT out MATCHES "${needle}")
      message(FATAL_ERROR "mrsim ${E_ARGS} printed no line matching \"${needle}\":\n${out}")
    endif()
  endforeach()
  message(STATUS "mrsim ${E_ARGS}:\n${out}")
endfunction()

set(figures "bench: [a-z-]+, 10000 logical clients, 1000 ops/s offered, 120 simulated s, 1 region outage"
            "operations simulated: +[1-9][0-9]*\n"
            "simulated ops per wall second: [1-9][0-9]* \\(simulation\\), [1-9][0-9]* \\(simulation \\+ metrics\\)"
            "peak memory \\(max RSS\\): +[0-9.]+ MiB")
if(CASE STREQUAL "consensus")
  expect_prints(ARGS bench --design consensus --duration 2m NEEDLES "bench: consensus," ${figures})
elseif(CASE STREQUAL "vs-baseline")
  # The baseline draws the same operations as the simulation (the same streams in the same order).
  expect_prints(ARGS bench --vs-baseline --duration 2m NEEDLES ${figures}
                "baseline operations: +[1-9][0-9]* \\(the same as the simulation's\\), 3.00 events per operation"
                "baseline ops per wall second: +[1-9][0-9]*\n"
                "mrsim / baseline, wall time per operation: [0-9.]+x \\(simulation\\), [0-9.]+x \\(simulation \\+ metrics\\)")
elseif(CASE STREQUAL "scan-clients")
  set(row "[0-9.]+ +[0-9.]+ +[0-9.]+ +[0-9.]+\n")
  expect_prints(ARGS bench --scan clients --duration 1m --rounds 2
                NEEDLES "bench --scan clients: single-primary, 1000 ops/s offered, 60 simulated s per point, 1 region outage, 2 rounds; "
                "\n +10 +60 +[1-9][0-9]* +${row}" "\n +100 +60 " "\n +1000 +60 " "\n +10000 +60 " "\n +100000 +60 "
                "\n +1000000 +60 +[1-9][0-9]* +${row}"
                "per-operation cost, largest / smallest: [0-9.]+x \\(simulation\\), [0-9.]+x \\(simulation \\+ metrics\\)")
else()
  message(FATAL_ERROR "unknown CASE ${CASE}")
endif()
