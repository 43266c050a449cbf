# Warnings are errors in CI (LICET_WERROR=ON in every preset that scripts/test runs).
function(licet_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
                                           -Wno-sign-conversion)
  if(LICET_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
