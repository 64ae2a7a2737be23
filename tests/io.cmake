# Trace files and exports (core/io, ui/export).
loopscope_add_test(tst_traceformats LABEL core LIBS loopscope_core SOURCES formatcheckers.cpp tracefixtures.cpp)
# Live programs: a trace streamed to a listener (core/io, core/cli).
loopscope_add_test(tst_livestream LABEL core LIBS loopscope_core SOURCES tracefixtures.cpp)
if(TARGET loopscope_ui)
    loopscope_add_test(tst_imageexport LABEL ui LIBS loopscope_ui Qt6::Svg SOURCES tracefixtures.cpp formatcheckers.cpp)
endif()
loopscope_add_test(tst_eventdispatcher LABEL core LIBS loopscope_core)
