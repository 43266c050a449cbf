# licet-verify: links only the verifier library (no CLI11, no issuer code).
add_executable(licet-verify
  ${CMAKE_CURRENT_LIST_DIR}/main.cpp
  ${CMAKE_CURRENT_LIST_DIR}/args.cpp
  ${CMAKE_CURRENT_LIST_DIR}/exit_codes.cpp
  ${CMAKE_CURRENT_LIST_DIR}/verify_command.cpp
  ${CMAKE_CURRENT_LIST_DIR}/device_commands.cpp)
target_link_libraries(licet-verify PRIVATE licet_verifier RapidJSON::RapidJSON)
licet_warnings(licet-verify)
