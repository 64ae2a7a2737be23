target_sources(loopscope_core PRIVATE
    cli/terminationsignals.cpp
    cli/servecommand.cpp
    cli/fetchcommand.cpp
    cli/runcommand.cpp
    cli/listcommand.cpp
)
