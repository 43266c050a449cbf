# licet-verify: links only the verifier library (no CLI11, no issuer code).
add_executable(licet-verify
  ${CMAKE_CURRENT_LIST_DIR}/main.cpp
  ${CMAKE_CURRENT_LIST_DIR}/args.cpp
  ${CMAKE_CURRENT_LIST_DIR}/exit_codes.cpp
  ${CMAKE_CURRENT_LIST_DIR}/verify_command.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cli_support.cpp
  ${CMAKE_CURRENT_LIST_DIR}/device_commands.cpp
  ${CMAKE_CURRENT_LIST_DIR}/lifecycle_commands.cpp)
target_link_libraries(licet-verify PRIVATE licet_verifier RapidJSON::RapidJSON)
licet_warnings(licet-verify)
# Startup dominates a one-shot check: a static C++ runtime saves the dynamic loader most of its
# work (docs/PERFORMANCE.md, "licet-verify process and binary size"). Not with sanitizers, whose
# runtimes must own operator new/delete.
if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang" AND NOT APPLE AND NOT LICET_SANITIZE AND NOT LICET_FUZZ)
  target_link_options(licet-verify PRIVATE -static-libstdc++ -static-libgcc)
endif()
