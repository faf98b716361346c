# Fuzz targets (tests/fuzz/<name>_fuzz.cc, each defining LLVMFuzzerTestOneInput) and their
# seed corpora (tests/fuzz/<name>/).
#
# MAILMARK_FUZZ=ON (`make fuzz`, clang only, its own build folder): every library is compiled
# with libFuzzer's coverage and ASan + UBSan, and each target links libFuzzer's own main.
# Off (the normal build): each target is linked with tests/fuzz/replay_main.cc instead and one
# ctest per target (fuzz_replay.<name>) feeds it its whole corpus, so an input that once
# crashed keeps being tried without clang.
option(MAILMARK_FUZZ "Build libFuzzer targets (clang) rather than corpus replays" OFF)

if(MAILMARK_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "MAILMARK_FUZZ needs clang (-DCMAKE_CXX_COMPILER=clang++)")
  endif()
  # Before any library is defined, so that they all carry the instrumentation. A UBSan finding
  # aborts like an ASan one, so the fuzzer keeps it as a crash.
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined
                      -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()

# mm_fuzz_target(NAME [SOURCES src/...] LIBS ... [SEEDS dir...]): tests/fuzz/NAME_fuzz.cc
# with the SOURCES (project files compiled into the target instead of linking the library that
# holds them: the fuzz build would otherwise compile all of mm_api, HTTP server and routes
# included, for the three parsers it needs) against LIBS; corpus tests/fuzz/NAME plus the
# SEEDS folders (other tests' inputs, e.g. tests/corpus).
function(mm_fuzz_target name)
  cmake_parse_arguments(F "" "" "SOURCES;LIBS;SEEDS" ${ARGN})
  set(source ${PROJECT_SOURCE_DIR}/tests/fuzz/${name}_fuzz.cc)
  foreach(file IN LISTS F_SOURCES)
    list(APPEND source ${PROJECT_SOURCE_DIR}/${file})
  endforeach()
  set(corpus ${PROJECT_SOURCE_DIR}/tests/fuzz/${name})
  foreach(dir IN LISTS F_SEEDS)
    list(APPEND corpus ${PROJECT_SOURCE_DIR}/${dir})
  endforeach()
  if(MAILMARK_FUZZ)
    # For scripts/fuzz.sh: the folders this target's fuzzer starts from, one a line.
    list(JOIN corpus "\n" lines)
    file(WRITE ${PROJECT_BINARY_DIR}/fuzz/${name}.seeds "${lines}\n")
    add_executable(${name}_fuzz ${source})
    target_link_libraries(${name}_fuzz PRIVATE ${F_LIBS})
    target_link_options(${name}_fuzz PRIVATE -fsanitize=fuzzer)
    set_target_properties(${name}_fuzz PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/fuzz)
    add_dependencies(fuzz_targets ${name}_fuzz)
  else()
    add_executable(${name}_replay ${source} ${PROJECT_SOURCE_DIR}/tests/fuzz/replay_main.cc)
    target_link_libraries(${name}_replay PRIVATE ${F_LIBS})
    add_test(NAME fuzz_replay.${name} COMMAND ${name}_replay ${corpus})
    set_tests_properties(fuzz_replay.${name} PROPERTIES TIMEOUT 120)
  endif()
endfunction()

if(MAILMARK_FUZZ)
  add_custom_target(fuzz_targets)
endif()
