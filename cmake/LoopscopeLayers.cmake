# Each area of core/ is a static library of its own that links only the areas below it. Its
# headers are reached through an include root that holds nothing but that area (a symbolic link
# named after it), and a target sees only its own root and those of the layers it links: an
# include of a higher area finds no file, so the build fails (tests/layering.cmake proves it).
function(loopscope_add_layer area)
    cmake_parse_arguments(ARG "" "" "SOURCES;LAYERS;LIBS" ${ARGN})
    set(target loopscope_${area})
    add_library(${target} STATIC ${ARG_SOURCES})
    set(root ${PROJECT_BINARY_DIR}/layers/${area})
    file(MAKE_DIRECTORY ${root})
    file(CREATE_LINK ${CMAKE_CURRENT_SOURCE_DIR} ${root}/${area} SYMBOLIC)
    target_include_directories(${target} PUBLIC $<BUILD_INTERFACE:${root}>)
    list(TRANSFORM ARG_LAYERS PREPEND loopscope_)
    target_link_libraries(${target} PUBLIC ${ARG_LAYERS} ${ARG_LIBS})
    loopscope_enable_warnings(${target})
    loopscope_precompile_headers(${target} core)
endfunction()
