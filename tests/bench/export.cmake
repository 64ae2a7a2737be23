# Export benchmark: pictures (ui/export) of a 100,000-event trace. Pictures need the UI library and a
# QGuiApplication, which main.cpp creates (offscreen) when LOOPSCOPE_BENCH_GUI is defined.
if(TARGET loopscope_ui)
    target_sources(loopscope-bench PRIVATE bench_export.cpp)
    target_link_libraries(loopscope-bench PRIVATE loopscope_ui)
    target_compile_definitions(loopscope-bench PRIVATE LOOPSCOPE_BENCH_GUI)
endif()
