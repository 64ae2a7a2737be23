loopscope_add_test(tst_http LABEL core LIBS loopscope_core)
target_compile_definitions(tst_http PRIVATE TLS_TESTS_DIR="${CMAKE_CURRENT_SOURCE_DIR}/tls")
loopscope_add_test(tst_connector LABEL core LIBS loopscope_core)
loopscope_add_test(tst_pages LABEL core LIBS loopscope_core)
