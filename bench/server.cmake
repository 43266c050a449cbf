# `cmake --build <dir> --target bench_server_wrk`: wrk against `licet serve` on loopback
# (bench/server_wrk.sh; figures in docs/PERFORMANCE.md "Activation server").
if(TARGET licet)
  add_custom_target(bench_server_wrk
    COMMAND ${CMAKE_CURRENT_LIST_DIR}/server_wrk.sh $<TARGET_FILE:licet> 5s
    DEPENDS licet
    USES_TERMINAL
    COMMENT "wrk against licet serve on 127.0.0.1")
endif()
