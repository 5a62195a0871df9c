cmake_minimum_required(VERSION 3.22)
# mrsim shrink (docs/shrink.md) on tests/shrink/planted-culprit.json: 20 faults of which one, a region outage of
# the primary's region, makes availability miss. Usage: cmake -DMRSIM=... -DSOURCE=... -DWORK=... -DCASE=... -P
#   CASE=planted  the written schedule holds exactly that outage, and replaying it misses availability
#   CASE=holds    every expectation holds: it says so and exits 0, writing nothing
#   CASE=unknown  --expect names no expectation of the scenario: exit 2 naming it and the ones there are
#   CASE=budget   --max-runs cut short: it still writes the smallest schedule found, which still misses
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
set(scenario ${SOURCE}/tests/shrink/planted-culprit.json)

# require(<what> <found> <condition...>): the condition as if() takes it, its operands as variable names.
function(require what found)
  if(NOT (${ARGN}))
    message(FATAL_ERROR "${what}: found ${found}\n  stdout: ${out}\n  stderr: ${err}")
  endif()
  message(STATUS "ok: ${what}")
endfunction()

function(must_contain text needle what)
  string(FIND "${text}" "${needle}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "${what}: \"${needle}\" not found in:\n${text}")
  endif()
  message(STATUS "ok: ${what}")
endfunction()

# The replay of a written schedule: `mrsim check` exits 1 and `mrsim run` shows availability MISSED.
function(replay_misses file)
  execute_process(COMMAND ${MRSIM} check ${file} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 1)
    message(FATAL_ERROR "mrsim check ${file} exited ${rc}, expected 1 (a miss)\n${out}${err}")
  endif()
  execute_process(COMMAND ${MRSIM} run ${file} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  must_contain("${out}" "MISSED  availability" "replaying ${file} with mrsim run shows availability missed")
endfunction()

if(CASE STREQUAL "planted")
  string(TIMESTAMP t0 "%s")
  execute_process(COMMAND ${MRSIM} shrink ${scenario} --out ${WORK}/planted.shrunk.json
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  string(TIMESTAMP t1 "%s")
  math(EXPR wall "${t1} - ${t0}")
  require("shrink exits 1: it wrote a schedule that misses" "exit ${rc}" rc EQUAL 1)
  file(READ ${WORK}/planted.shrunk.json shrunk)
  string(JSON count LENGTH "${shrunk}" faults)
  require("the written scenario holds exactly one fault" "${count} faults" count EQUAL 1)
  string(JSON kind GET "${shrunk}" faults 0 kind)
  string(JSON region GET "${shrunk}" faults 0 region)
  set(outage region_outage)
  set(primary us-east-1)
  require("... the planted culprit, the outage of us-east-1" "${kind} of ${region}"
          kind STREQUAL outage AND region STREQUAL primary)
  # Its interval shrank inside the original 6m..10m.
  string(JSON at GET "${shrunk}" faults 0 at)
  string(JSON duration GET "${shrunk}" faults 0 duration)
  set(original_duration 4m)
  require("... shorter than the original 4 minutes" "at ${at} for ${duration}" NOT duration STREQUAL original_duration)
  string(JSON expect GET "${shrunk}" expect availability)
  set(original_expect ">= 0.999")
  require("the original expect block is kept" "availability ${expect}" expect STREQUAL original_expect)
  must_contain("${out}" "1 of 20 faults still make availability miss" "the summary names the kept fault count")
  must_contain("${out}" "replay: mrsim run ${WORK}/planted.shrunk.json" "the replay command is printed")
  replay_misses(${WORK}/planted.shrunk.json)
  string(REGEX MATCH "runs: [0-9]+" runs "${out}")
  message(STATUS "${runs}, about ${wall} s of wall time; kept: ${at} for ${duration}")
elseif(CASE STREQUAL "holds")
  execute_process(COMMAND ${MRSIM} shrink ${scenario} --set "expect.availability=>= 0.5" --out ${WORK}/holds.json
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  require("shrink exits 0 when every expectation holds" "exit ${rc}" rc EQUAL 0)
  must_contain("${out}" "holds (availability, split_brain_incidents): nothing to shrink" "it says so")
  require("... and writes nothing" "${WORK}/holds.json" NOT EXISTS ${WORK}/holds.json)
elseif(CASE STREQUAL "unknown")
  execute_process(COMMAND ${MRSIM} shrink ${scenario} --expect rto_s --out ${WORK}/unknown.json
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  require("--expect naming no expectation exits 2" "exit ${rc}" rc EQUAL 2)
  must_contain("${err}" "--expect rto_s" "the message names the unknown expectation")
  must_contain("${err}" "it has availability, split_brain_incidents" "... and the ones the scenario has")
  require("... and writes nothing" "${WORK}/unknown.json" NOT EXISTS ${WORK}/unknown.json)
elseif(CASE STREQUAL "budget")
  execute_process(COMMAND ${MRSIM} shrink ${scenario} --max-runs 5 --out ${WORK}/budget.shrunk.json
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  require("shrink cut short by --max-runs exits 1" "exit ${rc}" rc EQUAL 1)
  must_contain("${out}" "the search was cut short: the run budget (--max-runs 5) is spent" "it says so")
  must_contain("${out}" "runs: 5 (at most 5)" "it used exactly the budget")
  file(READ ${WORK}/budget.shrunk.json shrunk)
  string(JSON count LENGTH "${shrunk}" faults)
  require("the schedule found so far is smaller than the original" "${count} faults" count LESS 20)
  replay_misses(${WORK}/budget.shrunk.json)
else()
  message(FATAL_ERROR "CASE: expected planted, holds, unknown or budget, found \"${CASE}\"")
endif()
