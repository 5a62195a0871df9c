cmake_minimum_required(VERSION 3.22)
# Known answer for bounded memory (docs/performance.md, "Memory that does not grow with the run"): the bench with
# --streaming at one and at three simulated hours (3.6 and 10.8 million operations, the same 20-minute outage) must
# peak at about the same memory, while the in-memory path grows about 90 bytes per operation. Prints the growth per
# operation and fails above 8 bytes; also checks each run's estimate covers its peak, within 3x.
# Usage: cmake -DMRSIM=... -P memory_bounded.cmake
set(peaks "")
foreach(duration 1h 3h)
  execute_process(COMMAND ${MRSIM} bench --streaming --duration ${duration} RESULT_VARIABLE rc OUTPUT_VARIABLE out
                  ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "bench --streaming --duration ${duration} exited ${rc}: ${err}")
  endif()
  if(NOT out MATCHES "metrics: *streamed, no history held")
    message(FATAL_ERROR "bench --streaming --duration ${duration} still holds a history: ${out}")
  endif()
  if(NOT out MATCHES "operations simulated: *([0-9]+)")
    message(FATAL_ERROR "bench prints no operation count: ${out}")
  endif()
  set(ops_${duration} ${CMAKE_MATCH_1})
  if(NOT out MATCHES "peak memory \\(max RSS\\): *([0-9]+)\\.([0-9]) MiB")
    message(FATAL_ERROR "bench prints no peak memory: ${out}")
  endif()
  math(EXPR peak_${duration} "${CMAKE_MATCH_1} * 10 + ${CMAKE_MATCH_2}")  # tenths of a MiB
  if(NOT out MATCHES "estimated before the run: *([0-9]+)\\.([0-9]) MiB")
    message(FATAL_ERROR "bench prints no memory estimate: ${out}")
  endif()
  math(EXPR estimate "${CMAKE_MATCH_1} * 10 + ${CMAKE_MATCH_2}")
  message(STATUS "bench --streaming --duration ${duration}: ${ops_${duration}} operations, peak ${peak_${duration}} "
                 "tenths of a MiB, estimated ${estimate}")
  math(EXPR bound "3 * ${peak_${duration}}")
  if(estimate LESS peak_${duration} OR estimate GREATER bound)
    message(SEND_ERROR "the estimate (${estimate}) does not cover the peak (${peak_${duration}}) within 3x")
  endif()
endforeach()
math(EXPR extra_ops "${ops_3h} - ${ops_1h}")
math(EXPR growth_bytes "(${peak_3h} - ${peak_1h}) * 104858")  # tenths of a MiB -> bytes
math(EXPR per_op_milli "1000 * ${growth_bytes} / ${extra_ops}")
message(STATUS "peak memory grew ${growth_bytes} bytes for ${extra_ops} more operations: ${per_op_milli} thousandths of a byte per operation")
if(growth_bytes GREATER 0)
  math(EXPR limit "8 * ${extra_ops}")
  if(growth_bytes GREATER limit)
    message(FATAL_ERROR "a streaming run's peak grows more than 8 bytes per operation")
  endif()
endif()
