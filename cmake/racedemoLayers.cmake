# racedemo_layer(NAME sources... [LAYERS lower layers...] [USES [PUBLIC] libraries...])
#
# One layer of src/ as a static library, racedemo_NAME (engine: racedemo_model). Its sources
# include its own headers and those of the LAYERS it names as "<layer>/x.hpp": each layer's
# folder is reached through a directory of its own in the build tree holding one link to it, so
# a library sees exactly the layers it links (PRIVATE), never src/ as a whole. USES: other
# libraries, PRIVATE unless after PUBLIC.
function(racedemo_layer name)
  cmake_parse_arguments(PARSE_ARGV 1 LAYER "" "" "LAYERS;USES")
  set(target racedemo_${name})
  if(name STREQUAL "engine")
    set(target racedemo_model)
  endif()
  add_library(${target} STATIC ${LAYER_UNPARSED_ARGUMENTS})
  set(root ${PROJECT_BINARY_DIR}/layers/${name})
  if(NOT EXISTS ${root}/${name})
    file(MAKE_DIRECTORY ${root})
    file(CREATE_LINK ${PROJECT_SOURCE_DIR}/src/${name} ${root}/${name} SYMBOLIC)
  endif()
  # Its own headers travel with it to whoever links it; racedemo/ is the SDK's.
  target_include_directories(${target} PUBLIC $<BUILD_INTERFACE:${root}>)
  foreach(lower IN LISTS LAYER_LAYERS)
    set(lower_target racedemo_${lower})
    if(lower STREQUAL "engine")
      set(lower_target racedemo_model)
    endif()
    target_link_libraries(${target} PRIVATE ${lower_target})
  endforeach()
  set(scope PRIVATE)
  foreach(library IN LISTS LAYER_USES)
    if(library STREQUAL "PUBLIC")
      set(scope PUBLIC)
      continue()
    endif()
    target_link_libraries(${target} ${scope} ${library})
  endforeach()
  target_link_libraries(${target} PUBLIC racedemo_sdk)
  set_property(GLOBAL APPEND PROPERTY RACEDEMO_LAYER_TARGETS ${target})
endfunction()
