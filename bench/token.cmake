# bench_token: licet token sign/verify against raw Ed25519 on the same message.
add_executable(bench_token ${CMAKE_CURRENT_LIST_DIR}/bench_token.cpp)
target_link_libraries(bench_token PRIVATE benchmark::benchmark licet_common licet_keys)
licet_warnings(bench_token)
