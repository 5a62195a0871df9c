cmake_minimum_required(VERSION 3.22)
# Runs the scenario-loader fuzz target for a bounded time; fails on any finding and prints the input that caused it.
# Usage: cmake -DFUZZER=.../mrsim_fuzz_scenario -DSOURCE=<source tree> -DWORK=<dir> -DSECONDS=150 -P run_fuzz.cmake
# WORK/corpus keeps what the fuzzer learns between runs in the same build tree; WORK/artifacts holds the findings of
# the last run. To fuzz longer or replay a finding, see docs/hardening.md.
foreach(var FUZZER SOURCE WORK SECONDS)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "run_fuzz.cmake: -D${var}=... is required")
  endif()
endforeach()
if(NOT EXISTS ${FUZZER})
  message(FATAL_ERROR "${FUZZER} does not exist: build the clang tree first (./setup.sh --all)")
endif()

# Seeds: the shipped scenarios and bad-input files as they are, and each scenario again with overrides, in the
# target's input format (the scenario, then "\n--set PATH=VALUE" lines; tests/fuzz/fuzz_scenario.cpp).
file(REMOVE_RECURSE ${WORK}/artifacts ${WORK}/seeds)
file(MAKE_DIRECTORY ${WORK}/corpus ${WORK}/artifacts ${WORK}/seeds)
file(GLOB scenarios ${SOURCE}/scenarios/*.json)
foreach(scenario ${scenarios})
  get_filename_component(name ${scenario} NAME_WE)
  file(READ ${scenario} text)
  string(STRIP "${text}" text)
  file(WRITE ${WORK}/seeds/${name}-with-sets.txt
       "${text}\n--set routing.ttl=300s\n--set /clients/0/count=5\n--set seed=7\n--set faults.0.duration=90s")
endforeach()

execute_process(
  COMMAND ${FUZZER} -max_total_time=${SECONDS} -timeout=10 -rss_limit_mb=2048 -max_len=8192
          -dict=${SOURCE}/tests/fuzz/scenario.dict -artifact_prefix=${WORK}/artifacts/ -print_final_stats=1
          ${WORK}/corpus ${WORK}/seeds ${SOURCE}/scenarios ${SOURCE}/tests/bad_input
  RESULT_VARIABLE rc ERROR_FILE ${WORK}/fuzz.log OUTPUT_FILE ${WORK}/fuzz.stdout)

# libFuzzer's seed, its first and last progress lines and its closing statistics. (The log is not read as a CMake
# list: its lines hold unbalanced brackets and semicolons.)
file(STRINGS ${WORK}/fuzz.log summary REGEX "^(INFO: Seed:|#[0-9]+[ \t]+(DONE|INITED)|stat::|Done [0-9]+ runs)")
list(JOIN summary "\n  " summary)
message(STATUS "libFuzzer (${SECONDS} s, log ${WORK}/fuzz.log):\n  ${summary}")

file(GLOB findings ${WORK}/artifacts/*)
if(rc EQUAL 0 AND NOT findings)
  message(STATUS "no finding")
  return()
endif()
# Show the end of the log (the sanitizer's or libFuzzer's report) and each finding, readable and in hex.
file(SIZE ${WORK}/fuzz.log size)
math(EXPR offset "${size} - 12000")
if(offset LESS 0)
  set(offset 0)
endif()
file(READ ${WORK}/fuzz.log tail OFFSET ${offset})
set(report "libFuzzer exited ${rc}; the end of its log:\n${tail}\n")
foreach(finding ${findings})
  file(READ ${finding} hex HEX)
  file(READ ${finding} text LIMIT 4000)
  string(APPEND report "\nfinding ${finding} (kept; replay: ${FUZZER} ${finding}):\n"
                       "--- text ---\n${text}\n--- hex ---\n${hex}\n")
endforeach()
message("${report}")  # as it is: a FATAL_ERROR message would be re-wrapped and indented
list(LENGTH findings n)
message(FATAL_ERROR "libFuzzer exited ${rc} with ${n} finding(s) in ${WORK}/artifacts (shown above)")
