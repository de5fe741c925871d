# ky_add_plugin(NAME SOURCES... [LIBS targets...])
# Builds a loadable module NAME.so into the plugin folder of the build tree
# and installs it under lib/kyokun/plugins.
function(ky_add_plugin name)
    cmake_parse_arguments(PLUGIN "" "" "SOURCES;LIBS" ${ARGN})
    add_library(${name} MODULE ${PLUGIN_SOURCES})
    set_target_properties(${name} PROPERTIES
        PREFIX ""
        LIBRARY_OUTPUT_DIRECTORY ${KYOKUN_PLUGIN_OUTPUT_DIR})
    target_link_libraries(${name} PRIVATE kyokun ${PLUGIN_LIBS})
    target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR})
    install(TARGETS ${name} LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}/kyokun/plugins)
endfunction()
