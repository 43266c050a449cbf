# Whole-process cost of one check: licet-verify against a raw crypto_sign_verify_detached
# process, with hyperfine. `cmake --build <dir> --target licet_bench_process` mints the cases,
# checks both programs agree, and writes bench_process.md (and .json) in the build directory.
# licet-verify is measured as built and stripped (what `cmake --install --strip` ships); both
# have the online commands compiled in, libcurl being loaded only by them (dlopen).
add_executable(raw_verify_process ${CMAKE_CURRENT_LIST_DIR}/raw_verify_process.c)
target_link_libraries(raw_verify_process PRIVATE PkgConfig::SODIUM)
licet_warnings(raw_verify_process)

find_program(LICET_HYPERFINE hyperfine)
if(LICET_HYPERFINE AND TARGET licet-verify AND TARGET licet_test_mint)
  set(_cases ${CMAKE_CURRENT_BINARY_DIR}/process_cases)
  set(_args --public-key ${_cases}/public.k4 --product mostagare ${_cases}/valid.lic)
  string(REPLACE ";" " " _args_text "${_args}")
  add_custom_target(licet_bench_process
    COMMAND ${CMAKE_COMMAND} -E make_directory ${_cases}
    COMMAND $<TARGET_FILE:licet_test_mint> ${_cases} mostagare
    COMMAND ${CMAKE_STRIP} -o ${_cases}/licet-verify-stripped $<TARGET_FILE:licet-verify>
    COMMAND $<TARGET_FILE:raw_verify_process> ${_cases}/raw_verify.bin
    COMMAND $<TARGET_FILE:licet-verify> ${_args} > /dev/null
    COMMAND ${LICET_HYPERFINE} -N --warmup 50 --min-runs 1000
            --export-markdown ${CMAKE_CURRENT_BINARY_DIR}/bench_process.md
            --export-json ${CMAKE_CURRENT_BINARY_DIR}/bench_process.json
            "$<TARGET_FILE:raw_verify_process> ${_cases}/raw_verify.bin"
            "$<TARGET_FILE:licet-verify> ${_args_text}"
            "${_cases}/licet-verify-stripped ${_args_text}"
    DEPENDS raw_verify_process licet-verify licet_test_mint
    VERBATIM USES_TERMINAL)
endif()
