cmake_minimum_required(VERSION 3.22)
# A run estimated to need more memory than the limit is refused before it simulates: exit 2, one line naming the
# estimate and the field to change, no output file, at once. --max-memory raises or lowers the limit.
# Usage: cmake -DMRSIM=... -DSOURCE=... -DWORK=... -P memory_limit.cmake
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
set(flagship ${SOURCE}/scenarios/active-passive-dns.json)
set(outputs --report ${WORK}/out.report.json --trace ${WORK}/out.trace.json --history ${WORK}/out.history.jsonl)

# expect_refused(<case> <substrings of stderr...> ARGS <mrsim arguments...>)
function(expect_refused name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "NEEDLES;ARGS")
  # Should the refusal break, the run must not eat the machine: under a 6 GiB address space it dies of bad_alloc
  # (exit 3) rather than swapping for ever, and the timeout ends a run that does start.
  string(TIMESTAMP started "%s")
  execute_process(COMMAND sh -c "ulimit -v 6291456 && exec \"$@\"" sh ${MRSIM} ${arg_ARGS}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 60)
  string(TIMESTAMP finished "%s")
  math(EXPR seconds "${finished} - ${started}")
  set(problems "")
  if(NOT rc EQUAL 2)
    string(APPEND problems " exit code ${rc} (expected 2);")
  endif()
  foreach(needle "would hold about" "or raise --max-memory" ${arg_NEEDLES})
    string(FIND "${err}" "${needle}" at)
    if(at EQUAL -1)
      string(APPEND problems " stderr lacks \"${needle}\";")
    endif()
  endforeach()
  string(REGEX MATCHALL "\n" lines "${err}")
  list(LENGTH lines line_count)
  if(NOT line_count EQUAL 1)
    string(APPEND problems " stderr has ${line_count} lines (expected one message);")
  endif()
  if(NOT out STREQUAL "")
    string(APPEND problems " printed on stdout (a refused run prints nothing): ${out};")
  endif()
  file(GLOB left ${WORK}/out.* ${WORK}/.out.*)
  if(left)
    string(APPEND problems " left output behind: ${left};")
    file(REMOVE ${left})
  endif()
  if(seconds GREATER 5)
    string(APPEND problems " took ${seconds} s: it simulated before refusing;")
  endif()
  if(problems)
    message(SEND_ERROR "${name}:${problems}\n  stderr: ${err}")
  else()
    message(STATUS "ok: ${name}: ${err}")
  endif()
endfunction()

# The issue's three runs. The limit is pinned where the default (80 % of this machine's memory) could let one
# through on a machine with more memory than the run needs; the million operations a second would need more than
# any machine has, and goes through the default.
expect_refused("30 days of the flagship" NEEDLES "393 million client operations" "shorten /duration or lower /clients/*/rate_per_s"
               ARGS run ${flagship} --set duration=30d --set metrics.sample_interval=1m --max-memory 16GiB ${outputs})
expect_refused("a million operations a second for 2 hours" NEEDLES "billion client operations" "of this machine's"
               "/clients/*/rate_per_s"
               ARGS run ${flagship} --set clients.0.rate_per_s=1000000 --set duration=2h ${outputs})
expect_refused("a billion keys" NEEDLES "1 billion keys at" "lower /database/keys" "more than the 16.0 GiB limit"
               ARGS run ${flagship} --set database.keys=1000000000 --max-memory 16GiB ${outputs})
# Lowering the limit refuses the flagship as shipped, for run and check, and check runs none of its scenarios.
expect_refused("--max-memory below the flagship's estimate" NEEDLES "more than the 64.0 MiB limit (--max-memory 64MiB)"
               ARGS run ${flagship} --max-memory 64MiB ${outputs})
expect_refused("check refuses before running any scenario" NEEDLES "active-passive-dns.json: the run would hold"
               ARGS check ${flagship} --max-memory 64MiB)
expect_refused("a bench too long for the limit" NEEDLES "shorten --duration or lower --rate or --clients"
               ARGS bench --duration 10d --max-memory 16GiB)

# Raising the limit lets a modest run through: an hour of the flagship needs about 100 MiB.
execute_process(COMMAND ${MRSIM} run ${flagship} --set duration=1h --max-memory 64MiB RESULT_VARIABLE rc
                OUTPUT_QUIET ERROR_VARIABLE err)
if(NOT rc EQUAL 2)
  message(SEND_ERROR "an hour of the flagship under --max-memory 64MiB: exit ${rc}, expected 2 (refused)")
endif()
execute_process(COMMAND ${MRSIM} run ${flagship} --set duration=1h --max-memory 1GiB --report ${WORK}/modest.json
                RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT EXISTS ${WORK}/modest.json)
  message(SEND_ERROR "an hour of the flagship under --max-memory 1GiB: exit ${rc}, expected 0 and a report: ${err}")
else()
  message(STATUS "ok: --max-memory 1GiB lets an hour of the flagship run")
endif()

# A bad limit is bad input; a limit that goes with no simulation is refused.
foreach(bad "4parsecs" "0B" "-1GiB" "")
  execute_process(COMMAND ${MRSIM} run ${flagship} --max-memory=${bad} RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
  string(FIND "${err}" "--max-memory" at)
  if(NOT rc EQUAL 2 OR at EQUAL -1)
    message(SEND_ERROR "--max-memory=${bad}: exit ${rc}, expected 2 and a message naming --max-memory: ${err}")
  endif()
endforeach()
execute_process(COMMAND ${MRSIM} validate ${flagship} --max-memory 1GiB RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
if(NOT rc EQUAL 2)
  message(SEND_ERROR "validate --max-memory: exit ${rc}, expected 2: ${err}")
endif()

# validate shows the estimate without running.
execute_process(COMMAND ${MRSIM} validate ${flagship} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT out MATCHES "a run holds about [0-9.]+ MiB, [0-9]+ % of it for [0-9.]+ million client operations")
  message(SEND_ERROR "validate does not print the memory estimate: exit ${rc}: ${out}${err}")
else()
  message(STATUS "ok: ${out}")
endif()
