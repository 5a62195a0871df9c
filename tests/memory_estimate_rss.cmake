cmake_minimum_required(VERSION 3.22)
# Known answer for the memory estimate (sim/footprint.h): runs of modest size, their peak resident memory measured,
# must stay within the estimate made before they ran (estimate >= measured), and the estimate must not be so high
# that it refuses runs the machine could hold (estimate <= 3 x measured). Prints both.
# Usage: cmake -DMRSIM=... -DSOURCE=... -DWORK=... -P memory_estimate_rss.cmake
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
set(flagship ${SOURCE}/scenarios/active-passive-dns.json)

function(compare name estimate_mib measured_mib)
  math(EXPR ratio_percent "100 * ${estimate_mib} / ${measured_mib}")
  message(STATUS "${name}: estimated ${estimate_mib} MiB, measured ${measured_mib} MiB (estimate = ${ratio_percent} % of measured)")
  if(estimate_mib LESS measured_mib)
    message(SEND_ERROR "${name}: the estimate (${estimate_mib} MiB) is below the measured peak (${measured_mib} MiB)")
  endif()
  math(EXPR bound "3 * ${measured_mib}")
  if(estimate_mib GREATER bound)
    message(SEND_ERROR "${name}: the estimate (${estimate_mib} MiB) is more than 3 x the measured peak (${measured_mib} MiB)")
  endif()
endfunction()

# The bench measures its own peak (getrusage) and prints the estimate next to it.
execute_process(COMMAND ${MRSIM} bench --duration 10m RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "bench --duration 10m exited ${rc}: ${err}")
endif()
if(NOT out MATCHES "peak memory \\(max RSS\\): *([0-9]+)[.0-9]* MiB")
  message(FATAL_ERROR "bench prints no peak memory: ${out}")
endif()
set(measured ${CMAKE_MATCH_1})
if(NOT out MATCHES "estimated before the run: *([0-9]+)[.0-9]* MiB")
  message(FATAL_ERROR "bench prints no memory estimate: ${out}")
endif()
compare("bench --duration 10m" ${CMAKE_MATCH_1} ${measured})

# The flagship as shipped (2 h, 1.08 million operations), its peak measured from outside by /usr/bin/time -v.
if(NOT EXISTS /usr/bin/time)
  message(STATUS "skipped the flagship: /usr/bin/time is not installed (Debian package time)")
  return()
endif()
execute_process(COMMAND ${MRSIM} validate ${flagship} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT out MATCHES "a run holds about ([0-9]+)[.0-9]* MiB")
  message(FATAL_ERROR "validate prints no estimate in MiB (exit ${rc}): ${out}${err}")
endif()
set(estimate ${CMAKE_MATCH_1})
execute_process(COMMAND /usr/bin/time -v ${MRSIM} run ${flagship} --report ${WORK}/report.json --trace ${WORK}/trace.json
                        --history ${WORK}/history.jsonl
                RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT err MATCHES "Maximum resident set size \\(kbytes\\): ([0-9]+)")
  message(FATAL_ERROR "/usr/bin/time -v mrsim run exited ${rc}: ${err}")
endif()
math(EXPR measured "${CMAKE_MATCH_1} / 1024")
compare("flagship with report, trace and history" ${estimate} ${measured})
