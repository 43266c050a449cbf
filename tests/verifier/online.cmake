# The verifier's online parts over real HTTP on 127.0.0.1: the HTTP client (nginx, cpp-httplib
# servers, a black hole) and the network rule of checks and sync. The license lifecycle against
# the real `licet serve` is in e2e.cmake. Included by tests/verifier/CMakeLists.txt after
# capi.cmake (licet_capi_testkit).
if(NOT LICET_WITH_CURL OR NOT EXISTS /usr/sbin/nginx)
  return()
endif()
# PkgConfig::LICET_TEST_HTTPLIB comes from capi.cmake.

add_executable(test_verifier_online
  ${CMAKE_CURRENT_LIST_DIR}/test_http_client.cpp
  ${CMAKE_CURRENT_LIST_DIR}/test_network_policy.cpp)
# verifier/src for the internal net/ header (and curl's for net/curl_api.hpp).
target_include_directories(test_verifier_online PRIVATE ${PROJECT_SOURCE_DIR}/verifier/src)
target_include_directories(test_verifier_online SYSTEM PRIVATE ${CURL_INCLUDE_DIRS})
target_compile_definitions(test_verifier_online PRIVATE LICET_WITH_CURL=1)
target_link_libraries(test_verifier_online PRIVATE licet_verifier licet_capi_testkit
                                                   PkgConfig::LICET_TEST_HTTPLIB GTest::gtest_main)
licet_warnings(test_verifier_online)
gtest_discover_tests(test_verifier_online DISCOVERY_TIMEOUT 60 PROPERTIES TIMEOUT 120)
