cmake_minimum_required(VERSION 3.22)
# Fails when tests/fuzz/scenario.dict differs from what the schema table generates.
# Usage: cmake -DGENERATOR=.../mrsim_scenario_dict -DDICT=.../scenario.dict -P check_dict.cmake
execute_process(COMMAND ${GENERATOR} RESULT_VARIABLE rc OUTPUT_VARIABLE generated)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${GENERATOR} exited ${rc}")
endif()
file(READ ${DICT} committed)
if(NOT generated STREQUAL committed)
  message(FATAL_ERROR "${DICT} is stale: the schema table changed. Refresh it with\n"
                      "  ${GENERATOR} > ${DICT}\nand commit it.")
endif()
message(STATUS "${DICT} matches the schema table")
