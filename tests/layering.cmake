# The walls between the core's layers hold: for each layer, a file that includes a header of a
# layer above it must fail to compile against that layer's target, because the header is not on
# its include path. Each probe is built (and expected to fail) by a test of its own.
set(layer_probes
    "trace:scheduler/scheduler.h"
    "scheduler:run/run.h"
    "run:analysis/tracedigest.h"
    "analysis:io/tracefilewriter.h"
    "analysis:net/httpclient.h"
    "net:io/tracefilewriter.h"
    "io:net/httpclient.h"
    "net:scenarios/scenarioregistry.h"
    "io:scenarios/scenarioregistry.h"
    "scenarios:cli/runcommand.h"
    "run:record/recordingrun.h"
    "io:record/recordingrun.h"
    "record:scenarios/scenarioregistry.h")
foreach(probe IN LISTS layer_probes)
    string(REPLACE ":" ";" parts "${probe}")
    list(GET parts 0 lower)
    list(GET parts 1 header)
    string(REGEX REPLACE "/.*" "" upper "${header}")
    set(name layering_${lower}_cannot_include_${upper})
    set(source ${CMAKE_CURRENT_BINARY_DIR}/layering/${name}.cpp)
    file(CONFIGURE OUTPUT ${source} CONTENT "#include \"${header}\"\n")
    add_library(${name} OBJECT EXCLUDE_FROM_ALL ${source})
    target_link_libraries(${name} PRIVATE loopscope_${lower})
    add_test(NAME ${name} COMMAND ${CMAKE_COMMAND} --build ${CMAKE_BINARY_DIR} --target ${name})
    set_tests_properties(${name} PROPERTIES LABELS "layering"
        PASS_REGULAR_EXPRESSION "${header}: No such file or directory")
endforeach()
# The positive control: the probe of the top layer's header compiles against the layer that owns it.
set(control layering_cli_includes_cli)
add_library(${control} OBJECT EXCLUDE_FROM_ALL ${CMAKE_CURRENT_BINARY_DIR}/layering/layering_scenarios_cannot_include_cli.cpp)
target_link_libraries(${control} PRIVATE loopscope_cli)
add_test(NAME ${control} COMMAND ${CMAKE_COMMAND} --build ${CMAKE_BINARY_DIR} --target ${control})
set_tests_properties(${control} PROPERTIES LABELS "layering")
# A relative include ("../net/x.h") would reach past the include roots: the core has none.
add_test(NAME layering_no_relative_includes
         COMMAND ${CMAKE_COMMAND} -DROOT=${PROJECT_SOURCE_DIR}/core -P ${CMAKE_CURRENT_SOURCE_DIR}/checkincludes.cmake)
set_tests_properties(layering_no_relative_includes PROPERTIES LABELS "layering")
