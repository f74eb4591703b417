# Writes OUTPUT: the entry point of plugin NAME (the API version it was built for) and the text of
# each file in SOURCES (absolute paths), so that `racedemo explain` can show a plugin scenario's
# own code. racedemo_add_scenario runs it with cmake -P at build time.
set(text "// The entry point and sources of plugin ${NAME}: written by racedemo_add_scenario.\n")
string(APPEND text "#include <racedemo/scenario.hpp>\n\nRACEDEMO_PLUGIN_ENTRY()\n\nnamespace {\n")
string(APPEND text "const ::racedemo::SourceText racedemo_embedded_sources[] = {\n")
foreach(source IN LISTS SOURCES)
  file(READ "${source}" content)
  get_filename_component(name "${source}" NAME)
  string(APPEND text "    {\"${name}\", R\"racedemo_source(${content})racedemo_source\"},\n")
endforeach()
string(APPEND text "};\n}  // namespace\n\nRACEDEMO_PLUGIN_SOURCES(racedemo_embedded_sources)\n")
file(WRITE "${OUTPUT}.tmp" "${text}")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
