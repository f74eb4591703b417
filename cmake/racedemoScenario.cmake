# racedemo_add_scenario(NAME SOURCE...): builds the racedemo scenario plugin NAME.so from the
# sources (each defines its scenarios with RACEDEMO_SCENARIO), with the entry point racedemo asks
# for the API version. Where the compiler can, it also builds NAME.tsan.so: the same plugin built
# with ThreadSanitizer, which `racedemo --detector tsan` (and `racedemo check`) load.
#
# Part of racedemo's CMake package (find_package(racedemo)); racedemo's own tree uses it too.
include_guard(GLOBAL)
include(CheckCXXSourceCompiles)
# Beside this file, in the tree and in the installed package.
set(_RACEDEMO_EMBED_SCRIPT "${CMAKE_CURRENT_LIST_DIR}/racedemoEmbedPlugin.cmake")

# Whether this compiler builds and links -fsanitize=thread (GCC and Clang, with their libtsan).
function(_racedemo_tsan_available result)
  if(NOT DEFINED CACHE{RACEDEMO_TSAN_WORKS})
    set(CMAKE_REQUIRED_FLAGS -fsanitize=thread)
    set(CMAKE_REQUIRED_LINK_OPTIONS -fsanitize=thread)
    set(CMAKE_REQUIRED_QUIET ON)
    check_cxx_source_compiles("int main() { return 0; }" RACEDEMO_TSAN_WORKS)
  endif()
  set(${result} ${RACEDEMO_TSAN_WORKS} PARENT_SCOPE)
endfunction()

function(_racedemo_plugin_target target output sources)
  add_library(${target} MODULE ${sources})
  target_link_libraries(${target} PRIVATE racedemo::sdk)
  # NAME.so, not libNAME.so: `racedemo --plugin build/NAME.so`.
  set_target_properties(${target} PROPERTIES PREFIX "" OUTPUT_NAME "${output}"
                                             CXX_EXTENSIONS OFF)
endfunction()

function(racedemo_add_scenario name)
  if(NOT ARGN)
    message(FATAL_ERROR "racedemo_add_scenario(${name} ...): give the scenario's source files")
  endif()
  # The entry point, with the sources' text for `racedemo explain`: rewritten when they change.
  set(sources "")
  foreach(source IN LISTS ARGN)
    get_filename_component(absolute "${source}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    list(APPEND sources "${absolute}")
  endforeach()
  set(entry "${CMAKE_CURRENT_BINARY_DIR}/racedemo_entry_${name}.cpp")
  add_custom_command(
    OUTPUT "${entry}"
    COMMAND ${CMAKE_COMMAND} "-DOUTPUT=${entry}" "-DNAME=${name}" "-DSOURCES=${sources}"
            -P "${_RACEDEMO_EMBED_SCRIPT}"
    DEPENDS ${sources} "${_RACEDEMO_EMBED_SCRIPT}"
    COMMENT "Embedding the sources of plugin ${name}"
    VERBATIM)
  # One rule for both builds of the plugin, so that they never write the file at once.
  add_custom_target(${name}-sources DEPENDS "${entry}")
  _racedemo_plugin_target(${name} ${name} "${ARGN};${entry}")
  add_dependencies(${name} ${name}-sources)
  # RACEDEMO_PLUGIN_TSAN OFF (a sanitizer build of racedemo itself) builds no NAME.tsan.so.
  if(DEFINED RACEDEMO_PLUGIN_TSAN AND NOT RACEDEMO_PLUGIN_TSAN)
    return()
  endif()
  _racedemo_tsan_available(tsan)
  if(tsan)
    _racedemo_plugin_target(${name}-tsan ${name}.tsan "${ARGN};${entry}")
    add_dependencies(${name}-tsan ${name}-sources)
    target_compile_options(${name}-tsan PRIVATE -fsanitize=thread -fno-omit-frame-pointer -O1 -g)
    target_link_options(${name}-tsan PRIVATE -fsanitize=thread)
  else()
    message(STATUS "racedemo: no ThreadSanitizer here; ${name} gets no ${name}.tsan.so")
  endif()
endfunction()
