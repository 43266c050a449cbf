# fuzz_state: the verifier's state-file parsers (clock.json, revocations.json). Their source is
# compiled into the target itself, so libFuzzer's coverage instrumentation reaches it.
licet_fuzz_target(fuzz_state ${CMAKE_CURRENT_LIST_DIR}/fuzz_state.cpp licet_common)
target_sources(fuzz_state PRIVATE ${PROJECT_SOURCE_DIR}/verifier/src/state/state_files.cpp)
target_include_directories(fuzz_state PRIVATE ${PROJECT_SOURCE_DIR}/verifier/src)
licet_warnings(fuzz_state)
