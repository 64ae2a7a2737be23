# core/io: trace files (.loopscope) and the text exports (Mermaid, Chrome trace events, HAR).
target_sources(loopscope_core PRIVATE
    io/chrometraceexport.cpp
    io/eventrange.cpp
    io/harexport.cpp
    io/jsonwriter.cpp
    io/mermaidexport.cpp
    io/tracefilereader.cpp
    io/tracefilewriter.cpp
    io/tracefieldreader.cpp
    io/traceformaterror.cpp
    io/tracemetadata.cpp
    io/tracerecordreader.cpp
    io/tracereplayrun.cpp
)
set_property(SOURCE io/tracemetadata.cpp APPEND PROPERTY COMPILE_DEFINITIONS LOOPSCOPE_VERSION="${PROJECT_VERSION}")
