# ctest driver: install licet into a fresh prefix, then build and run consumers of it with
# find_package(licet) and with pkg-config. Variables: BUILD_DIR, WORK_DIR, SOURCE_DIR, MINT,
# C_COMPILER, CXX_COMPILER, GENERATOR, EXTRA_FLAGS (sanitizer flags, may be empty).
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}\n${out}\n${err}")
  endif()
  set(LAST_OUTPUT "${out}" PARENT_SCOPE)
endfunction()

# Checks a consumer's output: the valid license passes, the expired one fails with `expired`.
function(expect_consumer exe)
  execute_process(COMMAND ${exe} ${KEY} ${WORK_DIR}/cases/valid.lic mostagare
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0 OR NOT out MATCHES "^licet [0-9.]+: ok ada@example.com")
    message(FATAL_ERROR "${exe} on valid.lic: exit ${rc}, output '${out}' ${err}")
  endif()
  execute_process(COMMAND ${exe} ${KEY} ${WORK_DIR}/cases/expired.lic mostagare
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 6 OR NOT out MATCHES ": expired")  # 6 = LICET_EXPIRED
    message(FATAL_ERROR "${exe} on expired.lic: exit ${rc}, output '${out}' ${err}")
  endif()
  message(STATUS "${exe}: ok")
endfunction()

file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR}/cases)
set(PREFIX ${WORK_DIR}/prefix)
run(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${PREFIX} --component licet)
foreach(f include/licet/licet.h include/licet/verifier.hpp include/licet/common/error.hpp
          bin/licet-verify)
  if(NOT EXISTS ${PREFIX}/${f})
    message(FATAL_ERROR "not installed: ${f}")
  endif()
endforeach()

run(${MINT} ${WORK_DIR}/cases mostagare)
file(STRINGS ${WORK_DIR}/cases/public.k4 KEY LIMIT_COUNT 1)

# find_package(licet)
run(${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${WORK_DIR}/consumer -G ${GENERATOR}
    -DCMAKE_PREFIX_PATH=${PREFIX} -DCMAKE_C_COMPILER=${C_COMPILER}
    -DCMAKE_CXX_COMPILER=${CXX_COMPILER} "-DCMAKE_C_FLAGS=${EXTRA_FLAGS}"
    "-DCMAKE_CXX_FLAGS=${EXTRA_FLAGS}" "-DCMAKE_EXE_LINKER_FLAGS=${EXTRA_FLAGS}")
run(${CMAKE_COMMAND} --build ${WORK_DIR}/consumer)
expect_consumer(${WORK_DIR}/consumer/consumer_c)
expect_consumer(${WORK_DIR}/consumer/consumer_cpp)
expect_consumer(${WORK_DIR}/consumer/consumer_static)

# pkg-config
find_program(PKG_CONFIG pkg-config REQUIRED)
file(GLOB_RECURSE pc_files ${PREFIX}/*/licet.pc)
list(LENGTH pc_files n)
if(NOT n EQUAL 1)
  message(FATAL_ERROR "expected one installed licet.pc, found: ${pc_files}")
endif()
get_filename_component(pc_dir ${pc_files} DIRECTORY)
set(ENV{PKG_CONFIG_PATH} ${pc_dir})
run(${PKG_CONFIG} --cflags --libs licet)
string(STRIP "${LAST_OUTPUT}" flags)
separate_arguments(flags UNIX_COMMAND "${flags}")
separate_arguments(extra UNIX_COMMAND "${EXTRA_FLAGS}")
run(${PKG_CONFIG} --variable=libdir licet)
string(STRIP "${LAST_OUTPUT}" libdir)
run(${C_COMPILER} -std=c99 -Wall -Wextra -Wpedantic -Werror ${extra} ${SOURCE_DIR}/consumer.c
    -o ${WORK_DIR}/consumer_pkgconfig ${flags} -Wl,-rpath,${libdir})
expect_consumer(${WORK_DIR}/consumer_pkgconfig)

# The static recipe of docs/INTEGRATION.md: `pkg-config --static --libs licet` with
# -Wl,-Bstatic -llicet -Wl,-Bdynamic in place of -llicet. It needs no static library the system
# lacks (libcurl, and with it -llber -lldap -lzstd…, is never linked).
run(${PKG_CONFIG} --cflags licet)
string(STRIP "${LAST_OUTPUT}" cflags)
separate_arguments(cflags UNIX_COMMAND "${cflags}")
run(${PKG_CONFIG} --static --libs licet)
string(STRIP "${LAST_OUTPUT}" static_libs)
if(static_libs MATCHES "curl|ldap|lber|zstd")
  message(FATAL_ERROR "pkg-config --static --libs licet names libcurl's libraries: ${static_libs}")
endif()
string(REPLACE "-llicet" "-Wl,-Bstatic -llicet -Wl,-Bdynamic" static_libs "${static_libs}")
separate_arguments(static_libs UNIX_COMMAND "${static_libs}")
run(${C_COMPILER} -std=c99 -Wall -Wextra -Wpedantic -Werror ${extra} ${SOURCE_DIR}/consumer.c
    -o ${WORK_DIR}/consumer_pkgconfig_static ${cflags} ${static_libs})
find_program(LDD ldd REQUIRED)
run(${LDD} ${WORK_DIR}/consumer_pkgconfig_static)
if(LAST_OUTPUT MATCHES "liblicet")
  message(FATAL_ERROR "the static recipe linked liblicet.so:\n${LAST_OUTPUT}")
endif()
expect_consumer(${WORK_DIR}/consumer_pkgconfig_static)
