# Programs recorded from outside (core/record): the recorder's stream, read as bytes of any shape.
loopscope_add_test(tst_recorderstream LABEL core LIBS loopscope_core)
if(TARGET loopscope) # runs the real binary
    loopscope_add_test(tst_pytrace LIBS loopscope_core)
    target_compile_definitions(tst_pytrace PRIVATE LOOPSCOPE_BINARY="$<TARGET_FILE:loopscope>"
        PYTHON_TESTS_DIR="${CMAKE_CURRENT_SOURCE_DIR}/python"
        RECORDER_PY="${PROJECT_SOURCE_DIR}/resources/python/loopscope_record.py")
    add_dependencies(tst_pytrace loopscope)
endif()
