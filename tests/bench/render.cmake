# Render benchmark: one frame of the sequence diagram and of the timeline, offscreen, for traces of
# 1k, 100k and 1M events. Needs the UI library and a QGuiApplication (main.cpp, LOOPSCOPE_BENCH_GUI).
if(TARGET loopscope_ui)
    target_sources(loopscope-bench PRIVATE bench_render.cpp bench_uiblocking.cpp bench_load.cpp)
    target_link_libraries(loopscope-bench PRIVATE loopscope_ui)
    target_compile_definitions(loopscope-bench PRIVATE LOOPSCOPE_BENCH_GUI)
endif()
