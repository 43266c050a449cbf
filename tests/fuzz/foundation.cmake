# Fuzz targets for common/ and keys/: the parsers that see outside data.
foreach(name fuzz_token fuzz_armor fuzz_claims fuzz_base64)
  licet_fuzz_target(${name} ${CMAKE_CURRENT_LIST_DIR}/${name}.cpp licet_common)
  licet_warnings(${name})
endforeach()
licet_fuzz_target(fuzz_paserk ${CMAKE_CURRENT_LIST_DIR}/fuzz_paserk.cpp licet_keys)
licet_warnings(fuzz_paserk)

# Coverage instrumentation for the libraries under test too; otherwise libFuzzer only sees the
# harness and mutates blindly.
foreach(lib licet_common licet_keys)
  target_compile_options(${lib} PRIVATE -fsanitize=fuzzer-no-link,address,undefined)
endforeach()
