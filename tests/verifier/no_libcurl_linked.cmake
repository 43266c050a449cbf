# ctest driver: nothing that ships or embeds the verifier links libcurl — it is loaded with
# dlopen on the first network call (verifier/src/net/curl_api.hpp), so a process that never
# goes online maps none of its ~30 libraries. Checks `ldd` (the whole dependency tree) and the
# NEEDED entries of each binary. Variable: BINARIES, paths separated by "|".
find_program(LDD ldd REQUIRED)
find_program(READELF readelf REQUIRED)
string(REPLACE "|" ";" binaries "${BINARIES}")
foreach(binary IN LISTS binaries)
  execute_process(COMMAND ${LDD} ${binary} OUTPUT_VARIABLE tree RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "ldd failed on ${binary}")
  endif()
  if(tree MATCHES "libcurl")
    message(FATAL_ERROR "${binary} links libcurl:\n${tree}")
  endif()
  execute_process(COMMAND ${READELF} -d ${binary} OUTPUT_VARIABLE dynamic)
  if(dynamic MATCHES "NEEDED[^\n]*curl")
    message(FATAL_ERROR "${binary} needs libcurl:\n${dynamic}")
  endif()
  string(REGEX MATCHALL "\n[^\n]*=>" libs "${tree}")
  list(LENGTH libs count)
  message(STATUS "${binary}: ${count} shared libraries, no libcurl")
endforeach()
