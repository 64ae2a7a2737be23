# Scenarios: the infrastructure, one source file per built-in scenario, and those scenario files
# (plus the quotes the producer reads) embedded as resources, so that the UI can show the code
# whose lines the trace events point to: ":/scenarios/<file>.cpp" and ":/data/quotes.csv".
set(LOOPSCOPE_SCENARIO_FILES
    scenarios/twocoroutines.cpp
    scenarios/generators.cpp
    scenarios/sendvalues.cpp
    scenarios/delegation.cpp
    scenarios/pollingloop.cpp
    scenarios/callbackqueue.cpp
    scenarios/sequentialvsconcurrent.cpp
    scenarios/producerconsumer.cpp
    scenarios/nestedloop.cpp
    scenarios/threads.cpp
    scenarios/paginated.cpp
    scenarios/paginatedhttp.cpp
)
target_sources(loopscope_core PRIVATE
    scenarios/builtinscenario.cpp
    scenarios/quote.cpp
    scenarios/replayrun.cpp
    scenarios/runningtimetable.cpp
    scenarios/scenarioparams.cpp
    scenarios/scenarioregistry.cpp
    scenarios/schedulerrun.cpp
    scenarios/tracemerger.cpp
    ${LOOPSCOPE_SCENARIO_FILES}
)
cmake_path(SET LOOPSCOPE_QUOTES_CSV NORMALIZE "${CMAKE_CURRENT_LIST_DIR}/../../resources/data/quotes.csv")
set_source_files_properties(${LOOPSCOPE_QUOTES_CSV} PROPERTIES QT_RESOURCE_ALIAS data/quotes.csv)
qt_add_resources(loopscope_core "scenario_sources"
    PREFIX "/"
    BASE ${CMAKE_CURRENT_SOURCE_DIR}
    FILES ${LOOPSCOPE_SCENARIO_FILES} ${LOOPSCOPE_QUOTES_CSV}
)
