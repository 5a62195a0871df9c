cmake_minimum_required(VERSION 3.22)
# Usage: cmake -DTESTS=<mrsim_tests binary> -P test_names.cmake
execute_process(COMMAND ${TESTS} --list-test-names-only RESULT_VARIABLE rc OUTPUT_VARIABLE names)
if(NOT rc EQUAL 0 AND names STREQUAL "")
  message(FATAL_ERROR "could not list the tests (exit ${rc})")
endif()
# ';' splits a name and '[' or ']' groups the names around it into one: either way tests silently do not run.
string(REGEX MATCH "[^\n]*[][;][^\n]*" bad "${names}")
if(bad)
  message(FATAL_ERROR "this test name contains ';', '[' or ']', which catch_discover_tests cannot pass to CTest: ${bad}")
endif()
# A name starting with '-' reaches the test binary as an option, not a name.
string(REGEX MATCH "(^|\n)-[^\n]*" bad "${names}")
if(bad)
  message(FATAL_ERROR "this test name starts with '-', which the test binary takes for an option: ${bad}")
endif()
string(REGEX MATCHALL "\n" lines "${names}")
list(LENGTH lines count)
message(STATUS "${count} test names, none with ';', '[' or ']'")
