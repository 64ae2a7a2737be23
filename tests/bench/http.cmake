target_sources(loopscope-bench PRIVATE bench_http.cpp bench_adaptive.cpp)
