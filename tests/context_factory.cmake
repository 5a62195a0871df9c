cmake_minimum_required(VERSION 3.22)
# The sanitizer tests run simulations with --cfg=contexts/factory:thread (docs/hardening.md); that only tests what
# users run if the context factory cannot change a result. Runs one scenario with SimGrid's default contexts and with
# threads: the history must be byte-identical, the report and the trace identical but for their replay command.
# Usage: cmake -DMRSIM=... -DSCENARIO=... -DWORK=... [-DSETS=PATH=VALUE,PATH=VALUE] -P context_factory.cmake
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
set(set_args "")
string(REPLACE "," ";" sets "${SETS}")
foreach(set IN LISTS sets)
  list(APPEND set_args --set ${set})
endforeach()
foreach(factory default thread)
  set(cfg "")
  if(NOT factory STREQUAL "default")
    set(cfg --cfg=contexts/factory:${factory})
  endif()
  execute_process(COMMAND ${MRSIM} run ${SCENARIO} ${set_args} ${cfg} --report ${WORK}/${factory}.report.json
                          --trace ${WORK}/${factory}.trace.json --history ${WORK}/${factory}.history.jsonl
                  RESULT_VARIABLE rc OUTPUT_QUIET)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "the run with ${factory} contexts exited ${rc}")
  endif()
endforeach()
execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${WORK}/default.history.jsonl ${WORK}/thread.history.jsonl
                RESULT_VARIABLE same)
if(NOT same EQUAL 0)
  message(FATAL_ERROR "contexts/factory:thread changed the history")
endif()
foreach(out report.json trace.json)
  foreach(factory default thread)
    file(READ ${WORK}/${factory}.${out} text_${factory})
    string(REGEX REPLACE "\"replay\": \"[^\"]*\"" "" text_${factory} "${text_${factory}}")
  endforeach()
  if(NOT text_default STREQUAL text_thread)
    message(FATAL_ERROR "contexts/factory:thread changed ${out} beyond its replay command")
  endif()
endforeach()
message(STATUS "default and thread contexts: identical history; report and trace differ only in the replay command")
