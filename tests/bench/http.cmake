target_sources(loopscope-bench PRIVATE bench_http.cpp bench_pages.cpp bench_adaptive.cpp)
